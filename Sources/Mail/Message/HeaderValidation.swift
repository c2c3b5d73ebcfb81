/// The one place that decides whether a text may go into a header.
enum HeaderValidation {
    /// Refuses CR and LF (header injection) and other control characters; HTAB is allowed.
    static func checkValue(_ value: String, field: String) throws(MailMessageError) {
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x0D, 0x0A, 0x85, 0x2028, 0x2029:
                throw .lineBreakInHeader(field: field)
            case 0x09:
                continue
            case 0x00...0x1F, 0x7F...0x9F:
                throw .controlCharacterInHeader(field: field)
            default:
                continue
            }
        }
    }
}
