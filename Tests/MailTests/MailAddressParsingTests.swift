import Testing
@testable import Mail

/// `MailAddress(parsing:)`: the `Name <address>` or bare address of `smtp.from`.
@Suite("MailAddress parsing")
struct MailAddressParsingTests {
    @Test func aNameAndAnAddress() throws {
        let parsed = try MailAddress(parsing: " \"Conóceles IEPC\" <conoceles@iepc.example.mx> ")
        #expect(parsed.address == "conoceles@iepc.example.mx")
        #expect(parsed.displayName == "Conóceles IEPC")
    }

    @Test func aBareAddressAndAnEmptyName() throws {
        #expect(try MailAddress(parsing: "avisos@iepc.example.mx") == MailAddress("avisos@iepc.example.mx"))
        #expect(try MailAddress(parsing: "<avisos@iepc.example.mx>").displayName == nil)
    }

    @Test func anInvalidAddressIsRefused() {
        #expect(throws: MailMessageError.self) { try MailAddress(parsing: "Conóceles <sin-arroba>") }
        #expect(throws: MailMessageError.self) { try MailAddress(parsing: "") }
    }
}
