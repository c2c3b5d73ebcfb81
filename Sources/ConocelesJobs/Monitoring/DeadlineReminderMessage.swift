import ConocelesCore
import Mail
import Storage

/// The Spanish e-mail reminding a representative of the candidacies still to capture before
/// a deadline: text and HTML, every value escaped in the HTML.
struct DeadlineReminderMessage {
    let account: Account
    let entity: PostulatingEntity
    let profiles: [CandidacyRepository.CandidacyProfile]
    let deadline: LocalDate
    /// Natural days before the deadline this reminder is for.
    let reminderDay: Int
    let process: ElectionProcess
    let place: CandidacyPlace
    let baseURL: String
    let from: MailAddress
    /// Candidacies listed at most; the rest are counted and found in the representative's list.
    let listLimit: Int

    var link: String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/candidaturas"
    }

    /// One line per candidacy: name, position, state (a substitute's with its own capture
    /// deadline: `deadlines.substitute_capture_days` after receiving its accounts).
    func describe(_ profile: CandidacyRepository.CandidacyProfile) -> (name: String, office: String, state: String) {
        let substitute =
            profile.candidacy.replacesCandidacyID == nil
            ? ""
            : " (sustitución: debe capturarse en un plazo no mayor a "
                + "\(process.deadlines.substituteCaptureDays) días naturales posteriores a la recepción de sus cuentas de acceso)"
        let state = profile.state == .complete ? "Completo, falta que la representación autorice su publicación" : profile.state.label
        return (profile.candidacy.fullName, place.describe(profile.candidacy), state + substitute)
    }

    func message() throws -> MailMessage {
        let entityName = entity.displayName(in: process) ?? entity.code
        let lines = profiles.prefix(listLimit).map(describe)
        let more = profiles.count - lines.count
        let moreText = more > 0 ? "… y \(more) candidatura(s) más: consulta la lista completa en el sistema." : ""
        let when = deadline.spanishDescription
        let text = """
            Hola, \(account.displayName):

            El plazo de captura del sistema «Candidatas y Candidatos, Conóceles» del \(process.name) \
            vence el \(when). \(entityName) tiene \(profiles.count) candidatura(s) sin captura, con \
            información incompleta o pendientes de autorizar:

            \(lines.map { "- \($0.name) — \($0.office): \($0.state)" }.joined(separator: "\n"))
            \(moreText)

            Captura, completa o autoriza su información en:
            \(link)

            Este recordatorio lo envía el \(process.electoralBody) a la representación ante el sistema.
            """
        let items = lines.map {
            "<li><strong>\($0.name.htmlEscaped)</strong> — \($0.office.htmlEscaped): \($0.state.htmlEscaped)</li>"
        }.joined(separator: "\n")
        let html = """
            <p>Hola, \(account.displayName.htmlEscaped):</p>
            <p>El plazo de captura del sistema «Candidatas y Candidatos, Conóceles» del \(process.name.htmlEscaped) \
            vence el <strong>\(when.htmlEscaped)</strong>. \(entityName.htmlEscaped) tiene \(profiles.count) candidatura(s) \
            sin captura, con información incompleta o pendientes de autorizar:</p>
            <ul>
            \(items)
            </ul>
            \(more > 0 ? "<p>\(moreText.htmlEscaped)</p>" : "")
            <p><a href="\(link.htmlEscaped)">Captura, completa o autoriza su información</a></p>
            <p>Este recordatorio lo envía el \(process.electoralBody.htmlEscaped) a la representación ante el sistema.</p>
            """
        // Only letters, digits and dashes: entity codes of independents come from the registration system.
        let key = String(
            "reminder-\(process.id)-\(entity.kind.rawValue)-\(entity.code)-\(deadline)-\(reminderDay)".lowercased()
                .map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" })
        var message = try MailMessage(
            from: from, to: [try MailAddress(account.email, displayName: account.displayName)],
            subject: "Recordatorio: el plazo de captura de Conóceles vence el \(when)", textBody: text, htmlBody: html,
            messageID: "\(key)@\(from.domain)")
        try message.addHeader("X-Conoceles-Idempotency-Key", key)
        return message
    }
}
