import ConocelesWeb
import Logging
import PostgresNIO
import ServiceLifecycle
import Storage

/// Tells this server's `PageCache` at once when another process switches the publication
/// snapshot: LISTENs on `PublicationRepository.channel` and hands each announced version to
/// the cache. A lost connection is retried after a pause; meanwhile the cache's own check
/// (every `PageCache.checkInterval`) keeps pages at most that old.
public struct PublicationWatcher: Service {
    let cache: PageCache
    let client: PostgresClient
    let logger: Logger

    /// A watcher feeding `cache` from `client`'s notifications.
    public init(cache: PageCache, client: PostgresClient, logger: Logger) {
        self.cache = cache
        self.client = client
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await client.withConnection { connection in
                        try await connection.listen(on: PublicationRepository.channel) { notifications in
                            for try await notification in notifications {
                                if let version = Int64(notification.payload) { cache.switchTo(version) }
                            }
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
                logger.warning("publication LISTEN failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }
}
