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

    /// Tries to open every sealed value, `pageSize` rows at a time; lists at most
    /// `failureLimit` failures per kind.
    public func run(failureLimit: Int = 20, pageSize: Int = 500) async throws -> Report {
        var report = Report()
        let rows = SealedValueRows(client: client, blobs: blobs, logger: logger)
        var identities = try await rows.identities(limit: pageSize)
        while let last = identities.last {
            for identity in identities {
                record(&report.identityQuestionnaires, id: identity.candidacyID, keyID: identity.sealed.keyID, limit: failureLimit) {
                    _ = try cipher.open(identity.sealed, context: identity.candidacyID)
                }
            }
            identities = try await rows.identities(after: last.candidacyID, limit: pageSize)
        }
        var documents = try await rows.documents(limit: pageSize)
        while let last = documents.last {
            for document in documents {
                let sealed: Result<SealedValue, any Error>
                do { sealed = .success(try await rows.sealed(document)) } catch { sealed = .failure(error) }
                record(&report.consentDocuments, id: document.id.uuidString.lowercased(), keyID: document.keyID, limit: failureLimit) {
                    _ = try cipher.open(try sealed.get(), context: ConsentDocumentRepository.context)
                }
            }
            documents = try await rows.documents(after: last.id, limit: pageSize)
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
}
