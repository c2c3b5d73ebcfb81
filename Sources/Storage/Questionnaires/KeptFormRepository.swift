import Foundation
import Logging
import PostgresNIO

/// Capture forms posted after the session expired, kept so that nothing typed is lost: the
/// body is sealed with `SensitiveDataCipher` (it may hold identity answers; the path is the
/// authenticated context, so a row moved to another form does not open) and found again by
/// the browser's CSRF token (only its SHA-256 is stored) and the form's path. Rows live
/// `lifetime` (24 hours by default) and are purged by `sessions.purge`.
public struct KeptFormRepository: Sendable {
    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let logger: Logger
    /// How long a kept form waits for its browser to sign in again; 24 hours by default.
    public let lifetime: Duration

    /// A kept form as found again.
    public struct KeptForm: Sendable, Hashable {
        public let id: Int
        /// The URL-encoded body, without its CSRF field.
        public let body: String
        public let keptAt: Date
    }

    /// Kept forms over `client`, sealed with `cipher`.
    public init(client: PostgresClient, cipher: SensitiveDataCipher, logger: Logger, lifetime: Duration = .seconds(24 * 3_600)) {
        self.client = client
        self.cipher = cipher
        self.logger = logger
        self.lifetime = lifetime
    }

    /// Keeps `body`, posted to `path` from the browser whose CSRF token is `browserToken`.
    public func keep(body: String, path: String, browserToken: String, at now: Date = Date()) async throws {
        let sealed = try cipher.seal(Data(body.utf8), context: path)
        let expires = now.addingTimeInterval(Double(lifetime.components.seconds))
        try await client.query(
            """
            INSERT INTO kept_forms (browser_hash, path, ciphertext, nonce, key_id, kept_at, expires_at)
            VALUES (\(Self.hash(browserToken)), \(path), \(sealed.ciphertext), \(sealed.nonce), \(sealed.keyID), \(now), \(expires))
            """, logger: logger)
    }

    /// The latest live form kept for `path` from the browser of `browserToken`, or nil. A
    /// row that no longer opens (its key was retired) is deleted and skipped.
    public func latest(path: String, browserToken: String, at now: Date = Date()) async throws -> KeptForm? {
        let rows = try await client.query(
            """
            SELECT id, ciphertext, nonce, key_id, kept_at FROM kept_forms
             WHERE browser_hash = \(Self.hash(browserToken)) AND path = \(path) AND expires_at > \(now)
             ORDER BY kept_at DESC, id DESC LIMIT 1
            """, logger: logger)
        var found: (Int, SealedValue, Date)?
        for try await (id, ciphertext, nonce, keyID, keptAt) in rows.decode((Int, Data, Data, String, Date).self) {
            found = (id, SealedValue(ciphertext: ciphertext, nonce: nonce, keyID: keyID), keptAt)
        }
        guard let (id, sealed, keptAt) = found else { return nil }
        do {
            let body = try cipher.open(sealed, context: path)
            return KeptForm(id: id, body: String(decoding: body, as: UTF8.self), keptAt: keptAt)
        } catch {
            logger.warning("kept form does not open; deleted", metadata: ["error": "\(String(reflecting: error))"])
            try await forget(path: path, browserToken: browserToken)
            return nil
        }
    }

    /// Deletes every form kept for `path` from the browser of `browserToken` (saved or discarded).
    public func forget(path: String, browserToken: String) async throws {
        try await client.query(
            """
            DELETE FROM kept_forms WHERE browser_hash = \(Self.hash(browserToken)) AND path = \(path)
            """, logger: logger)
    }

    /// Deletes the expired rows; returns how many.
    public func purgeExpired(at now: Date = Date()) async throws -> Int {
        let rows = try await client.query("DELETE FROM kept_forms WHERE expires_at <= \(now) RETURNING 1", logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    static func hash(_ token: String) -> Data { ActivationToken.hash(of: token) }
}
