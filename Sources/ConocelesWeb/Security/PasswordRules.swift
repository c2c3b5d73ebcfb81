/// The rules a chosen password must meet (activation and reset).
enum PasswordRules {
    /// Minimum length, in characters.
    static let minimumLength = 12

    /// The Spanish reason `password` is refused, or nil.
    static func problem(with password: String, username: String) -> String? {
        if password.count < minimumLength { return "La contraseña debe tener al menos \(minimumLength) caracteres." }
        if password.lowercased().contains(username.lowercased()) { return "La contraseña no puede contener su nombre de usuario." }
        return nil
    }

    /// The Spanish reasons a chosen password and its confirmation are refused (each nil when fine).
    static func problems(password: String, confirmation: String?, username: String) -> (password: String?, confirmation: String?) {
        (problem(with: password, username: username), confirmation == password ? nil : "La confirmación no coincide con la contraseña.")
    }

    /// The bcrypt hash of `password` (cost 12), computed on the password pool (`PasswordHashing`).
    static func hash(_ password: String) async throws -> String {
        try await PasswordHashing.hash(password)
    }
}
