import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Signed express-consent documents of independent candidacies: stored sealed in the blob
/// store, then received (recording the consent they state) or refused by staff.
public struct ConsentDocumentRepository: Sendable {
    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let blobs: FileBlobStore
    let logger: Logger
    /// Largest document accepted; 5 MB by default.
    public let maximumBytes: Int
    /// Most documents stored per candidacy, whatever their review; 5 by default (a person
    /// re-sends a refused one a few times at most; more would only fill the blob store).
    public let maximumDocuments: Int

    /// Documents over `client`, sealed with `cipher` into `blobs`.
    public init(
        client: PostgresClient, cipher: SensitiveDataCipher, blobs: FileBlobStore, logger: Logger, maximumBytes: Int = 5 * 1_024 * 1_024,
        maximumDocuments: Int = 5
    ) {
        self.client = client
        self.cipher = cipher
        self.blobs = blobs
        self.logger = logger
        self.maximumBytes = maximumBytes
        self.maximumDocuments = maximumDocuments
    }

    /// The encryption context of a document's blob (binds the ciphertext to its purpose).
    static let context = "consent_document"

    /// Stores `pdf` for `candidacyID`, pending review; returns its id.
    /// - Throws: `ConsentDocumentError` (Spanish) for an empty, oversized or non-PDF file, or
    ///   when the candidacy already has `maximumDocuments`.
    public func store(_ pdf: [UInt8], for candidacyID: String, by actor: AuditActor, at now: Date = Date()) async throws -> UUID {
        guard !pdf.isEmpty else { throw ConsentDocumentError.empty }
        guard pdf.count <= maximumBytes else { throw ConsentDocumentError.tooLarge(maximumBytes: maximumBytes) }
        guard pdf.starts(with: Array("%PDF-".utf8)) else { throw ConsentDocumentError.notPDF }
        // Checked before the blob is written (nothing stored when refused), and again below under the lock.
        guard try await count(for: candidacyID, on: nil) < maximumDocuments else { throw ConsentDocumentError.tooMany(maximum: maximumDocuments) }
        let sealed = try cipher.seal(Data(pdf), context: Self.context)
        let address = try await blobs.put(sealed.blob)
        return try await client.transaction(logger: logger) { connection in
            // The candidacy's row serializes concurrent uploads of one candidacy, so the
            // count below cannot be passed by two of them at once.
            try await connection.query("SELECT 1 FROM candidacies WHERE id = \(candidacyID) FOR NO KEY UPDATE", logger: logger)
            guard try await count(for: candidacyID, on: connection) < maximumDocuments else {
                throw ConsentDocumentError.tooMany(maximum: maximumDocuments)
            }
            let rows = try await connection.query(
                """
                INSERT INTO consent_documents (candidacy_id, sha256, key_id, byte_count, uploaded_by, uploaded_at)
                VALUES (\(candidacyID), \(address.sha256), \(sealed.keyID), \(pdf.count), \(actor.id), \(now)) RETURNING id
                """, logger: logger)
            var id: UUID?
            for try await value in rows.decode(UUID.self) { id = value }
            guard let id else { throw StorageError(.notFound, "No se pudo guardar el documento.") }
            try await AuditLog(client: client, logger: logger).append(
                .candidacy(candidacyID, "consent_document.upload", by: actor, changes: ["documento": id.uuidString], at: now), on: connection)
            return id
        }
    }

    /// How many documents `candidacyID` has stored (on `connection`, or the pool when nil).
    func count(for candidacyID: String, on connection: PostgresConnection?) async throws -> Int {
        let query: PostgresQuery = "SELECT count(*)::int FROM consent_documents WHERE candidacy_id = \(candidacyID)"
        let rows = if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    /// The documents of `candidacyID`, newest first.
    public func documents(for candidacyID: String) async throws -> [StoredConsentDocument] {
        try await list("SELECT \(unescaped: Self.columns) FROM consent_documents WHERE candidacy_id = \(candidacyID) ORDER BY uploaded_at DESC")
    }

    /// Documents waiting for review in `processID`, oldest first.
    public func pending(processID: String, limit: Int = 500) async throws -> [StoredConsentDocument] {
        try await list(
            """
            SELECT \(unescaped: Self.prefixed) FROM consent_documents d JOIN candidacies c ON c.id = d.candidacy_id
             WHERE d.status = 'pending' AND c.process_id = \(processID) ORDER BY d.uploaded_at LIMIT \(limit)
            """)
    }

    /// Every document of `processID`, reviewed or not, newest first (the archive of forms and
    /// decisions the gender-equality office keeps), at most `limit`.
    public func archive(processID: String, limit: Int = 5_000) async throws -> [StoredConsentDocument] {
        try await list(
            """
            SELECT \(unescaped: Self.prefixed) FROM consent_documents d JOIN candidacies c ON c.id = d.candidacy_id
             WHERE c.process_id = \(processID) ORDER BY d.uploaded_at DESC, d.id LIMIT \(limit)
            """)
    }

    /// One document, or nil.
    public func document(id: UUID) async throws -> StoredConsentDocument? {
        try await list("SELECT \(unescaped: Self.columns) FROM consent_documents WHERE id = \(id)").first
    }

    /// The PDF of a stored document (decrypted), or nil when its blob is gone.
    public func contents(of document: StoredConsentDocument) async throws -> [UInt8]? {
        guard let address = BlobAddress(sha256: document.sha256), let stored = try await blobs.get(address),
            let sealed = SealedValue(blob: stored, keyID: document.keyID)
        else { return nil }
        return Array(try cipher.open(sealed, context: Self.context))
    }

    /// Staff mark a pending document received, stating whether the person authorizes publishing
    /// the identity answers; the consent is recorded with the document, in one transaction.
    /// `alongside` runs on that transaction (the caller's public-profile refresh: a "Sí" makes
    /// the answers public, a "No" withdraws them).
    /// - Throws: `StorageError.conflict` when the document was already reviewed.
    public func receive(
        id: UUID, publishIdentity: Bool, by actor: AuditActor, at now: Date = Date(),
        alongside: (@Sendable (PostgresConnection) async throws -> Void)? = nil
    ) async throws {
        let questionnaires = QuestionnaireRepository(client: client, cipher: cipher, logger: logger)
        try await client.transaction(logger: logger) { connection in
            let document = try await review(
                id: id, status: "received", publish: publishIdentity, observations: nil, by: actor, at: now,
                on: connection)
            _ = try await questionnaires.recordConsent(
                granted: publishIdentity, for: document.candidacyID, document: ConsentDocument(sha256: document.sha256, keyID: document.keyID),
                by: actor, at: now, on: connection, alongside: nil)
            try await alongside?(connection)
        }
    }

    /// Staff refuse a pending document with `observations` (required). The consent in force
    /// does not change.
    public func refuse(id: UUID, observations: String, by actor: AuditActor, at now: Date = Date()) async throws {
        guard !observations.isBlank else { throw ConsentDocumentError.observationsRequired }
        try await client.transaction(logger: logger) { connection in
            _ = try await review(id: id, status: "refused", publish: nil, observations: observations, by: actor, at: now, on: connection)
        }
    }

    func review(
        id: UUID, status: String, publish: Bool?, observations: String?, by actor: AuditActor, at now: Date,
        on connection: PostgresConnection
    ) async throws -> StoredConsentDocument {
        let rows = try await connection.query(
            """
            UPDATE consent_documents
               SET status = \(status), publish_identity = \(publish), observations = \(observations),
                   reviewed_by = \(actor.id), reviewed_at = \(now)
             WHERE id = \(id) AND status = 'pending'
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        var found: StoredConsentDocument?
        for try await row in rows { found = try Self.decode(row) }
        guard let found else { throw StorageError(.conflict, "El documento ya fue revisado o no existe.") }
        try await AuditLog(client: client, logger: logger).append(
            .candidacy(
                found.candidacyID, "consent_document.\(status == "received" ? "receive" : "refuse")", by: actor,
                changes: ["documento": id.uuidString], at: now), on: connection)
        return found
    }

    static let columns =
        "id, candidacy_id, sha256, key_id, byte_count, uploaded_by, uploaded_at, status, publish_identity, observations, reviewed_at, reviewed_by"
    static let prefixed = columns.split(separator: ",").map { "d." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    func list(_ query: PostgresQuery) async throws -> [StoredConsentDocument] {
        var found: [StoredConsentDocument] = []
        for try await row in try await client.query(query, logger: logger) { found.append(try Self.decode(row)) }
        return found
    }

    static func decode(_ row: PostgresRow) throws -> StoredConsentDocument {
        let (id, candidacyID, sha256, keyID, bytes, uploadedBy, uploadedAt, status, publish, observations, reviewedAt, reviewedBy) =
            try row.decode((UUID, String, String, String, Int, String, Date, String, Bool?, String?, Date?, String?).self)
        return StoredConsentDocument(
            id: id, candidacyID: candidacyID, sha256: sha256, keyID: keyID, byteCount: bytes, uploadedBy: uploadedBy,
            uploadedAt: uploadedAt, status: StoredConsentDocument.Status(rawValue: status) ?? .pending,
            publishIdentity: publish, observations: observations, reviewedAt: reviewedAt, reviewedBy: reviewedBy)
    }
}

/// A signed consent document as stored.
public struct StoredConsentDocument: Sendable, Hashable, Identifiable {
    public enum Status: String, Sendable {
        case pending, received, refused
        /// Spanish label.
        public var label: String {
            switch self {
            case .pending: "En revisión"
            case .received: "Recibido"
            case .refused: "No aceptado"
            }
        }
    }
    public var id: UUID
    public var candidacyID: String
    public var sha256: String
    public var keyID: String
    public var byteCount: Int
    public var uploadedBy: String
    public var uploadedAt: Date
    public var status: Status
    public var publishIdentity: Bool?
    public var observations: String?
    public var reviewedAt: Date?
    /// Account id of the staff member who reviewed it.
    public var reviewedBy: String?
}

/// Why a consent document was refused on upload, in Spanish.
public enum ConsentDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLarge(maximumBytes: Int)
    case notPDF
    case observationsRequired
    case tooMany(maximum: Int)

    public var description: String {
        switch self {
        case .empty: "El archivo está vacío."
        case .tooLarge(let maximum): "El archivo supera el límite de \(maximum / 1_048_576) MB."
        case .notPDF: "El archivo no es un PDF. Escanee o guarde el formato firmado como PDF."
        case .observationsRequired: "Escriba las observaciones: qué debe corregir la candidatura."
        case .tooMany(let maximum):
            "Esta candidatura ya tiene \(maximum) documentos de consentimiento guardados, el máximo. Si necesita enviar otro, "
                + "comuníquese con la instancia interna."
        }
    }
}
