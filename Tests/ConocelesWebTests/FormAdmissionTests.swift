@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Issue 19's sign-in storm: while people wait to sign in, form saves go one at a time with a
/// pause after each (their share of the CPU bounded), pages are never held, and nothing is
/// held outside a storm.
@Suite("Form admission during a sign-in storm")
struct FormAdmissionTests {
    final class Flag: Sendable {
        let value: Mutex<Bool>
        init(_ value: Bool) { self.value = Mutex(value) }
        var isOn: Bool { value.withLock { $0 } }
        func set(_ on: Bool) { value.withLock { $0 = on } }
    }

    final class Timeline: Sendable {
        let spans = Mutex<[(index: Int, start: ContinuousClock.Instant, end: ContinuousClock.Instant)]>([])
        func record(_ index: Int, _ start: ContinuousClock.Instant) {
            let end = ContinuousClock.now
            spans.withLock { $0.append((index, start, end)) }
        }
    }

    /// Runs `count` saves of `work` each, submitted 2 ms apart, through `admission`.
    func saves(_ count: Int, through admission: FormAdmission, work: Duration) async throws -> Timeline {
        let timeline = Timeline()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await admission.run {
                        let start = ContinuousClock.now
                        try await Task.sleep(for: work)
                        timeline.record(index, start)
                    }
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            try await group.waitForAll()
        }
        return timeline
    }

    @Test func outsideAStormNothingWaits() async throws {
        let admission = FormAdmission(pauseFactor: 5, storm: { false })
        let spans = try await saves(8, through: admission, work: .milliseconds(200)).spans.withLock { $0 }
        // Saves of 200 ms submitted 2 ms apart ran side by side (under the gate none overlaps).
        #expect(spans.count == 8)
        let overlapping = spans.contains { a in spans.contains { b in a.index != b.index && a.start < b.end && b.start < a.end } }
        #expect(overlapping)
        #expect(admission.counts.held == 0)
    }

    @Test func duringAStormSavesGoOneAtATimeInOrderWithAPause() async throws {
        let admission = FormAdmission(pauseFactor: 2, storm: { true })
        let spans = try await saves(4, through: admission, work: .milliseconds(50)).spans.withLock { $0 }
            .sorted { $0.start < $1.start }
        #expect(spans.map(\.index) == [0, 1, 2, 3], "admitted out of arrival order")
        for (earlier, later) in zip(spans, spans.dropFirst()) {
            // Never two at once, and the next starts only after a pause of about twice the work.
            #expect(later.start - earlier.end >= .milliseconds(90), "pause \(later.start - earlier.end)")
        }
        #expect(admission.counts.held == 3)
    }

    @Test func theEndOfTheStormReleasesEveryoneWaiting() async throws {
        let storm = Flag(true)
        let admission = FormAdmission(pauseFactor: 40, storm: { storm.isOn })
        Task {
            try await Task.sleep(for: .milliseconds(150))
            storm.set(false)
        }
        let started = ContinuousClock.now
        // Under the gate these would take 6 × (50 ms + 2 s pause); the storm ends after 150 ms
        // and when the first save's pause (2 s) ends, everyone left runs at once.
        let timeline = try await saves(6, through: admission, work: .milliseconds(50))
        #expect(ContinuousClock.now - started < .seconds(8))
        #expect(timeline.spans.withLock { $0.count } == 6)
    }

    @Test func noSaveWaitsLongerThanTheLimit() async throws {
        let admission = FormAdmission(pauseFactor: 2_000, maxWait: .milliseconds(300), storm: { true })
        let started = ContinuousClock.now
        // The first save's pause is over 100 s; the others are let through when they have waited 300 ms.
        let timeline = try await saves(3, through: admission, work: .milliseconds(50))
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(timeline.spans.withLock { $0.count } == 3)
    }

    @Test func onlyFormSubmissionsAreHeldNotPagesPasswordFormsOrTheAPI() {
        func request(_ method: HTTPRequest.Method, _ path: String) -> Request {
            Request(head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path), body: .init(buffer: .init()))
        }
        #expect(FormAdmission.applies(to: request(.post, "/candidaturas/ABC/curricular")))
        #expect(FormAdmission.applies(to: request(.post, "/candidaturas/ABC/identidad")))
        #expect(!FormAdmission.applies(to: request(.get, "/candidaturas/ABC/curricular")))
        #expect(!FormAdmission.applies(to: request(.post, "/entrar")))
        #expect(!FormAdmission.applies(to: request(.post, "/activar")))
        #expect(!FormAdmission.applies(to: request(.post, "/restablecer")))
        #expect(!FormAdmission.applies(to: request(.post, "/api/v1/events")))
    }

    @Test func thePoolReportsABacklogOnlyWhenMoreIsAskedThanItHasThreads() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount
        let sawBacklog = Flag(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<(width * 3) {
                group.addTask { try await PasswordHashing.run { Thread.sleep(forTimeInterval: 0.1) } }
            }
            try await Task.sleep(for: .milliseconds(50))
            sawBacklog.set(PasswordHashing.backlogged)
            try await group.waitForAll()
        }
        #expect(sawBacklog.isOn)
        // The count comes back down (other suites may hash meanwhile: wait for them).
        var waited = 0
        while PasswordHashing.backlogged, waited < 200 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(!PasswordHashing.backlogged)
    }

    @Test func throughTheServerSavesWaitTheirTurnOutsideTheDeadlineWhilePagesAnswerAtOnce() async throws {
        let router = Router(context: WebRequestContext.self)
        router.post("/candidaturas/X/curricular") { _, _ -> String in
            try await Task.sleep(for: .milliseconds(100))
            return "guardado"
        }
        router.get("/candidaturas/X") { _, _ -> String in "perfil" }
        let admission = FormAdmission(pauseFactor: 3, storm: { true })
        // A deadline shorter than the wait of the third save: the wait does not count.
        let responder = RequestDeadlineResponder(
            router.buildResponder(), limit: .milliseconds(600),
            strictTransportSecurity: false, admission: admission)
        let app = Application(responder: responder)
        // `.router`: each request reaches the responder on its own (the live test client sends
        // them one after another on one connection, so the page would queue behind the saves).
        try await app.test(.router) { client in
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: (String, HTTPResponse.Status, Duration).self) { group in
                for index in 0..<3 {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(10 * index))
                        return try await client.execute(uri: "/candidaturas/X/curricular", method: .post) {
                            ("save \(index)", $0.status, ContinuousClock.now - started)
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(50))
                    return try await client.execute(uri: "/candidaturas/X", method: .get) { ("page", $0.status, ContinuousClock.now - started) }
                }
                var answers: [String: (HTTPResponse.Status, Duration)] = [:]
                for try await (name, status, at) in group { answers[name] = (status, at) }
                // The page is not held behind the saves.
                #expect(answers["page"]?.0 == .ok)
                if let page = answers["page"]?.1, let lastSave = answers["save 2"]?.1 {
                    #expect(page < lastSave, "page after \(page), last save after \(lastSave)")
                }
                // Every save answered 200 (none cut by the deadline), the last after two pauses.
                for index in 0..<3 { #expect(answers["save \(index)"]?.0 == .ok) }
                #expect(answers["save 2"].map { $0.1 >= .milliseconds(900) } == true, "last save after \(String(describing: answers["save 2"]?.1))")
            }
        }
        #expect(admission.counts.held == 2)
    }
}
