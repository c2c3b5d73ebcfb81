import Foundation
import Logging
import PostgresNIO

/// Opens every sealed value the database holds (identity questionnaires in their table,
/// consent documents in the blob store) with a cipher, to prove that a key opens them: after
/// a restore, before retiring an old key, or when a key is suspected wrong. Reads only, row
/// by row; the plaintexts are dropped at once and never logged.
public struct SealedValueAudit: Sendable {
    /// What one kind of sealed value gave.
    public struct Tally: Sendable, Equatable {
        /// Values sealed under each key id.
        public var byKey: [String: Int] = [:]
        /// Values that opened.
        public var opened = 0
        /// Values that did not open.
        public var failed = 0
        /// The first of them (at most the audit's limit).
        public var failures: [Failure] = []

        /// Values seen.
        public var total: Int { byKey.values.reduce(0, +) }
    }

    /// A value that did not open: its row's id and why (key unknown, wrong, damaged, blob missing).
    public struct Failure: Sendable, Equatable {
        public var id: String
        public var reason: String
    }

    /// The tallies of every kind of sealed value.
    public struct Report: Sendable, Equatable {
        public var identityQuestionnaires = Tally()
        public var consentDocuments = Tally()

        /// Whether every value opened.
        public var allOpen: Bool { identityQuestionnaires.failed == 0 && consentDocuments.failed == 0 }
    }

    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let blobs: FileBlobStore
    let logger: Logger

    /// An audit over `client` and `blobs` with `cipher`.
    public init(client: PostgresClient, cipher: SensitiveDataCipher, blobs: FileBlobStore, logger: Logger) {
        self.client = client
        self.cipher = cipher
        self.blobs = blobs
        self.logger = logger
    }

    /// Tries to open every sealed value; lists at most `failureLimit` failures per kind.
    public func run(failureLimit: Int = 20) async throws -> Report {
        var report = Report()
        let questionnaires = try await client.query(
            "SELECT candidacy_id, ciphertext, nonce, key_id FROM identity_questionnaires ORDER BY candidacy_id", logger: logger)
        for try await (id, ciphertext, nonce, keyID) in questionnaires.decode((String, Data, Data, String).self) {
            record(&report.identityQuestionnaires, id: id, keyID: keyID, limit: failureLimit) {
                _ = try cipher.open(SealedValue(ciphertext: ciphertext, nonce: nonce, keyID: keyID), context: id)
            }
        }
        let documents = try await client.query(
            "SELECT id::text, sha256, key_id FROM consent_documents ORDER BY uploaded_at, id", logger: logger)
        for try await (id, sha256, keyID) in documents.decode((String, String, String).self) {
            var stored: [UInt8]?
            if let address = BlobAddress(sha256: sha256) { stored = try await blobs.get(address) }
            record(&report.consentDocuments, id: id, keyID: keyID, limit: failureLimit) {
                guard let stored, stored.count > 12 else { throw MissingBlob() }
                let sealed = SealedValue(ciphertext: Data(stored.dropFirst(12)), nonce: Data(stored.prefix(12)), keyID: keyID)
                _ = try cipher.open(sealed, context: ConsentDocumentRepository.context)
            }
        }
        return report
    }

    private func record(_ tally: inout Tally, id: String, keyID: String, limit: Int, _ open: () throws -> Void) {
        tally.byKey[keyID, default: 0] += 1
        do {
            try open()
            tally.opened += 1
        } catch {
            tally.failed += 1
            if tally.failures.count < limit { tally.failures.append(Failure(id: id, reason: "\(error)")) }
        }
    }

    struct MissingBlob: Error, CustomStringConvertible {
        var description: String { "falta el archivo cifrado en el almacén de archivos" }
    }
}
