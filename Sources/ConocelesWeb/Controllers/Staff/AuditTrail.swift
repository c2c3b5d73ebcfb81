import ConocelesCore
import Foundation
import Storage

/// The audit trail of a profile as staff read it: the workflow's transitions (with staff's
/// observations) and the other lines of the audit log (saves, consent, privacy notice),
/// oldest first. The log never holds sensitive values, and none are added here.
struct AuditTrail {
    let format: StaffFormat

    /// Spanish labels of the audit log's actions.
    static let actionLabels: [String: String] = [
        "candidacy.register": "Registro de la candidatura",
        "candidacy.withdraw": "Baja de la candidatura",
        "curricular.save": "Guardó el cuestionario curricular",
        "identity.save": "Guardó el cuestionario de identidad",
        "identity.purge": "Eliminación de los datos de identidad",
        "consent.grant": "Otorgó el consentimiento para publicar los datos de identidad",
        "consent.revoke": "Revocó el consentimiento para publicar los datos de identidad",
        "privacy_notice.accept": "Aceptó el aviso de privacidad",
    ]

    func view(of candidacy: Candidacy, history: [ProfileTransition], records: [AuditRecord], office: String) -> TrailView {
        var entries: [(Date, Int, TrailEntryView)] = history.enumerated().map { index, transition in
            (
                transition.at, index,
                TrailEntryView(
                    date: format.dateTime(transition.at), role: Self.roleLabel(transition.actor.role.rawValue),
                    action: Self.capitalized(transition.action.label) + " (\(transition.from.label) → \(transition.to.label))",
                    detail: transition.observations ?? "")
            )
        }
        for record in records where record.entry.action != "profile.transition" {
            entries.append(
                (
                    record.entry.occurredAt, history.count + entries.count,
                    TrailEntryView(
                        date: format.dateTime(record.entry.occurredAt), role: Self.roleLabel(record.entry.actor.role),
                        action: Self.actionLabels[record.entry.action] ?? record.entry.action, detail: Self.detail(of: record.entry))
                ))
        }
        return TrailView(
            name: candidacy.fullName, id: candidacy.id, office: office,
            base: "/instancia/candidaturas/\(queryValue(candidacy.id))",
            entries: entries.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2))
    }

    /// Spanish label of a stored actor role.
    static func roleLabel(_ raw: String) -> String {
        if let role = AccountRole(rawValue: raw) { return role.label }
        return raw == ActorRole.system.rawValue ? "Sistema" : raw
    }

    /// What the line says beyond its action: the curricular fields saved (by label), the
    /// revision; never values.
    static func detail(of entry: AuditEntry) -> String {
        switch entry.action {
        case "curricular.save":
            let fields = (entry.changes["fields"] ?? "").split(separator: ",").map { CurricularFields.keyLabels[String($0)] ?? String($0) }
            let revision = entry.changes["revision"].map { "Versión \($0)" } ?? ""
            return fields.isEmpty ? revision : "\(revision). Campos: \(fields.joined(separator: "; "))"
        case "identity.save":
            return entry.changes["revision"].map { "Versión \($0)" } ?? ""
        default:
            return ""
        }
    }

    static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }
}
