import Hummingbird
import Synchronization

/// Form submissions during a sign-in storm: admitted one at a time, in order of arrival,
/// each followed by a pause `pauseFactor` times as long as it took, so that saves keep
/// flowing but use at most 1/(1 + `pauseFactor`) of one core while people wait to sign in.
///
/// Why: 200 people signing in at 9:00 need 200 bcrypt checks (about 25 s of both cores), and
/// each person let in starts saving forms at once; their saves (tens of ms of CPU each) asked
/// for both cores by themselves and the last sign-ins waited 4.4x the storm's floor
/// (docs/RELIABILITY.md, "Sign-in storm"). Pages (GET) are never held: reading stays fast.
/// Outside a storm (no sign-in waiting for the bcrypt pool) nothing is held. A save never
/// waits more than `maxWait`, and the request deadline starts when it is admitted, so a held
/// save is late, never lost. The password forms themselves (sign-in, activation, reset) and
/// the signed API are not held.
final class FormAdmission: Sendable {
    static let shared = FormAdmission()

    /// The pause after each admitted save, as a multiple of its duration.
    let pauseFactor: Double
    /// The longest a save waits for its turn.
    let maxWait: Duration
    /// Whether people are waiting to sign in (default: the bcrypt pool has a queue).
    let storm: @Sendable () -> Bool

    private struct Waiter {
        let since: ContinuousClock.Instant
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        /// A save admitted under the gate is running or its pause is not over.
        var busy = false
        var admitted = 0
        var held = 0
    }

    private let state = Mutex(State())

    init(
        pauseFactor: Double = 8, maxWait: Duration = .seconds(60),
        storm: @escaping @Sendable () -> Bool = { PasswordHashing.backlogged }
    ) {
        self.pauseFactor = pauseFactor
        self.maxWait = maxWait
        self.storm = storm
    }

    /// Whether `request` is a form submission the gate applies to.
    static func applies(to request: Request) -> Bool {
        request.method == .post
            && !RequestDeadlineResponder<RouterResponder<WebRequestContext>>.passwordForms.contains(request.uri.path)
            && !request.uri.path.hasPrefix("/api/")
    }

    /// Runs `work` now, or in its turn during a storm.
    func run<T: Sendable>(_ work: () async throws -> T) async rethrows -> T {
        guard storm() || state.withLock({ $0.busy }) else { return try await work() }
        let gated = await enter()
        guard gated else { return try await work() }
        let started = ContinuousClock.now
        defer { leave(after: ContinuousClock.now - started) }
        return try await work()
    }

    /// (admitted, held) since start (read by the tests; not exported as a metric).
    var counts: (admitted: Int, held: Int) { state.withLock { ($0.admitted, $0.held) } }

    /// Waits for this save's turn; false when it went through without taking the gate.
    private func enter() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let now = ContinuousClock.now
            let admit: Bool? = state.withLock { state in
                if !state.busy {
                    if storm() { state.busy = true; state.admitted += 1; return true }
                    return false
                }
                state.held += 1
                state.waiting.append(Waiter(since: now, continuation: continuation))
                return nil
            }
            if let admit {
                continuation.resume(returning: admit)
            } else {
                let maxWait = self.maxWait
                Task.detached { [self] in
                    try? await Task.sleep(for: maxWait)
                    self.releaseOverdue()
                }
            }
        }
    }

    /// Lets the saves that waited `maxWait` run beside the gate.
    private func releaseOverdue() {
        let now = ContinuousClock.now
        let overdue: [Waiter] = state.withLock { state in
            let overdue = state.waiting.filter { now - $0.since >= maxWait }
            state.waiting.removeAll { now - $0.since >= maxWait }
            return overdue
        }
        for waiter in overdue { waiter.continuation.resume(returning: false) }
    }

    /// After an admitted save: the pause, then the next one (or everyone, when the storm is over).
    private func leave(after duration: Duration) {
        let pause = duration * pauseFactor
        Task.detached { [self] in
            try? await Task.sleep(for: pause)
            self.next()
        }
    }

    /// Admits the next waiting save (it holds the gate: `true`); releases all of them when
    /// the storm is over, and any that waited longer than `maxWait` (they run beside the
    /// gate: `false`).
    private func next() {
        let now = ContinuousClock.now
        let (released, admitted): ([Waiter], Waiter?) = state.withLock { state in
            if !storm() {
                let all = state.waiting
                state.waiting = []
                state.busy = false
                return (all, nil)
            }
            let overdue = state.waiting.filter { now - $0.since >= maxWait }
            state.waiting.removeAll { now - $0.since >= maxWait }
            guard !state.waiting.isEmpty else {
                state.busy = false
                return (overdue, nil)
            }
            state.admitted += 1
            return (overdue, state.waiting.removeFirst())
        }
        for waiter in released { waiter.continuation.resume(returning: false) }
        admitted?.continuation.resume(returning: true)
    }
}
