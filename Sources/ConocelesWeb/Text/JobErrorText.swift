/// A job's error as the jobs dashboard shows it. Workers write errors without personal data
/// (ids, codes, fixed texts — see `CredentialsMailWorker`, `SMTPError.detail`), but an error
/// is the `description` of whatever was thrown, so e-mail addresses and CURPs that might slip
/// in through a library's message are masked before display, and long texts are cut.
enum JobErrorText {
    /// Characters of an error shown at most.
    static let maximumLength = 600

    /// `error` masked and cut for display.
    static func shown(_ error: String) -> String {
        var text = error.replacing(/[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/, with: "[correo oculto]")
        text = text.replacing(/[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{5}[A-Z0-9][0-9]/, with: "[CURP oculta]")
        return text.count > maximumLength ? String(text.prefix(maximumLength)) + "…" : text
    }
}
