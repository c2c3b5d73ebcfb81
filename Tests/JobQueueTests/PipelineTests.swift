import Foundation
@testable import JobQueue
import PostgresNIO
import Storage
import Synchronization
import Testing
import TestSupport

@Suite("Pipelines")
struct PipelineTests {
    /// a → (b, c) → d: b and c run after a, d only after both.
    let diamond = try! PipelineDefinition(name: "diamond", event: "thing.happened", steps: [
        .init(name: "a", kind: "step.a"),
        .init(name: "b", kind: "step.b", after: ["a"]),
        .init(name: "c", kind: "step.c", after: ["a"]),
        .init(name: "d", kind: "step.d", after: ["b", "c"]),
    ])

    func catalogForSteps() -> JobCatalog {
        var policies = ["step.a", "step.b", "step.c", "step.d"].map { JobKindPolicy(kind: $0) }
        policies[2].maxAttempts = 1
        return JobCatalog(policies: policies, queues: ["default": 4])
    }

    @Test func stepsRunInDependencyOrder() async throws {
        try await TestDatabase.with { db async throws in
            let order = Mutex<[String]>([])
            var workers = JobWorkers()
            for kind in ["step.a", "step.b", "step.c", "step.d"] {
                workers.register(kind: kind) { args, context in
                    let decoded = try JSONSerialization.jsonObject(with: Data(args.utf8)) as? [String: Int]
                    #expect(decoded == ["candidacy": 7])
                    order.withLock { $0.append(context.kind) }
                }
            }
            let runID = try await withProcessor(db, catalog: catalogForSteps(), workers: workers, pipelines: [diamond]) { _, client in
                let engine = PipelineEngine(definitions: [diamond], jobs: client, logger: TestDatabase.logger)
                let runID = try await db.client.withTransaction(logger: TestDatabase.logger) { tx in
                    try await engine.start("diamond", argsJSON: #"{"candidacy":7}"#, on: tx)
                }
                try await waitUntil("run completed") { try await engine.run(id: runID)?.state == "completed" }
                return runID
            }
            let seen = order.withLock { $0 }
            #expect(seen.count == 4)
            #expect(seen.first == "step.a" && seen.last == "step.d")
            let status = try await PipelineEngine(definitions: [diamond], jobs: JobClient(client: db.client, logger: TestDatabase.logger), logger: TestDatabase.logger).run(id: runID)
            #expect(status?.steps == ["a": .completed, "b": .completed, "c": .completed, "d": .completed])
        }
    }

    /// A discarded step fails the run and its downstream never runs; retrying it resumes.
    @Test func aFailedStepStopsTheRunAndRetryResumesIt() async throws {
        try await TestDatabase.with { db async throws in
            let cShouldFail = Atomic<Bool>(true)
            let dRuns = Atomic<Int>(0)
            var workers = JobWorkers()
            workers.register(kind: "step.a") { _, _ in }
            workers.register(kind: "step.b") { _, _ in }
            workers.register(kind: "step.c") { _, _ in
                if cShouldFail.load(ordering: .relaxed) { throw JobCancel("c falló") }
            }
            workers.register(kind: "step.d") { _, _ in dRuns.add(1, ordering: .relaxed) }
            try await withProcessor(db, catalog: catalogForSteps(), workers: workers, pipelines: [diamond]) { _, client in
                let engine = PipelineEngine(definitions: [diamond], jobs: client, logger: TestDatabase.logger)
                let runID = try await db.client.withTransaction(logger: TestDatabase.logger) { tx in
                    try await engine.start("diamond", argsJSON: "{}", on: tx)
                }
                try await waitUntil("run failed") {
                    let run = try await engine.run(id: runID)
                    return run?.state == "failed" && run?.steps["b"] == .completed
                }
                #expect(try await engine.run(id: runID)?.steps["d"] == nil, "d was never inserted")
                #expect(dRuns.load(ordering: .relaxed) == 0)
                cShouldFail.store(false, ordering: .relaxed)
                let cJob = try #require(try await client.list(kind: "step.c").first)
                #expect(try await client.retry(id: cJob.id))
                try await waitUntil("run completed after the retry") { try await engine.run(id: runID)?.state == "completed" }
                #expect(dRuns.load(ordering: .relaxed) == 1)
            }
        }
    }

    @Test func definitionsAreValidated() {
        #expect(throws: JobCatalog.DefinitionError.self) {
            try PipelineDefinition(name: "cycle", event: "e", steps: [
                .init(name: "a", kind: "k", after: ["b"]), .init(name: "b", kind: "k", after: ["a"]),
            ])
        }
        #expect(throws: JobCatalog.DefinitionError.self) {
            try PipelineDefinition(name: "dangling", event: "e", steps: [.init(name: "a", kind: "k", after: ["zzz"])])
        }
    }
}

@Suite("JobCatalog")
struct JobCatalogTests {
    func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func readsPoliciesQueuesAndSchedules() throws {
        let dir = try folder([
            "queues.yaml": "default: 10\nphotos: 2\n",
            "photo.check.yaml": """
                kind: photo.check
                queue: photos
                priority: 1
                max_attempts: 5
                timeout_seconds: 30
                backoff: { base_seconds: 2, max_seconds: 60, jitter: 0.2 }
                unique: { scope: live, by: [photo_id] }
                """,
            "schedules.yaml": "schedules:\n  - { name: purge, kind: privacy.purge, cron: '0 3 * * *', args: { dry_run: false } }\n",
        ])
        let catalog = try JobCatalog.load(directory: dir, knownKinds: ["photo.check", "privacy.purge"])
        let p = catalog.policy(for: "photo.check")
        #expect(p.queue == "photos" && p.priority == 1 && p.maxAttempts == 5 && p.timeoutSeconds == 30)
        #expect(p.backoff == .init(baseSeconds: 2, maxSeconds: 60, jitter: 0.2))
        #expect(p.unique == .init(scope: .live, by: ["photo_id"]))
        #expect(catalog.queues == ["default": 10, "photos": 2])
        #expect(catalog.schedules.first?.argsJSON == #"{"dry_run":false}"#)
    }

    @Test(arguments: [
        ("x.yaml", "kind: x\nmax_attempt: 3\n", "max_attempt"),
        ("x.yaml", "kind: x\npriority: 12\n", "priority"),
        ("x.yaml", "kind: x\nqueue: nowhere\n", "queue"),
        ("y.yaml", "kind: x\n", "kind"),
        ("x.yaml", "kind: x\nunique: { scope: window }\n", "unique.window_seconds"),
        ("unknown.kind.yaml", "kind: unknown.kind\n", "kind"),
        ("schedules.yaml", "schedules:\n  - { name: s, kind: x, cron: '61 * * * *' }\n", "s.cron"),
    ])
    func aWrongFileNamesItsKey(file: String, text: String, key: String) throws {
        let dir = try folder(["queues.yaml": "default: 1\n", file: text])
        let error = #expect(throws: JobCatalog.DefinitionError.self) {
            try JobCatalog.load(directory: dir, knownKinds: ["x"])
        }
        #expect(error?.key == key, "\(String(describing: error))")
        #expect(error?.file.hasSuffix(file) == true)
    }
}
