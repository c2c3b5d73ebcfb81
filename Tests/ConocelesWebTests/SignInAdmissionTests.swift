@testable import ConocelesWeb
import Foundation
import Synchronization
import Testing

/// A sign-in storm's requests reach the database and the bcrypt pool a few at a time, in
/// order of arrival (issue 19).
@Suite("Sign-in admission")
struct SignInAdmissionTests {
    final class Probe: Sendable {
        let inside = Atomic<Int>(0)
        let most = Atomic<Int>(0)
        let order = Mutex<[Int]>([])
    }

    /// Starts `count` runs one after another (each queued or admitted before the next
    /// starts), each holding its slot for 20 ms.
    func storm(_ gate: SignInAdmission, count: Int, probe: Probe) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<count {
                group.addTask {
                    try await gate.run {
                        let now = probe.inside.add(1, ordering: .relaxed).newValue
                        _ = probe.most.max(now, ordering: .relaxed)
                        probe.order.withLock { $0.append(i) }
                        try await Task.sleep(for: .milliseconds(20))
                        probe.inside.subtract(1, ordering: .relaxed)
                    }
                }
                // Each request arrives after the previous one is queued.
                while gate.waiting + probe.order.withLock({ $0.count }) < i + 1 { await Task.yield() }
            }
            try await group.waitForAll()
        }
    }

    @Test func atMostSlotsAreInsideAndTheyAreAdmittedInOrderOfArrival() async throws {
        let gate = SignInAdmission(slots: 3)
        let probe = Probe()
        try await storm(gate, count: 12, probe: probe)
        #expect(probe.most.load(ordering: .relaxed) == 3)
        #expect(probe.order.withLock { $0 } == Array(0..<12))
        #expect(gate.waiting == 0)
        // Every slot was given back: three more run at once again.
        let again = Probe()
        try await storm(gate, count: 3, probe: again)
        #expect(again.most.load(ordering: .relaxed) == 3)
    }

    @Test func aCancelledWaiterLeavesTheQueueAndTheSlotsStayCounted() async throws {
        let gate = SignInAdmission(slots: 1)
        let (held, opened) = AsyncStream<Void>.makeStream()
        let entered = Atomic<Bool>(false)
        let holder = Task {
            try await gate.run {
                entered.store(true, ordering: .relaxed)
                for await _ in held { break }
            }
        }
        while !entered.load(ordering: .relaxed) { await Task.yield() }
        let waiter = Task { try await gate.run { 1 } }
        while gate.waiting < 1 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(gate.waiting == 0)
        opened.yield()
        try await holder.value
        // The slot came back: the next one runs at once.
        #expect(try await gate.run { 7 } == 7)
    }
}
