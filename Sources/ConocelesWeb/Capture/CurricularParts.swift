import ConocelesCore
import Crypto
import Foundation

/// The curricular form as parts a person edits one at a time (a network's address, the
/// phones, a long text…), for saves that meet another person's save: the form carries a
/// fingerprint of each part as it was read, so a save based on an older revision is merged
/// part by part: a part only this person changed takes theirs, a part only the other person
/// changed keeps the saved one, and a part both changed differently is a conflict the person
/// decides (`CurricularView.conflicts`).
struct CurricularPart: Sendable {
    /// Form-safe identifier (`conservar_<id>` carries the person's choice).
    let id: String
    let label: String
    /// The part as a person reads it ("" when empty).
    let text: @Sendable (CurricularQuestionnaire) -> String
    /// Copies the part from `source` into `target`.
    let copy: @Sendable (CurricularQuestionnaire, inout CurricularQuestionnaire) -> Void

    static let all: [CurricularPart] = {
        typealias F = CurricularQuestionnaire.Field
        var parts = SocialNetwork.allCases.map { network in
            CurricularPart(id: network.rawValue, label: network.label, text: { $0.contact.address(of: network) ?? "" }) { source, target in
                switch network {
                case .facebook: target.contact.facebook = source.contact.facebook
                case .twitter: target.contact.twitter = source.contact.twitter
                case .youtube: target.contact.youtube = source.contact.youtube
                case .instagram: target.contact.instagram = source.contact.instagram
                case .tiktok: target.contact.tiktok = source.contact.tiktok
                }
            }
        }
        parts += [
            CurricularPart(id: "pagina_web", label: PublicContact.Field.webPage.label, text: { $0.contact.webPage ?? "" }) {
                $1.contact.webPage = $0.contact.webPage
            },
            CurricularPart(id: "correos", label: "Correos electrónicos públicos", text: { $0.contact.emails.joined(separator: "\n") }) {
                $1.contact.emails = $0.contact.emails
            },
            CurricularPart(id: "telefonos", label: "Teléfonos públicos", text: { $0.contact.phones.joined(separator: "\n") }) {
                $1.contact.phones = $0.contact.phones
            },
            CurricularPart(id: "domicilios", label: "Domicilios de casas de campaña", text: { $0.contact.campaignHouseAddresses.joined(separator: "\n") }) {
                $1.contact.campaignHouseAddresses = $0.contact.campaignHouseAddresses
            },
            CurricularPart(id: "grado", label: F.maximumDegree.label, text: { $0.maximumDegree ?? "" }) { $1.maximumDegree = $0.maximumDegree },
            CurricularPart(id: "estatus_grado", label: F.degreeStatus.label, text: { $0.degreeStatus ?? "" }) { $1.degreeStatus = $0.degreeStatus },
            CurricularPart(id: "formacion", label: "Otra formación académica", text: { $0.otherTraining.joined(separator: "\n") }) {
                $1.otherTraining = $0.otherTraining
            },
        ]
        parts += CurricularField.texts.compactMap { entry in
            guard let text = entry.text, let id = entry.formName else { return nil }
            let answer = text.answer
            return CurricularPart(id: id, label: entry.field.label, text: { $0[keyPath: answer] }) { $1[keyPath: answer] = $0[keyPath: answer] }
        }
        parts += [
            CurricularPart(
                id: "autoriza_publicacion", label: F.publicationAuthorization.label,
                text: { answers in
                    answers.publicationAuthorization.map { $0 ? "Sí, autorizo su publicación" : "No autorizo su publicación" } ?? ""
                }
            ) { $1.publicationAuthorization = $0.publicationAuthorization }
        ]
        return parts
    }()

    /// A short fingerprint of this part of `answers` (16 hex digits of its SHA-256).
    func fingerprint(_ answers: CurricularQuestionnaire) -> String {
        SHA256.hash(data: Data(text(answers).utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The fingerprints of every part of `answers`, as the form's hidden `huellas` field holds them.
    static func fingerprints(_ answers: CurricularQuestionnaire) -> String {
        all.map { "\($0.id):\($0.fingerprint(answers))" }.joined(separator: ",")
    }

    /// The fingerprints of a form's `huellas` field, by part id.
    static func parse(_ fingerprints: String?) -> [String: String] {
        var parsed: [String: String] = [:]
        for pair in (fingerprints ?? "").split(separator: ",") {
            let halves = pair.split(separator: ":", maxSplits: 1)
            if halves.count == 2 { parsed[String(halves[0])] = String(halves[1]) }
        }
        return parsed
    }

    /// The merge of `mine` (based on the revision whose fingerprints are `base`) with `saved`:
    /// the merged answers and the parts both changed differently. Without a base fingerprint
    /// for a part, a difference is a conflict.
    static func merge(mine: CurricularQuestionnaire, base: [String: String], saved: CurricularQuestionnaire)
        -> (merged: CurricularQuestionnaire, conflicts: [CurricularPart])
    {
        var merged = mine
        var conflicts: [CurricularPart] = []
        for part in all where part.text(mine) != part.text(saved) {
            let original = base[part.id]
            if original == part.fingerprint(mine) {
                part.copy(saved, &merged)  // only the other person changed it
            } else if original == part.fingerprint(saved) {
                continue  // only this person changed it
            } else {
                conflicts.append(part)
            }
        }
        return (merged, conflicts)
    }
}
