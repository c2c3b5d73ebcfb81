import Testing
import Mail

@Suite("InMemoryMailTransport")
struct InMemoryMailTransportTests {
    @Test("records messages and throws scripted failures in order")
    func scriptedFailures() async throws {
        let transport = InMemoryMailTransport()
        let failure = SMTPError(code: .connectionFailed, detail: "prueba")
        transport.failNextSends(with: [failure])
        let message = try MessageFactory.message()
        await #expect(throws: failure) { try await transport.send(message) }
        try await transport.send(message)
        #expect(transport.sentMessages == [message])
    }
}
