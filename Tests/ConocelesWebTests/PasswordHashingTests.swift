@testable import ConocelesWeb
import Foundation
import NIOCore
import Synchronization
import Testing

/// Issue 19's sign-in storm: bcrypt runs on a pool of its own that the rest of the server
/// yields to, and takes requests in the order they came.
@Suite("Password hashing pool")
struct PasswordHashingTests {
    @Test func bcryptRunsOnThreadsOfItsOwnThatTheRestOfTheServerYieldsTo() async throws {
        let pool = await PasswordHashing.poolThreadIDs()
        #expect(pool.count == System.coreCount, "one thread id per pool thread")
        #if os(Linux)
            let here = try #require(PasswordHashing.currentThreadID())
            #expect(!pool.contains(here), "the test's own thread is not the pool's")
            // One sweep at +1 (the least that shows; this test process keeps it): every thread
            // but the pool's is raised, the pool's keep the default.
            let before = PasswordHashing.currentThreadNiceness()
            PasswordHashing.raiseThreads(to: max(before, 1), sparing: pool)
            #expect(PasswordHashing.currentThreadNiceness() == max(before, 1))
            let inside = try await PasswordHashing.run { PasswordHashing.currentThreadNiceness() }
            #expect(inside == 0, "the pool's threads run ahead of the pages")
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
