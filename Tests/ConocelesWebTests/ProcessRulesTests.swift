import ConocelesConfig
import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// The questionnaires' limits come from the process file (`rules:`), checked at start-up: a
/// second process (`Tests/Fixtures/config/processes/limites-2027.yaml`) with other limits
/// changes completeness, the form's counters and the photo's age rule.
@Suite("Process rules: the limits of the process file")
struct ProcessRulesTests {
    static let directory = "\(repositoryRoot)/Tests/Fixtures/config"

    /// 175 characters without white space: under Jalisco's 280, over the test process's 100.
    static let history = String(repeating: "Docencia ", count: 25)

    @Test func theJaliscoFileStatesThePlansLimits() throws {
        let rules = try jalisco().rules
        #expect(rules.professionalHistory == LengthRule(minimum: 280, maximum: 5_000))
        #expect(rules.proposal == LengthRule(minimum: 280, maximum: 1_600))
        #expect(rules.otherTrainingEntry == LengthRule(minimum: nil, maximum: 250))
        #expect(rules.photoMaximumAgeMonths == 3)
        #expect(rules == ValidationRules.default)
    }

    @Test func anotherProcessFilesLimitsReachCompletenessTheFormsCountersAndThePhotoRule() async throws {
        let (process, _) = try ProcessLoader.load(processID: "limites-2027", configDirectory: Self.directory)
        #expect(process.rules.professionalHistory == LengthRule(minimum: 100, maximum: 1_200))
        #expect(process.rules.proposal == LengthRule(minimum: 50, maximum: 600))
        #expect(process.rules.photoMaximumAgeMonths == 6)
        #expect(process.rules.politicalTrajectory == ValidationRules.default.politicalTrajectory, "absent keys keep the plan's value")
        let candidacy = {
            var candidacy = WebFixtures.candidacy("LIM-1", party: "PAN", name: "Candidata de Otro Proceso")
            candidacy.processID = process.id
            return candidacy
        }()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [candidacy])
            try await WebFixtures.candidateAccount(db, for: candidacy, username: "cand-limites")
            let context = testContext(db, process)
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("cand-limites")
                #expect(try await browser.post("/candidaturas/LIM-1/aviso").status == .seeOther)
                // The form counts against this process's limits.
                let form = try await browser.get("/candidaturas/LIM-1/curricular").text
                #expect(form.contains(#"id="historia_profesional" name="historia_profesional" rows="8" data-limite="1200""#))
                #expect(form.contains(#"id="propuesta_1" name="propuesta_1" rows="8" data-limite="600""#))
                #expect(form.contains(#"id="propuesta_genero" name="propuesta_genero" rows="8" data-limite="1600""#), "not in the file: the plan's")
                // A 175-character history is complete here and too short for Jalisco.
                let saved = try await browser.post("/candidaturas/LIM-1/curricular", [("historia_profesional", Self.history)])
                #expect(saved.status == .seeOther)
                let field = CurricularQuestionnaire.Field.professionalHistory.id
                let profile = try await context.captureProfile(candidacy, logger: TestDatabase.logger)
                #expect(profile.curricular.professionalHistory == Self.history.trimmingCharacters(in: .whitespaces))
                #expect(profile.report.issues(for: field).isEmpty)
                #expect(
                    !profile.curricular.completeness(
                        rules: try jalisco().rules, registeredUnderAffirmativeAction: false,
                        photoReferenceDate: context.photoReferenceDate()
                    ).issues(for: field).isEmpty)
            }
        }
        // A photo five months old: fine under a 6-month rule, too old under Jalisco's 3 months.
        let today = LocalDate("2027-05-01")!
        var answers = CurricularQuestionnaire()
        answers.photo = PhotoReference(
            sha256: String(repeating: "ef", count: 32), byteCount: 1_000, format: .jpeg,
            takenOn: today.addingMonths(-5), takenOnSource: .exif)
        #expect(answers.photoDateProblem(rules: process.rules, referenceDate: today) == nil)
        #expect(answers.photoDateProblem(rules: try jalisco().rules, referenceDate: today) != nil)
    }

    @Test func aProcessFileWithUnusableLimitsOrAPhotoSizeOfItsOwnStopsTheStart() throws {
        let source = try String(contentsOfFile: "\(Self.directory)/processes/limites-2027.yaml", encoding: .utf8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("procesos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("processes"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("catalogs").path,
            withDestinationPath: "\(repositoryRoot)/config/catalogs")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (replacement, reason) in [
            ("proposal: { minimum: 700, maximum: 600 }", "rules.proposal.minimum"),
            ("proposal: { minimum: 50, maximum: 600 }\n  photo_maximum_bytes: 2000000", "photo.max_bytes"),
        ] {
            let text = source.replacingOccurrences(of: "proposal: { minimum: 50, maximum: 600 }", with: replacement)
            try text.write(to: directory.appendingPathComponent("processes/limites-2027.yaml"), atomically: true, encoding: .utf8)
            let error = #expect(throws: ProcessLoader.LoadError.self) {
                try ProcessLoader.load(processID: "limites-2027", configDirectory: directory.path)
            }
            #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        }
    }
}
