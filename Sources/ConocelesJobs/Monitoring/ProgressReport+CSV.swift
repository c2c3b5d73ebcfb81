import ConocelesCore
import Foundation

extension ProgressReport {
    /// The CSV header: one row per number (long format) plus one per unpublished candidacy.
    static let csvHeader = ["SECCION", "PARTIDO_COALICION", "CARGO", "INDICADOR", "VALOR", "ID_CANDIDATURA", "NOMBRE"]

    /// The report as CSV (`SpreadsheetWriter`: UTF-8 with BOM, CRLF): sections `avance` (indicators `candidaturas`,
    /// `con_captura`, `completas`, `publicadas` per entity and office), `identidad` (the public
    /// release: indicator `<tabla>|<valor>|perfiles` or `<tabla>|<valor>|<grupo>`, tables
    /// `total`, `cargo`, `partido`, `sexo`; a reserved count reads `IdentityRelease.reservedText`)
    /// and `no_publicadas` (one row per candidacy, `VALOR` its state).
    var csv: String {
        var lines = [Self.csvHeader]
        for row in rows {
            let entity = entityName(row.entity), office = officeName(row.officeCode)
            for (indicator, value) in [
                ("candidaturas", row.total), ("con_captura", row.captured), ("completas", row.complete),
                ("publicadas", row.published),
            ] {
                lines.append(["avance", entity, office, indicator, String(value), "", ""])
            }
        }
        for row in statistics?.rows ?? [] {
            let entity = row.dimension == IdentityRelease.Dimension.entity.rawValue ? row.value : ""
            let office = row.dimension == IdentityRelease.Dimension.office.rawValue ? row.value : ""
            lines.append(["identidad", entity, office, "\(row.dimension)|\(row.value)|perfiles", String(row.profiles), "", ""])
            for group in IdentityGroup.allCases {
                lines.append([
                    "identidad", entity, office, "\(row.dimension)|\(row.value)|\(group.rawValue)",
                    row.count(group).map(String.init) ?? IdentityRelease.reservedText, "", "",
                ])
            }
        }
        for profile in neverPublished ?? [] {
            lines.append([
                "no_publicadas", entityName(profile.candidacy.postulatingEntity), place.describe(profile.candidacy), "estado",
                profile.state.label, profile.candidacy.id, profile.candidacy.fullName,
            ])
        }
        return SpreadsheetWriter.document(lines)
    }
}
