import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Candidacy photos (tables `photos` and `photo_variants`): an upload recorded with its blob's
/// hash, then accepted with its variants or rejected with a Spanish reason by the
/// `photo.check` job. A candidacy has at most one current photo (received or accepted); a new
/// upload marks the previous one replaced, and a replaced photo never changes again. Every
/// change appends an audit line in the same transaction.
public struct PhotoRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    let audit: AuditLog

    /// A repository over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.audit = AuditLog(client: client, logger: logger)
    }

    /// Column list of the photo row decoder (a constant, never input).
    static let columns = """
        id, candidacy_id, sha256, byte_count, content_type, width, height, taken_on::text, taken_on_source,
        status, rejection_reason, uploaded_by, uploaded_at, checked_at
        """

    /// Records an upload whose bytes are already in the blob store, on the caller's connection
    /// (inside its transaction, typically with the `photo.check` job that will judge it): the
    /// candidacy's current photo, if any, becomes `replaced` and the new one is `received`.
    ///
    /// - Parameters:
    ///   - sha256: the upload's blob address (64 lowercase hex digits).
    ///   - contentType: `image/jpeg` or `image/png`, by content.
    ///   - declaredTakenOn: the capture day the person declared, if any; an EXIF date found by
    ///     the check takes its place.
    /// - Returns: the new photo's id.
    /// - Throws: `StorageError.notFound` when the candidacy does not exist.
    public func recordUpload(
        candidacyID: String, sha256: String, byteCount: Int, contentType: String, declaredTakenOn: LocalDate?,
        uploadedBy actor: AuditActor, at now: Date = Date(), on connection: PostgresConnection
    ) async throws -> UUID {
        // Locks the candidacy (NO KEY UPDATE: foreign-key checks elsewhere are not blocked) so
        // two uploads for one candidacy take turns: the second one sees the first's row as
        // current and replaces it instead of tripping over `photos_current_idx`.
        var found = false
        for try await _ in try await connection.query(
            "SELECT id FROM candidacies WHERE id = \(candidacyID) FOR NO KEY UPDATE", logger: logger
        ).decode(String.self) { found = true }
        guard found else { throw StorageError(.notFound, "La candidatura no existe.") }

        var replaced: [UUID] = []
        for try await id in try await connection.query(
            """
            UPDATE photos SET status = 'replaced'
             WHERE candidacy_id = \(candidacyID) AND status IN ('received', 'accepted')
            RETURNING id
            """, logger: logger
        ).decode(UUID.self) { replaced.append(id) }

        var inserted: UUID?
        for try await id in try await connection.query(
            """
            INSERT INTO photos (candidacy_id, sha256, byte_count, content_type, taken_on, taken_on_source, uploaded_by, uploaded_at)
            VALUES (\(candidacyID), \(sha256), \(byteCount), \(contentType), \(declaredTakenOn?.description)::date,
                    \(declaredTakenOn == nil ? nil : PhotoReference.DateSource.declared.rawValue), \(actor.id), \(now))
            RETURNING id
            """, logger: logger
        ).decode(UUID.self) { inserted = id }
        guard let id = inserted else { throw StorageError(.invalidStoredData, "No se pudo registrar la foto.") }

        var changes = ["photo_id": id.uuidString.lowercased(), "byte_count": String(byteCount), "content_type": contentType]
        if !replaced.isEmpty { changes["replaced"] = replaced.map { $0.uuidString.lowercased() }.joined(separator: ",") }
        try await audit.append(.candidacy(candidacyID, "photo.upload", by: actor, changes: changes, at: now), on: connection)
        return id
    }

    /// Marks a received photo accepted, with its upright size, its capture day and its variants,
    /// in one transaction. A photo that is no longer `received` (replaced meanwhile, or already
    /// decided by an earlier run of the same job) is left as it is.
    ///
    /// - Returns: whether the photo changed.
    @discardableResult
    public func markAccepted(
        photoID: UUID, width: Int, height: Int, takenOn: LocalDate?, takenOnSource: PhotoReference.DateSource?,
        variants: [StoredPhotoVariant], by actor: AuditActor, at now: Date = Date()
    ) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            // The status guard makes this a compare-and-set: it waits for a concurrent upload's
            // replacement of the same row and then finds the row replaced.
            let candidacyID = try await single(
                connection,
                """
                UPDATE photos
                   SET status = 'accepted', width = \(width), height = \(height), taken_on = \(takenOn?.description)::date,
                       taken_on_source = \(takenOn == nil ? nil : takenOnSource?.rawValue), checked_at = \(now)
                 WHERE id = \(photoID) AND status = 'received'
                RETURNING candidacy_id
                """)
            guard let candidacyID else { return false }
            try await referInQuestionnaire(photoID: photoID, candidacyID: candidacyID, by: actor, at: now, on: connection)
            if !variants.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO photo_variants (photo_id, variant, sha256, byte_count, content_type, width, height, created_at)
                    SELECT \(photoID), variant, sha256, byte_count, content_type, width, height, \(now)
                      FROM unnest(\(variants.map(\.kind.rawValue))::text[], \(variants.map(\.sha256))::text[],
                                  \(variants.map(\.byteCount))::int4[], \(variants.map(\.contentType))::text[],
                                  \(variants.map(\.width))::int4[], \(variants.map(\.height))::int4[])
                           AS t(variant, sha256, byte_count, content_type, width, height)
                    """, logger: logger)
            }
            try await audit.append(
                .candidacy(
                    candidacyID, "photo.accept", by: actor,
                    changes: [
                        "photo_id": photoID.uuidString.lowercased(), "size": "\(width)x\(height)",
                        "taken_on_source": takenOn == nil ? "" : takenOnSource?.rawValue ?? "",
                        "variants": variants.map(\.kind.rawValue).joined(separator: ","),
                    ], at: now), on: connection)
            return true
        }
    }

    /// Marks a received photo rejected with `reason` (Spanish, shown to the person). A photo
    /// that is no longer `received` is left as it is.
    ///
    /// - Returns: whether the photo changed.
    @discardableResult
    public func markRejected(photoID: UUID, reason: String, by actor: AuditActor, at now: Date = Date()) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            // Same compare-and-set as `markAccepted`.
            let candidacyID = try await single(
                connection,
                """
                UPDATE photos SET status = 'rejected', rejection_reason = \(reason), checked_at = \(now)
                 WHERE id = \(photoID) AND status = 'received'
                RETURNING candidacy_id
                """)
            guard let candidacyID else { return false }
            try await audit.append(
                .candidacy(
                    candidacyID, "photo.reject", by: actor,
                    changes: [
                        "photo_id": photoID.uuidString.lowercased()
                    ], at: now), on: connection)
            return true
        }
    }

    /// The candidacy's current photo (received or accepted) with its variants, or nil.
    public func currentPhoto(candidacyID: String) async throws -> StoredPhoto? {
        try await first(
            """
            SELECT \(unescaped: Self.columns) FROM photos
             WHERE candidacy_id = \(candidacyID) AND status IN ('received', 'accepted')
            """)
    }

    /// The candidacy's photo whose original has this hash (what its questionnaire refers to,
    /// and so what a publication copies), with its variants, or nil.
    public func photo(candidacyID: String, sha256: String) async throws -> StoredPhoto? {
        try await first(
            """
            SELECT \(unescaped: Self.columns) FROM photos
             WHERE candidacy_id = \(candidacyID) AND sha256 = \(sha256) AND status <> 'rejected'
             ORDER BY uploaded_at DESC LIMIT 1
            """)
    }

    /// The photo with this id, with its variants, or nil.
    public func photo(id: UUID) async throws -> StoredPhoto? {
        try await first("SELECT \(unescaped: Self.columns) FROM photos WHERE id = \(id)")
    }

    /// One variant of a photo, or nil when the photo has none of that kind.
    public func variant(photoID: UUID, variant kind: StoredPhotoVariant.Kind) async throws -> StoredPhotoVariant? {
        try await variants(photoID: photoID, kind: kind).first
    }

    /// The variants of `photoID` (all kinds, or only `kind`), in kind order.
    func variants(photoID: UUID, kind: StoredPhotoVariant.Kind? = nil) async throws -> [StoredPhotoVariant] {
        let rows = try await client.query(
            """
            SELECT variant, sha256, byte_count, content_type, width, height FROM photo_variants
             WHERE photo_id = \(photoID) AND (\(kind?.rawValue)::text IS NULL OR variant = \(kind?.rawValue))
             ORDER BY variant
            """, logger: logger)
        var result: [StoredPhotoVariant] = []
        for try await (raw, sha256, byteCount, contentType, width, height) in rows.decode((String, String, Int, String, Int, Int).self) {
            guard let kind = StoredPhotoVariant.Kind(rawValue: raw) else {
                throw StorageError(.invalidStoredData, "Valor «\(raw)» inesperado en variant.")
            }
            result.append(
                StoredPhotoVariant(
                    kind: kind, sha256: sha256, byteCount: byteCount, contentType: contentType, width: width, height: height))
        }
        return result
    }

    private func first(_ query: PostgresQuery) async throws -> StoredPhoto? {
        var found: StoredPhoto?
        for try await row in try await client.query(query, logger: logger) { found = try Self.decode(row) }
        guard var photo = found else { return nil }
        photo.variants = try await variants(photoID: photo.id)
        return photo
    }

    /// The one text value `query` returns, or nil when it returns no row.
    private func single(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> String? {
        var value: String?
        for try await text in try await connection.query(query, logger: logger).decode(String.self) { value = text }
        return value
    }

    static func decode(_ row: PostgresRow) throws -> StoredPhoto {
        let r = row.makeRandomAccess()
        let statusText = try r["status"].decode(String.self)
        guard let status = StoredPhoto.Status(rawValue: statusText) else {
            throw StorageError(.invalidStoredData, "Valor «\(statusText)» inesperado en status.")
        }
        return StoredPhoto(
            id: try r["id"].decode(UUID.self), candidacyID: try r["candidacy_id"].decode(String.self),
            sha256: try r["sha256"].decode(String.self), byteCount: try r["byte_count"].decode(Int.self),
            contentType: try r["content_type"].decode(String.self),
            width: try r["width"].decode(Int?.self), height: try r["height"].decode(Int?.self),
            takenOn: try r["taken_on"].decode(String?.self).flatMap(LocalDate.init),
            takenOnSource: try r["taken_on_source"].decode(String?.self).flatMap(PhotoReference.DateSource.init(rawValue:)),
            status: status, rejectionReason: try r["rejection_reason"].decode(String?.self),
            uploadedBy: try r["uploaded_by"].decode(String.self), uploadedAt: try r["uploaded_at"].decode(Date.self),
            checkedAt: try r["checked_at"].decode(Date?.self), variants: [])
    }
}
