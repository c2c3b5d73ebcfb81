import ConocelesCore

/// What `publico/estadisticas` reads: one block per chart and its table.
struct StatisticsPageView {
    struct Table {
        let caption: String
        let columns: [String]
        let rows: [TableRow]
    }

    struct TableRow {
        let header: String
        let cells: [String]
    }

    struct Block {
        let id: String
        let heading: String
        let intro: String
        let chart: BarChart.Drawing?
        /// Shown instead of the chart when there is nothing to draw.
        let empty: String
        let table: Table
    }

    /// What a reserved identity count reads (as in every other output).
    static let reserved = IdentityRelease.reservedText

    let version: Int64
    let blocks: [Block]

    /// The blocks of `statistics`, dates in `timeZone`.
    init(_ statistics: PortalStatistics, timeZone: String) {
        version = statistics.version
        var blocks: [Block] = []
        let progress = statistics.progress
        blocks.append(
            Block(
                id: "avance", heading: "Avance de la captura por partido",
                intro:
                    "Por partido, coalición o candidatura independiente: cuántas candidaturas aprobadas y vigentes hay y cuántas tienen su perfil publicado.",
                chart: progress.isEmpty
                    ? nil
                    : BarChart(
                        id: "grafica-avance", title: "Perfiles publicados y candidaturas aprobadas por partido",
                        description: progress.map { "\($0.entity): \($0.published) de \($0.approved)" }.joined(separator: "; "),
                        series: [
                            BarChart.Series(name: "Perfiles publicados", colour: BarChart.palette[0]),
                            BarChart.Series(name: "Candidaturas aprobadas", colour: BarChart.palette[1]),
                        ],
                        sections: [BarChart.Section(heading: nil, rows: progress.map { BarChart.Row(label: $0.entity, values: [$0.published, $0.approved]) })]
                    ).drawing,
                empty: "Aún no hay candidaturas aprobadas en la versión publicada.",
                table: Table(
                    caption: "Candidaturas aprobadas y perfiles publicados por partido",
                    columns: ["Postula", "Candidaturas aprobadas", "Perfiles publicados", "Porcentaje"],
                    rows: progress.map {
                        TableRow(
                            header: $0.entity,
                            cells: [
                                "\($0.approved)", "\($0.published)",
                                PortalText.share($0.published, of: $0.approved),
                            ])
                    })))
        let schedule =
            statistics.releasedAt.map { releasedAt in
                " Estas tablas se calculan en un horario fijo, no con cada perfil: son las del "
                    + SpanishDates.dateTime(releasedAt, timeZone: timeZone)
                    + (statistics.nextChange.map { " y se actualizan de nuevo a partir del " + SpanishDates.dateTime($0, timeZone: timeZone) } ?? "")
                    + "."
            } ?? " Se calculan en un horario fijo (una vez al día); aún no se publica la primera."
        for dimension in IdentityRelease.Dimension.allCases {
            let rows = statistics.identity.filter { $0.dimension == dimension.rawValue }
            let shown = rows.filter { row in row.counts.values.contains { ($0 ?? 0) > 0 } }
            let by = dimension == .total ? "en total" : "por \(dimension.label.lowercased())"
            func count(_ row: PortalStatistics.Identity, _ group: IdentityGroup) -> String {
                (row.counts[group.rawValue] ?? nil).map(String.init) ?? Self.reserved
            }
            blocks.append(
                Block(
                    id: "identidad-\(dimension.rawValue)", heading: "Grupos de atención prioritaria \(by)",
                    intro: "Cuántos perfiles publicados se identifican con cada grupo, \(by). Nunca se publica la respuesta de una "
                        + "persona ni una cifra de 1 a 4: «\(Self.reserved)» marca una cifra de 1 a 4 personas o una que se reserva para "
                        + "que las otras tablas no permitan calcularla (restando, por ejemplo)." + (dimension == .total ? schedule : ""),
                    chart: shown.isEmpty
                        ? nil
                        : BarChart(
                            id: "grafica-identidad-\(dimension.rawValue)", title: "Perfiles que se identifican con cada grupo, \(by)",
                            description: shown.map { row in
                                "\(row.value) (\(row.profiles) perfiles): "
                                    + IdentityGroup.allCases.map { "\($0.label) \(count(row, $0))" }
                                    .joined(separator: ", ")
                            }.joined(separator: "; "),
                            series: [BarChart.Series(name: "Perfiles", colour: BarChart.palette[0])],
                            sections: shown.map { row in
                                BarChart.Section(
                                    heading: "\(row.value) (\(row.profiles) perfiles publicados)",
                                    rows: IdentityGroup.allCases.compactMap { group in
                                        (row.counts[group.rawValue] ?? nil).map { BarChart.Row(label: group.label, values: [$0]) }
                                    })
                            }
                        ).drawing,
                    empty: rows.isEmpty ? "Aún no hay estadísticas de identidad publicadas." : "No hay barras que dibujar: cada cifra es cero o se reserva.",
                    table: Table(
                        caption: "Perfiles publicados que se identifican con cada grupo, \(by)",
                        columns: [dimension.label, "Perfiles publicados"] + IdentityGroup.allCases.map(\.label),
                        rows: rows.map { row in
                            TableRow(header: row.value, cells: ["\(row.profiles)"] + IdentityGroup.allCases.map { count(row, $0) })
                        })))
        }
        blocks.append(
            Self.countBlock(
                id: "escolaridad", heading: "Escolaridad", noun: "grado máximo de estudios",
                column: "Grado máximo de estudios", counts: statistics.education))
        blocks.append(Self.countBlock(id: "edad", heading: "Edad", noun: "rango de edad", column: "Rango de edad", counts: statistics.ages))
        self.blocks = blocks
    }

    static func countBlock(id: String, heading: String, noun: String, column: String, counts: [PortalStatistics.Count]) -> Block {
        let total = counts.map(\.profiles).reduce(0, +)
        return Block(
            id: id, heading: heading, intro: "Perfiles publicados por \(noun).",
            chart: total == 0
                ? nil
                : BarChart(
                    id: "grafica-\(id)", title: "Perfiles publicados por \(noun)",
                    description: counts.map { "\($0.label): \($0.profiles)" }.joined(separator: "; "),
                    seriesName: "Perfiles publicados", rows: counts.map { BarChart.Row(label: $0.label, values: [$0.profiles]) }
                ).drawing,
            empty: "Aún no hay perfiles publicados.",
            table: Table(
                caption: "Perfiles publicados por \(noun)", columns: [column, "Perfiles publicados", "Porcentaje"],
                rows: counts.map { TableRow(header: $0.label, cells: ["\($0.profiles)", PortalText.share($0.profiles, of: total)]) }))
    }
}
