import Synchronization

/// Set from the sending task's cancellation handler, read by curl's progress callback.
final class CancellationFlag: Sendable {
    private let cancelled = Atomic(false)

    func cancel() { cancelled.store(true, ordering: .relaxed) }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}
