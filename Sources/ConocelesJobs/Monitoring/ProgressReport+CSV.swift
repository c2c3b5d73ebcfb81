import ConocelesCore
import Foundation

extension ProgressReport {
    /// The CSV header: one row per number (long format) plus one per unpublished candidacy.
    static let csvHeader = ["SECCION", "PARTIDO_COALICION", "CARGO", "INDICADOR", "VALOR", "ID_CANDIDATURA", "NOMBRE"]

    /// The report as CSV (`SpreadsheetWriter`: UTF-8 with BOM, CRLF): sections `avance` (indicators `candidaturas`,
    /// `con_captura`, `completas`, `publicadas` per entity and office), `identidad`
    /// (`<grupo>:si|no|prefiere_no_contestar|sin_respuesta` and `<grupo>:si:<género>`, empty below
    /// `IdentityStatistics.minimumRowSize` questionnaires of that gender) and
    /// `no_publicadas` (one row per candidacy, `VALOR` its state).
    var csv: String {
        var lines = [Self.csvHeader]
        for row in rows {
            let entity = entityName(row.entity), office = officeName(row.officeCode)
            for (indicator, value) in [("candidaturas", row.total), ("con_captura", row.captured), ("completas", row.complete),
                                       ("publicadas", row.published)] {
                lines.append(["avance", entity, office, indicator, String(value), "", ""])
            }
        }
        lines.append(["identidad", "", "", "cuestionarios", String(statistics.questionnaires), "", ""])
        for group in IdentityGroup.allCases {
            let t = statistics[group]
            for (answer, value) in [("si", t.yes), ("no", t.no), ("prefiere_no_contestar", t.preferNotToAnswer), ("sin_respuesta", t.unanswered)] {
                lines.append(["identidad", "", "", "\(group.rawValue):\(answer)", String(value), "", ""])
            }
            for gender in Gender.allCases {
                lines.append(["identidad", "", "", "\(group.rawValue):si:\(gender.rawValue)",
                              statistics.yes(group, gender: gender).map { String($0) } ?? "", "", ""])
            }
        }
        for profile in neverPublished ?? [] {
            lines.append(["no_publicadas", entityName(profile.candidacy.postulatingEntity), place.describe(profile.candidacy), "estado",
                          profile.state.label, profile.candidacy.id, profile.candidacy.fullName])
        }
        return SpreadsheetWriter.document(lines)
    }
}
