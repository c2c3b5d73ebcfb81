import ConocelesCore
import Foundation

extension ProgressReport {
    /// A standalone, printable HTML document (the site's style sheet, no scripts); every
    /// value escaped.
    var html: String {
        var out = """
            <!DOCTYPE html>
            <html lang="es-MX">
            <head>
            <meta charset="utf-8">
            <title>\(title.htmlEscaped)</title>
            <link rel="stylesheet" href="/estatico/conoceles.css">
            </head>
            <body>
            <main id="contenido" class="informe">
            <h1>\(title.htmlEscaped)</h1>
            <p>\(process.electoralBody.htmlEscaped). \(process.name.htmlEscaped). Para el Consejo General. \
            Generado el \(generatedOn.spanishDescription.htmlEscaped).</p>

            """
        out += progressSection + statisticsSection + neverPublishedSection
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    private static func percent(_ part: Int, of total: Int) -> String {
        guard total > 0 else { return "—" }
        let tenths = (part * 1_000 + total / 2) / total
        return "\(tenths / 10).\(tenths % 10) %"
    }

    private func cells(_ row: Row) -> String {
        [row.total, row.captured, row.complete, row.published].map { "<td>\($0)</td>" }.joined()
            + "<td>\(Self.percent(row.published, of: row.total))</td>"
    }

    private var progressSection: String {
        var out = """
            <h2>Avance de la captura por partido, coalición o candidatura independiente y cargo</h2>
            <table class="tabla">
            <thead><tr><th scope="col">Partido, coalición o candidatura independiente</th><th scope="col">Cargo</th>\
            <th scope="col">Candidaturas</th><th scope="col">Con captura</th><th scope="col">Completas</th>\
            <th scope="col">Publicadas</th><th scope="col">Publicadas (%)</th></tr></thead>
            <tbody>

            """
        for row in rows {
            out +=
                "<tr><th scope=\"row\">\(entityName(row.entity).htmlEscaped)</th><td>\(officeName(row.officeCode).htmlEscaped)</td>"
                + cells(row) + "</tr>\n"
        }
        out += "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">Total</th>\(cells(totals))</tr></tfoot>\n</table>\n"
        return out
    }

    private var statisticsSection: String {
        guard let statistics, let releasedAt = statisticsReleasedAt else {
            return "<h2>Estadísticas de identidad</h2>\n<p>Aún no se publican las estadísticas de identidad.</p>\n"
        }
        var out = """
            <h2>Estadísticas de identidad</h2>
            <p>Las mismas tablas que publica el portal, calculadas el \(LocalDate(releasedAt, timeZone: process.timeZone).spanishDescription.htmlEscaped) \
            sobre \(statistics.profiles) perfiles publicados. No se muestra ninguna respuesta individual ni una cifra de 1 a 4: \
            «\(IdentityRelease.reservedText)» marca una cifra de 1 a 4 personas o una que se reserva para que las otras tablas \
            no permitan calcularla.</p>

            """
        let groups = IdentityGroup.allCases.map { "<th scope=\"col\">\($0.label.htmlEscaped)</th>" }.joined()
        for dimension in IdentityRelease.Dimension.allCases {
            out += """
                <table class="tabla">
                <caption>\(dimension == .total ? "Total" : "Por \(dimension.label.lowercased())")</caption>
                <thead><tr><th scope="col">\(dimension.label.htmlEscaped)</th><th scope="col">Perfiles</th>\(groups)</tr></thead>
                <tbody>

                """
            for row in statistics.rows(dimension) {
                out +=
                    "<tr><th scope=\"row\">\(row.value.htmlEscaped)</th><td>\(row.profiles)</td>"
                    + IdentityGroup.allCases.map { "<td>\((row.count($0).map(String.init) ?? IdentityRelease.reservedText).htmlEscaped)</td>" }.joined()
                    + "</tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        return out
    }

    private var neverPublishedSection: String {
        guard let neverPublished else {
            return """
                <h2>Candidaturas cuya información no se publicó</h2>
                <p>Las campañas concluyen el \(process.campaignEndDate.spanishDescription.htmlEscaped); esta lista se \
                incluye en los informes posteriores.</p>

                """
        }
        var out = "<h2>Candidaturas cuya información no se publicó</h2>\n"
        guard !neverPublished.isEmpty else { return out + "<p>Todas las candidaturas vigentes publicaron su información.</p>\n" }
        out += "<p>Al concluir las campañas, \(neverPublished.count) candidaturas vigentes no publicaron su información.</p>\n"
        let groups = Dictionary(grouping: neverPublished, by: \.candidacy.postulatingEntity)
        for entity in groups.keys.sorted(by: { ($0.kind.rawValue, $0.code) < ($1.kind.rawValue, $1.code) }) {
            let profiles = groups[entity] ?? []
            out += """
                <h3>\(entityName(entity).htmlEscaped) (\(profiles.count))</h3>
                <table class="tabla">
                <thead><tr><th scope="col">Candidatura</th><th scope="col">Nombre</th><th scope="col">Cargo</th>\
                <th scope="col">Estado</th></tr></thead>
                <tbody>

                """
            for profile in profiles {
                out +=
                    "<tr><td>\(profile.candidacy.id.htmlEscaped)</td><th scope=\"row\">\(profile.candidacy.fullName.htmlEscaped)</th>"
                    + "<td>\(place.describe(profile.candidacy).htmlEscaped)</td><td>\(profile.state.label.htmlEscaped)</td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        return out
    }
}
