import Synchronization

/// Runs an operation with a deadline that holds even when the operation ignores
/// cancellation (a PostgresNIO query on a connection the server dropped is never failed):
/// the operation runs in its own task; the caller gets its result, or `Deadline.Exceeded`
/// once `limit` passes, and the operation is cancelled and left to end on its own.
/// Used by the queue's database calls and by the web server's per-request deadline.
public enum Deadline {
    /// The operation did not end within its deadline.
    public struct Exceeded: Error, CustomStringConvertible {
        public let limit: Duration
        public var description: String { "deadline exceeded: no answer within \(limit)" }
    }

    public static func run<T: Sendable>(limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let work = Task { do { outcome.deliver(.success(try await operation())) } catch { outcome.deliver(.failure(error)) } }
        let timer = Task {
            try? await Task.sleep(for: limit)
            if !Task.isCancelled { outcome.deliver(.failure(Exceeded(limit: limit))) }
        }
        let result = await withTaskCancellationHandler {
            await outcome.value()
        } onCancel: {
            work.cancel()
            timer.cancel()
        }
        timer.cancel()
        if case .failure(let error) = result, error is Exceeded { work.cancel() }
        return try result.get()
    }

    /// One result, delivered once, awaited once.
    final class Outcome<T: Sendable>: Sendable {
        private enum State {
            case waiting(CheckedContinuation<Result<T, any Error>, Never>?)
            case done(Result<T, any Error>)
        }
        private let state = Mutex<State>(.waiting(nil))

        func deliver(_ result: Result<T, any Error>) {
            let continuation: CheckedContinuation<Result<T, any Error>, Never>? = state.withLock { state in
                guard case .waiting(let continuation) = state else { return nil }
                state = .done(result)
                return continuation
            }
            continuation?.resume(returning: result)
        }

        func value() async -> Result<T, any Error> {
            await withCheckedContinuation { continuation in
                let ready: Result<T, any Error>? = state.withLock { state in
                    switch state {
                    case .done(let result): return result
                    case .waiting: state = .waiting(continuation); return nil
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
