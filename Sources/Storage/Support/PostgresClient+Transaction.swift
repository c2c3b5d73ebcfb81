import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in one transaction on a pooled connection and rethrows the body's own
    /// error as is: PostgresNIO wraps it in `PostgresTransactionError`, which is unwrapped
    /// here, in one place, so callers can match typed errors (`StorageError`, `ProfileTransitionError`).
    /// Public for callers outside Storage that combine a repository's `on:` writes with other
    /// work in one transaction (an upload and its job).
    public func transaction<Result: Sendable>(
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let closure = error.closureError { throw closure }
            throw error
        }
    }
}
