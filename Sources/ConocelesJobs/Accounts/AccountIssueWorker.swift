import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Storage

/// `account.issue` (first step of `candidacy-approved`): the candidacy's own account, and
/// the generic account of its party, coalition or independent candidacy when it has none
/// and the event named the representative's e-mail (while the entity has any approved
/// candidacy). Idempotent: existing accounts are kept.
public struct AccountIssueWorker: EnvironmentWorker {
    public typealias Args = AccountIssueJob

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    public func work(_ args: AccountIssueJob, context: JobContext) async throws {
        let client = environment.client
        let candidacies = CandidacyRepository(client: client, logger: context.logger)
        guard let candidacy = try await candidacies.candidacy(id: args.candidacyID) else {
            throw JobCancel("candidacy \(args.candidacyID) does not exist")
        }
        guard let event = try await RegistrationEventRepository(client: client, logger: context.logger).event(id: args.eventID),
            let wire = try? JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(event.body.utf8)),
            let email = wire.candidacy?.email
        else { throw JobCancel("event \(args.eventID) carries no contact for candidacy \(args.candidacyID)") }
        let accounts = AccountRepository(client: client, logger: context.logger)
        let actor = AuditActor.system(Self.kind)
        let ttl = Duration.seconds(environment.configuration.accounts.activationTTLHours * 3_600)
        // The candidacy's own account only while it is approved (withdrawn meanwhile: none).
        if candidacy.status == .approved, try await accounts.account(candidacyID: candidacy.id) == nil {
            _ = try await createIgnoringDuplicate(
                accounts,
                .candidate(
                    username: Self.username(for: candidacy.id), email: email, displayName: candidacy.fullName,
                    processID: candidacy.processID, candidacyID: candidacy.id), ttl: ttl, actor: actor)
        }
        // The generic account belongs to the entity, not to this candidacy: it is created and
        // mailed while the entity has any approved candidacy, even if this one was withdrawn
        // before this step ran.
        let entity = candidacy.postulatingEntity
        guard try await candidacies.anyApproved(processID: candidacy.processID, entity: entity) != nil else { return }
        if let representative = wire.candidacy?.representativeEmail, !representative.isEmpty,
            try await accounts.representativeAccount(processID: candidacy.processID, entity: entity) == nil
        {
            _ = try await createIgnoringDuplicate(
                accounts,
                .representative(
                    username: Self.username(forEntity: entity), email: representative,
                    displayName: "Representación \(entity.code)", processID: candidacy.processID, entity: entity), ttl: ttl, actor: actor)
        }
        if let generic = try await accounts.representativeAccount(processID: candidacy.processID, entity: entity),
            generic.credentialsSentAt == nil
        {
            try await environment.jobs.insert(CredentialsMailWorker.genericJob(account: generic.id, candidacyID: candidacy.id, eventID: args.eventID))
        }
    }

    /// Creates the account; a concurrent twin (unique violation) counts as done.
    func createIgnoringDuplicate(_ accounts: AccountRepository, _ account: NewAccount, ttl: Duration, actor: AuditActor) async throws -> Bool {
        do {
            _ = try await accounts.create(account, activationTTL: ttl, by: actor)
            return true
        } catch let error as StorageError where error.code == .conflict {
            return false
        } catch  where PostgresErrorText.sqlState(error) == "23505" {
            return false
        }
    }

    /// `c-<candidacy id>`, lowercased, with anything outside `[a-z0-9._-]` replaced by `-`.
    static func username(for candidacyID: String) -> String { sanitize("c-" + candidacyID) }

    /// `rep-<kind>-<code>`.
    static func username(forEntity entity: PostulatingEntity) -> String { sanitize("rep-\(entity.kind.rawValue)-\(entity.code)") }

    static func sanitize(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return (c.isASCII && (c.isLetter || c.isNumber)) || c == "." || c == "_" || c == "-" ? c : "-"
        }
        return String(String(mapped).prefix(64))
    }
}
