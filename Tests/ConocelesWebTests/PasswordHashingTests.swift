@testable import ConocelesWeb
import Foundation
import Synchronization
import Testing

/// Issue 19's sign-in storm: bcrypt runs on a pool of its own whose threads yield to the
/// rest of the server, and takes requests in the order they came.
@Suite("Password hashing pool")
struct PasswordHashingTests {
    @Test func bcryptRunsOnLowerPriorityThreadsOfItsOwn() async throws {
        let outside = PasswordHashing.currentThreadNiceness()
        let inside = try await PasswordHashing.run { PasswordHashing.currentThreadNiceness() }
        #if os(Linux)
            #expect(inside >= PasswordHashing.niceness, "the pool's threads run at the same priority as the pages")
            #expect(inside > outside || outside >= PasswordHashing.niceness)
            // The cooperative pool (every other page) keeps its priority.
            #expect(PasswordHashing.currentThreadNiceness() == outside)
        #endif
        let hash = try await PasswordHashing.hash("una contraseña larga y segura")
        #expect(try await PasswordHashing.verify("una contraseña larga y segura", hash: hash))
        #expect(!(try await PasswordHashing.verify("otra contraseña", hash: hash)))
    }

    @Test func requestsAreTakenInArrivalOrder() async throws {
        // More requests than threads: each records when it started; with a first-in, first-out
        // queue the starts follow the submission order (within the pool's width).
        final class Order: Sendable {
            let started = Mutex<[Int]>([])
        }
        let order = Order()
        let width = ProcessInfo.processInfo.activeProcessorCount
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<(width * 4) {
                group.addTask {
                    try await PasswordHashing.run {
                        order.started.withLock { $0.append(index) }
                        Thread.sleep(forTimeInterval: 0.05)
                    }
                }
                try await Task.sleep(for: .milliseconds(5))  // submitted one after another
            }
            try await group.waitForAll()
        }
        let started = order.started.withLock { $0 }
        #expect(started.count == width * 4)
        for (position, index) in started.enumerated() {
            #expect(abs(position - index) <= width, "request \(index) started \(position)th")
        }
    }
}
