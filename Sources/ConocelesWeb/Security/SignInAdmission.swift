import NIOCore
import Synchronization

/// Sign-ins admitted a few at a time, first come first served, before they touch the database:
/// at most `slots` sign-ins are between their throttle count and the end of their bcrypt check.
///
/// Why: a sign-in storm is 200 requests in the same second. Each one counts its attempt (a
/// write and a commit) and reads the account's hash before it queues for the bcrypt pool,
/// where it then waits its turn for up to the storm's length (200 × 250 ms / 2 cores = 25 s).
/// Let in all at once, those 400 statements took every connection of the server's pool in the
/// storm's first second, and the pages of people already signed in waited for a connection
/// behind them (their p99 was 770 ms in that second, about 200 ms in the rest of the storm;
/// docs/RELIABILITY.md, "Sign-in storm, session 32"). The bcrypt pool needs only its next
/// checks ready, so `slots` is twice its threads: it never waits for one, and the database
/// sees the storm's sign-ins spread over the storm. Nothing changes for one person signing in.
final class SignInAdmission: Sendable {
    static let shared = SignInAdmission(slots: 2 * System.coreCount)

    let slots: Int

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var inside = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    init(slots: Int) {
        self.slots = max(1, slots)
    }

    /// Sign-ins waiting for a slot.
    var waiting: Int { state.withLock { $0.waiting.count } }

    /// Runs `work` once a slot is free (in order of arrival), and frees the slot after it.
    /// A request whose task is cancelled while it waits leaves the queue (CancellationError).
    func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        try await enter()
        defer { leave() }
        return try await work()
    }

    private func enter() async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let admitted = state.withLock { state -> Bool? in
                    if Task.isCancelled { return nil }
                    if state.inside < slots && state.waiting.isEmpty {
                        state.inside += 1
                        return true
                    }
                    state.waiting.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                switch admitted {
                case .some(true): continuation.resume()
                case .none: continuation.resume(throwing: CancellationError())
                case .some(false): break
                }
            }
        } onCancel: {
            let removed = state.withLock { state -> Waiter? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Frees a slot: handed to the first waiter, if any (its count stays inside).
    private func leave() {
        let next = state.withLock { state -> Waiter? in
            if state.waiting.isEmpty {
                state.inside -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume()
    }
}
