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
}
