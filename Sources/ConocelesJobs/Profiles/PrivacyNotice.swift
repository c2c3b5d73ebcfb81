/// The privacy notice shown before any capture.
public enum PrivacyNotice {
    /// The version of the simplified notice people accept; a new text needs a new version.
    public static let version = "2024-01"
    /// The page with the full (integral) notice.
    public static let fullNoticePath = "/aviso-de-privacidad"
    /// The public page with the simplified notice (the text accepted before capture).
    public static let simplifiedNoticePath = "/aviso-de-privacidad-simplificado"
}
