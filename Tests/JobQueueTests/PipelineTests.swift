import Foundation
@testable import JobQueue
import PostgresNIO
import Synchronization
import Testing
import QueueTestSupport

@Suite("Pipelines")
struct PipelineTests {
    /// a → (b, c) → d: b and c run after a, d only after both.
    let diamond = try! PipelineDefinition(
        name: "diamond", event: "thing.happened",
        steps: [
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
        try await QueueTestDatabase.with { db async throws in
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
                let engine = PipelineEngine(definitions: [diamond], jobs: client, logger: QueueTestDatabase.logger)
                let runID = try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
                    try await engine.start("diamond", argsJSON: #"{"candidacy":7}"#, on: tx)
                }
                try await waitUntil("run completed") { try await engine.run(id: runID)?.state == "completed" }
                return runID
            }
            let seen = order.withLock { $0 }
            #expect(seen.count == 4)
            #expect(seen.first == "step.a" && seen.last == "step.d")
            let status = try await PipelineEngine(
                definitions: [diamond], jobs: JobClient(client: db.client, logger: QueueTestDatabase.logger), logger: QueueTestDatabase.logger
            ).run(id: runID)
            #expect(status?.steps == ["a": .completed, "b": .completed, "c": .completed, "d": .completed])
        }
    }

    /// A discarded step fails the run and its downstream never runs; retrying it resumes.
    @Test func aFailedStepStopsTheRunAndRetryResumesIt() async throws {
        try await QueueTestDatabase.with { db async throws in
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
                let engine = PipelineEngine(definitions: [diamond], jobs: client, logger: QueueTestDatabase.logger)
                let runID = try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
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

    /// The pruner keeps the completed steps of a failed run (the retry needs them to know
    /// what is done), then deletes the run and its steps once it completed.
    @Test func aFailedRunIsRetriedToCompletionAfterThePrunerRan() async throws {
        try await QueueTestDatabase.with { db async throws in
            let cShouldFail = Atomic<Bool>(true)
            let dRuns = Atomic<Int>(0)
            var workers = JobWorkers()
            workers.register(kind: "step.a") { _, _ in }
            workers.register(kind: "step.b") { _, _ in }
            workers.register(kind: "step.c") { _, _ in
                if cShouldFail.load(ordering: .relaxed) { throw JobCancel("c falló") }
            }
            workers.register(kind: "step.d") { _, _ in dRuns.add(1, ordering: .relaxed) }
            var config = JobMaintenance.Configuration(leaderID: "pruner")
            config.completedRetention = .zero
            config.discardedRetention = .seconds(3_600)
            let maintenance = JobMaintenance(client: db.client, catalog: catalogForSteps(), configuration: config, logger: QueueTestDatabase.logger)
            // An unrelated completed job is pruned as before.
            let loose = try await JobClient(client: db.client, logger: QueueTestDatabase.logger).insert(NewJob(kind: "loose", argsJSON: "{}"))
            try await db.client.query("UPDATE jobs SET state = 'completed', finalized_at = now() - interval '1 minute' WHERE id = \(loose.id)")
            try await withProcessor(db, catalog: catalogForSteps(), workers: workers, pipelines: [diamond]) { _, client in
                let engine = PipelineEngine(definitions: [diamond], jobs: client, logger: QueueTestDatabase.logger)
                let runID = try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
                    try await engine.start("diamond", argsJSON: "{}", on: tx)
                }
                try await waitUntil("run failed") {
                    let run = try await engine.run(id: runID)
                    return run?.state == "failed" && run?.steps["b"] == .completed
                }
                try await Task.sleep(for: .milliseconds(1_100))  // finalized_at < now() with a zero retention
                #expect(try await maintenance.pruneOnce() >= 1)
                #expect(try await client.job(id: loose.id) == nil, "a completed job outside any run is pruned")
                #expect(
                    try await engine.run(id: runID)?.steps == ["a": .completed, "b": .completed, "c": .discarded],
                    "the steps of the failed run are kept")
                cShouldFail.store(false, ordering: .relaxed)
                let cJob = try #require(try await client.list(kind: "step.c").first)
                #expect(try await client.retry(id: cJob.id))
                try await waitUntil("run completed after the retry") { try await engine.run(id: runID)?.state == "completed" }
                #expect(dRuns.load(ordering: .relaxed) == 1)
                try await Task.sleep(for: .milliseconds(1_100))
                #expect(try await maintenance.pruneOnce() == 4)
                #expect(try await engine.run(id: runID) == nil, "the completed run is pruned")
                #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE pipeline_run = \(runID)") == 0)
            }
        }
    }

    /// A step discarded by the rescuer (its worker stopped heartbeating on its last attempt)
    /// fails the run; a running step cancelled by staff cancels it; retrying resumes either.
    @Test func aRescuedOrCancelledStepEndsItsRun() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, catalog: catalogForSteps(), logger: QueueTestDatabase.logger)
            let engine = PipelineEngine(definitions: [diamond], jobs: client, logger: QueueTestDatabase.logger)
            func start() async throws -> (run: Int64, a: Int64) {
                let run = try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
                    try await engine.start("diamond", argsJSON: "{}", on: tx)
                }
                let a = try #require(try await client.list(kind: "step.a").first { $0.pipelineRun == run })
                return (run, a.id)
            }
            // Rescued on its last attempt: discarded, and the run fails.
            let rescued = try await start()
            try await db.client.query(
                """
                UPDATE jobs SET state = 'running', attempt = max_attempts, attempted_at = now(), attempted_by = 'gone',
                                heartbeat_at = now() - interval '10 minutes' WHERE id = \(rescued.a)
                """)
            var config = JobMaintenance.Configuration(leaderID: "rescuer")
            config.rescueAfter = .seconds(60)
            let maintenance = JobMaintenance(client: db.client, catalog: catalogForSteps(), configuration: config, logger: QueueTestDatabase.logger)
            #expect(try await maintenance.rescueOnce() == 1)
            #expect(try await engine.run(id: rescued.run)?.state == "failed")
            #expect(try await engine.run(id: rescued.run)?.steps == ["a": .discarded])
            #expect(try await client.retry(id: rescued.a))
            #expect(try await engine.run(id: rescued.run)?.state == "running", "retrying the step resumes the run")

            // Cancelled while running: the run is cancelled.
            let cancelled = try await start()
            try await db.client.query(
                """
                UPDATE jobs SET state = 'running', attempt = 1, attempted_at = now(), attempted_by = 'w', heartbeat_at = now()
                 WHERE id = \(cancelled.a)
                """)
            #expect(try await client.cancel(id: cancelled.a))
            #expect(try await engine.run(id: cancelled.run)?.state == "cancelled")
            #expect(try await engine.run(id: rescued.run)?.state == "running", "the other run is untouched")
            #expect(try await client.retry(id: cancelled.a))
            #expect(try await engine.run(id: cancelled.run)?.state == "running")
        }
    }

    /// `retry` of a job whose unique key a newer live job holds says so instead of failing
    /// with PostgreSQL's unique violation.
    @Test func retryUnderAHeldUniqueKeySaysSo() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            var job = NewJob(kind: "report", argsJSON: "{}")
            job.uniqueness = .live(key: "report:1")
            let old = try await client.insert(job)
            #expect(try await client.cancel(id: old.id))
            let newer = try await client.insert(job)
            #expect(!newer.skippedAsDuplicate && newer.id != old.id)
            let error = await #expect(throws: JobClient.UniqueKeyHeld.self) { try await client.retry(id: old.id) }
            #expect(error?.heldBy == newer.id)
            #expect(error?.key == "report:1")
            #expect(error?.description.contains("el trabajo \(newer.id) con la misma clave única") == true)
            #expect(try await client.job(id: old.id)?.state == .cancelled, "nothing changed")
            #expect(try await client.cancel(id: newer.id))
            #expect(try await client.retry(id: old.id), "once the key is free the retry goes through")
        }
    }

    @Test func definitionsAreValidated() {
        #expect(throws: JobCatalog.DefinitionError.self) {
            try PipelineDefinition(
                name: "cycle", event: "e",
                steps: [
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
            "privacy.purge.yaml": "kind: privacy.purge\n",
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

    /// A kind with a worker and no file would run on the engine's defaults without anyone
    /// noticing: refused, naming the file to write.
    @Test func aKindWithAWorkerButNoFileIsRefused() throws {
        let dir = try folder(["queues.yaml": "default: 1\n", "x.yaml": "kind: x\n"])
        let error = #expect(throws: JobCatalog.DefinitionError.self) {
            try JobCatalog.load(directory: dir, knownKinds: ["x", "mail.nueva"])
        }
        #expect(error?.file == "\(dir)/mail.nueva.yaml")
        #expect(error?.description.contains("falta el archivo") == true)
        #expect(try JobCatalog.load(directory: dir, knownKinds: ["x"]).policies.keys.sorted() == ["x"])
    }

    /// A pipeline step, like a schedule or a job file, may only name a kind with a worker.
    @Test func aPipelineStepWithoutAWorkerIsRefused() throws {
        let dir = try folder(["flujo.yaml": "name: flujo\nevent: algo\nsteps:\n  - { name: a, kind: x }\n  - { name: b, kind: y, after: [a] }\n"])
        let error = #expect(throws: JobCatalog.DefinitionError.self) {
            try PipelineDefinition.loadAll(directory: dir, knownKinds: ["x"])
        }
        #expect(error?.file == "\(dir)/flujo.yaml")
        #expect(error?.key == "b.kind")
        #expect(try PipelineDefinition.loadAll(directory: dir, knownKinds: ["x", "y"]).map(\.name) == ["flujo"])
    }

    /// A wrong `paths.pipelines` used to read as "no pipelines" (approvals then issued no
    /// accounts); now it stops the start, naming the folder.
    @Test func aMissingPipelinesFolderIsAnError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("sin-pipelines-\(UUID().uuidString)").path
        let error = #expect(throws: JobCatalog.DefinitionError.self) { try PipelineDefinition.loadAll(directory: missing) }
        #expect(error?.file == missing)
        let empty = try folder([:])
        #expect(try PipelineDefinition.loadAll(directory: empty).isEmpty, "an empty folder is a deployment without pipelines")
    }
}
