import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HummingbirdBcrypt
import Storage
import TestSupport

/// Rows for the web tests on the Jalisco process of `config/`: candidacies of two parties,
/// and activated accounts of every role with a known password.
enum WebFixtures {
    /// The password of every fixture account.
    static let password = "clave-de-prueba-larga"
    /// Its bcrypt hash at the lowest cost (fast tests).
    static let passwordHash = Bcrypt.hash(password, cost: 4)

    /// A candidacy of the Jalisco process with defaults: a proprietor for Gubernatura of `party`.
    static func candidacy(
        _ id: String = "C-\(UUID().uuidString.prefix(8))", party: String = "PAN", office: String = "GUB",
        district: Int? = nil, municipality: String? = nil, name: String = "María Fernanda López Ávila"
    ) -> Candidacy {
        Candidacy(
            id: id, processID: "jalisco-2024", officeCode: office, district: district, municipality: municipality,
            listPosition: nil, formulaPosition: .proprietor, fullName: name, gender: .woman, age: .years(45),
            affirmativeAction: nil, postulatingEntity: .party(code: party))
    }

    /// Registers the process and `candidacies`.
    static func seed(_ db: Database, _ process: ElectionProcess, _ candidacies: [Candidacy]) async throws {
        try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
        let repository = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
        for candidacy in candidacies { try await repository.register(candidacy, by: .system("test")) }
    }

    /// Records that the current privacy notice was accepted for `candidacyID` (every capture path waits for it).
    static func acceptNotice(_ db: Database, _ candidacyID: String) async throws {
        try await QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger)
            .acceptPrivacyNotice(version: PrivacyNotice.version, for: candidacyID, by: .system("test"))
    }

    /// Creates and activates `account` with `password`; returns it.
    @discardableResult
    static func activated(_ db: Database, _ account: NewAccount) async throws -> Account {
        let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
        let (_, token) = try await accounts.create(account, activationTTL: .seconds(3_600), by: .system("test"))
        return try await accounts.activate(token: token, passwordHash: passwordHash)
    }

    @discardableResult
    static func candidateAccount(_ db: Database, for candidacy: Candidacy, username: String? = nil) async throws -> Account {
        try await activated(
            db,
            .candidate(
                username: username ?? "cand-\(candidacy.id.lowercased())", email: "cand@example.org", displayName: candidacy.fullName,
                processID: candidacy.processID, candidacyID: candidacy.id))
    }

    @discardableResult
    static func representativeAccount(_ db: Database, party: String, username: String? = nil) async throws -> Account {
        try await activated(
            db,
            .representative(
                username: username ?? "rep-\(party.lowercased())", email: "rep-\(party.lowercased())@example.org",
                displayName: "Representación \(party)", processID: "jalisco-2024", entity: .party(code: party)))
    }

    @discardableResult
    static func staffAccount(_ db: Database, _ role: AccountRole, username: String? = nil) async throws -> Account {
        try await activated(
            db,
            .staff(
                role, username: username ?? "staff-\(role.rawValue.replacingOccurrences(of: "_", with: "-"))",
                email: "staff@example.org", displayName: "Personal \(role.label)"))
    }
}
