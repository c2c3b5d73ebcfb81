import Foundation
import Logging
import PostgresNIO

/// Where the sealed values live, read page by page in key order: the identity questionnaires
/// (ciphertext in their row) and the consent documents (ciphertext in the blob store, key id in
/// their row). Shared by `SealedValueAudit` (every value) and `SealedValueRotation` (the values
/// of other keys than the current one). Reads only, without locks.
struct SealedValueRows: Sendable {
    /// An identity questionnaire's sealed answers; the candidacy id is its encryption context.
    struct Identity: Sendable {
        var candidacyID: String
        var sealed: SealedValue
    }

    /// A consent document's row (its blob is read by `sealed(_:)`).
    struct Document: Sendable {
        var id: UUID
        var candidacyID: String
        var sha256: String
        var keyID: String
    }

    /// A document whose blob is missing or too short to hold a sealed value.
    struct MissingBlob: Error, CustomStringConvertible {
        var description: String { "falta el archivo cifrado en el almacén de archivos" }
    }

    let client: PostgresClient
    let blobs: FileBlobStore
    let logger: Logger

    /// The first zero UUID: every document's id sorts after it.
    static let firstDocument = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// Up to `limit` identity questionnaires after candidacy `after`, in candidacy order; only
    /// those sealed with another key than `notSealedWith` when it is given.
    func identities(after: String = "", limit: Int, notSealedWith keyID: String? = nil) async throws -> [Identity] {
        try await identities(
            """
            SELECT candidacy_id, ciphertext, nonce, key_id FROM identity_questionnaires
             WHERE candidacy_id > \(after) AND (\(keyID)::text IS NULL OR key_id <> \(keyID))
             ORDER BY candidacy_id LIMIT \(limit)
            """)
    }

    /// The identity questionnaires of `candidacyIDs` still sealed with another key than `keyID`.
    func identities(_ candidacyIDs: [String], notSealedWith keyID: String) async throws -> [Identity] {
        try await identities(
            """
            SELECT candidacy_id, ciphertext, nonce, key_id FROM identity_questionnaires
             WHERE candidacy_id = ANY(\(candidacyIDs)) AND key_id <> \(keyID) ORDER BY candidacy_id
            """)
    }

    /// Up to `limit` consent documents after document `after`, in id order; only those sealed
    /// with another key than `notSealedWith` when it is given.
    func documents(after: UUID = firstDocument, limit: Int, notSealedWith keyID: String? = nil) async throws -> [Document] {
        try await documents(
            """
            SELECT id, candidacy_id, sha256, key_id FROM consent_documents
             WHERE id > \(after) AND (\(keyID)::text IS NULL OR key_id <> \(keyID))
             ORDER BY id LIMIT \(limit)
            """)
    }

    /// The consent documents of `ids` still sealed with another key than `keyID`.
    func documents(_ ids: [UUID], notSealedWith keyID: String) async throws -> [Document] {
        try await documents(
            """
            SELECT id, candidacy_id, sha256, key_id FROM consent_documents
             WHERE id = ANY(\(ids)) AND key_id <> \(keyID) ORDER BY id
            """)
    }

    /// How many values of each kind are sealed with another key than `keyID`.
    func countNotSealed(with keyID: String) async throws -> (identities: Int, documents: Int) {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM identity_questionnaires WHERE key_id <> \(keyID)),
                   (SELECT count(*) FROM consent_documents WHERE key_id <> \(keyID))
            """, logger: logger)
        for try await (identities, documents) in rows.decode((Int, Int).self) { return (identities, documents) }
        return (0, 0)
    }

    /// The sealed value in `document`'s blob.
    /// - Throws: `MissingBlob` when the blob is gone or too short, `BlobStoreError.corrupted`
    ///   when its bytes no longer match their address.
    func sealed(_ document: Document) async throws -> SealedValue {
        guard let address = BlobAddress(sha256: document.sha256), let stored = try await blobs.get(address),
            let sealed = SealedValue(blob: stored, keyID: document.keyID)
        else { throw MissingBlob() }
        return sealed
    }

    private func identities(_ query: PostgresQuery) async throws -> [Identity] {
        var found: [Identity] = []
        for try await (id, ciphertext, nonce, keyID) in try await client.query(query, logger: logger).decode((String, Data, Data, String).self) {
            found.append(Identity(candidacyID: id, sealed: SealedValue(ciphertext: ciphertext, nonce: nonce, keyID: keyID)))
        }
        return found
    }

    private func documents(_ query: PostgresQuery) async throws -> [Document] {
        var found: [Document] = []
        for try await (id, candidacyID, sha256, keyID) in try await client.query(query, logger: logger).decode((UUID, String, String, String).self) {
            found.append(Document(id: id, candidacyID: candidacyID, sha256: sha256, keyID: keyID))
        }
        return found
    }
}
