import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Writes a `DemoElection` into an empty database in batches (one transaction each, bulk
/// `unnest` inserts) through the repositories where they have a bulk path. Refuses a
/// database that already holds candidacies of the process: the audit log is append-only,
/// so a demo cannot be wiped and reloaded; use a fresh database.
///
/// Demo accounts cannot log in: activated ones carry a placeholder that is not a valid
/// bcrypt hash, pending ones an activation token nobody received.
public struct DemoLoader: Sendable {
    /// The database already holds candidacies of the process.
    public struct DataExists: Error, Sendable, CustomStringConvertible {
        public let processID: String
        public let candidacies: Int
        public var description: String {
            "La base de datos ya tiene \(candidacies) candidaturas del proceso \(processID). La elección de demostración solo se carga en una base vacía (la bitácora de auditoría no admite borrados): cree otra base de datos y apunte CONOCELES_DATABASE_URL a ella."
        }
    }

    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let logger: Logger

    /// A loader writing to `client`, sealing identity answers with `cipher`.
    public init(client: PostgresClient, cipher: SensitiveDataCipher, logger: Logger) {
        self.client = client
        self.cipher = cipher
        self.logger = logger
    }

    static let actor = AuditActor.system("demo")
    /// Not a bcrypt hash of anything: bcrypt verification always fails.
    static let placeholderPasswordHash = "$2b$12$demo.account.without.password.it.cannot.log.in.0000"
    static let privacyNoticeVersion = "demo"
    /// "No date" in bulk arrays (PostgreSQL's 'epoch'); arrays of optionals do not bind.
    static let none = Date(timeIntervalSince1970: 0)

    /// Loads `election`, `batchSize` slots per transaction, calling `progress(done, total)`
    /// after each batch; returns what the database holds afterwards.
    public func load(
        _ election: DemoElection, batchSize: Int = 1_000,
        progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> DemoSummary {
        let start = ContinuousClock.now
        try await prepare(election)
        var generated = DemoSummary.Generated()
        // Generating a batch (CPU in this process) overlaps with writing the previous one
        // (CPU in PostgreSQL).
        let batches = stride(from: 0, to: election.slotCount, by: batchSize).map { $0..<min($0 + batchSize, election.slotCount) }
        var next = batches.first.map { range in Task { try election.profiles(forSlotsIn: range) } }
        for (index, range) in batches.enumerated() {
            guard let current = next else { break }
            let profiles = try await current.value
            next = index + 1 < batches.count ? Task { [range = batches[index + 1]] in try election.profiles(forSlotsIn: range) } : nil
            generated.add(profiles)
            try await client.transaction(logger: logger) { connection in
                try await write(profiles, of: election, on: connection)
            }
            progress(range.upperBound, election.slotCount)
        }
        try await client.query("ANALYZE", logger: logger)
        return try await DemoSummary.read(election, generated: generated, elapsed: ContinuousClock.now - start, client: client, logger: logger)
    }

    /// Refuses a database with data; creates the staff and party accounts.
    private func prepare(_ election: DemoElection) async throws {
        try await client.transaction(logger: logger) { connection in
            // Two demo loads at once would both see an empty database: serialize them.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Int64(0x64656D6F)))", logger: logger)
            var existing = 0
            for try await count in try await connection.query(
                "SELECT count(*) FROM candidacies WHERE process_id = \(election.process.id)", logger: logger
            ).decode(Int.self) {
                existing = count
            }
            guard existing == 0 else { throw DataExists(processID: election.process.id, candidacies: existing) }
            let parties = election.slots.reduce(into: [String: (PoliticalParty, Int)]()) { found, slot in
                found["\(slot.replica)/\(slot.party.code)"] = (slot.party, slot.replica)
            }.values.sorted { ($0.1, $0.0.code) < ($1.1, $1.0.code) }
            let representatives = parties.map { party, replica in
                NewAccount(
                    username: "demo\(replica > 0 ? String(replica) : "").rep.\(party.code.lowercased())",
                    email: "representacion.\(party.code.lowercased())@conoceles.example",
                    displayName: "Representación de \(party.name)", role: .representative,
                    processID: election.process.id, entity: .party(code: party.code),
                    id: DemoActors.representative(of: party, replica: replica))
            }
            // A load that failed half-way leaves these accounts behind: keep them.
            let wanted = DemoActors.staffAccounts() + representatives
            var existingIDs: Set<UUID> = []
            for try await id in try await connection.query(
                "SELECT id FROM accounts WHERE id = ANY(\(wanted.compactMap(\.id))::uuid[])", logger: logger
            ).decode(UUID.self) {
                existingIDs.insert(id)
            }
            let accounts = AccountRepository(client: client, logger: logger)
            _ = try await accounts.createMany(
                wanted.filter { !existingIDs.contains($0.id!) },
                activationTTL: .seconds(72 * 3_600), by: Self.actor, on: connection)
        }
    }

    func write(_ profiles: [DemoProfile], of election: DemoElection, on connection: PostgresConnection) async throws {
        let registeredAt = election.process.publicationDate.addingDays(-50).startInUTC
        try await CandidacyRepository(client: client, logger: logger)
            .registerMany(profiles.map(\.candidacy), by: .system("registration.ingest"), at: registeredAt, on: connection)
        try await writeAccounts(profiles, election: election, on: connection)
        try await writeQuestionnaires(profiles, on: connection)
        try await ProfileWorkflowRepository(client: client, logger: logger).importHistories(
            profiles.map { ($0.candidacy.id, ProfileWorkflow(state: $0.state, history: $0.history)) }, on: connection)
        try await writeModificationRequests(profiles, on: connection)
        try await writeRegistrationEvents(profiles, on: connection)
    }

    private func writeAccounts(_ profiles: [DemoProfile], election: DemoElection, on connection: PostgresConnection) async throws {
        let accounts = profiles.map { profile in
            NewAccount.candidate(
                username: profile.username, email: profile.email, displayName: profile.candidacy.fullName,
                processID: election.process.id, candidacyID: profile.candidacy.id)
        }.enumerated().map { index, account in
            var account = account
            account.id = profiles[index].accountID
            return account
        }
        let sentAt = profiles.map { $0.registeredAt.addingTimeInterval(Double(Int(truncatingIfNeeded: $0.accountID.hashValue & 0xFFFF) % 172_800)) }
        _ = try await AccountRepository(client: client, logger: logger).createMany(
            accounts, activationTTL: .seconds(72 * 3_600), by: Self.actor, at: profiles.map(\.registeredAt).min() ?? Date(), on: connection)
        let activated = profiles.map { $0.history.first.map { $0.at.addingTimeInterval(-600) } ?? Self.none }
        let disabled = profiles.map { $0.withdrawnAt ?? Self.none }
        try await connection.query(
            """
            UPDATE accounts a
               SET credentials_sent_at = t.sent, first_credentials_sent_at = t.sent,
                   activated_at = nullif(t.activated, 'epoch'::timestamptz),
                   password_hash = CASE WHEN t.activated = 'epoch'::timestamptz THEN NULL ELSE \(Self.placeholderPasswordHash) END,
                   activation_token_hash = CASE WHEN t.activated = 'epoch'::timestamptz AND t.disabled = 'epoch'::timestamptz
                                                THEN a.activation_token_hash END,
                   activation_expires_at = CASE WHEN t.activated = 'epoch'::timestamptz AND t.disabled = 'epoch'::timestamptz
                                                THEN a.activation_expires_at END,
                   disabled_at = nullif(t.disabled, 'epoch'::timestamptz)
              FROM unnest(\(profiles.map(\.accountID))::uuid[], \(sentAt)::timestamptz[], \(activated)::timestamptz[],
                          \(disabled)::timestamptz[]) AS t(id, sent, activated, disabled)
             WHERE a.id = t.id
            """, logger: logger)
    }
}
