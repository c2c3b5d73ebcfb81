import Foundation
import Testing
@testable import Mail

/// Against a real aiosmtpd (see `SMTPSink`).
@Suite("SMTPMailerPool")
struct SMTPMailerPoolTests {
    @Test("concurrent sends use up to `size` connections, reuse them, and every message arrives once")
    func concurrentSendsShareTheConnections() async throws {
        try await SMTPSink.with { sink in
            let pool = try SMTPMailerPool(settings: MessageFactory.settings(port: sink.port), size: 4)
            let count = 40
            // More senders than mailers: some sends wait for a mailer to come back.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sender in 0..<8 {
                    group.addTask {
                        for index in stride(from: sender, to: count, by: 8) {
                            try await pool.send(
                                try MessageFactory.message(
                                    to: try MailAddress("candidata\(index)@example.mx"), idempotencyKey: "pool-\(index)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let received = try await sink.deliveredMessages()
            #expect(received.count == count)
            #expect(Set(received.compactMap(\.idempotencyKey)) == Set((0..<count).map { "pool-\($0)" }))
            #expect((2...4).contains(pool.connectionsOpened), "opened \(pool.connectionsOpened) connections")
            #expect(Set(received.map(\.peer)).count == pool.connectionsOpened)
            await pool.close()
        }
    }

    @Test("sends cancelled while the only mailer is busy (or about to be) end with CancellationError")
    func cancelWhileWaiting() async throws {
        let silent = try LoopbackSocket(listening: true)
        defer { silent.closeSocket() }
        let pool = try SMTPMailerPool(settings: MessageFactory.settings(port: silent.port, totalTimeout: .seconds(30)), size: 1)
        let message = try MessageFactory.message()
        // No blocking wait for curl's connection here: a blocking call on one of the two
        // cooperative threads, next to SMTPMailerTests' own, starves the tasks under test.
        let busy = Task { try await pool.send(message) }
        let waiting = Task { try await pool.send(message) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        busy.cancel()
        await #expect(throws: CancellationError.self) { try await busy.value }
        #expect(pool.connectionsOpened <= 1)
    }
}
