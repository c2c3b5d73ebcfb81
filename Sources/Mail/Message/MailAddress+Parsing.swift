import Foundation

extension MailAddress {
    /// Parses `Name <address>` or a bare address (the form of `smtp.from`).
    public init(parsing text: String) throws(MailMessageError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            try self.init(address, displayName: name.isEmpty ? nil : name)
        } else {
            try self.init(trimmed)
        }
    }
}
