import Foundation
@testable import JobQueue
import Prometheus
import Testing
import QueueTestSupport

@Suite("Metrics")
struct MetricsTests {
    @Test func runsAreCountedAndTimedByKindAndResult() async throws {
        try await QueueTestDatabase.with { db async throws in
            let registry = PrometheusCollectorRegistry()
            var workers = JobWorkers()
            workers.register(kind: "ok") { _, _ in }
            workers.register(kind: "bad") { _, _ in throw JobCancel("no") }
            let c = catalog(JobKindPolicy(kind: "ok"), JobKindPolicy(kind: "bad"))
            try await withProcessor(
                db, catalog: c, workers: workers,
                configure: {
                    $0.metricsFactory = PrometheusMetricsFactory(registry: registry)
                }
            ) { _, client in
                try await client.insertMany([NewJob(kind: "ok"), NewJob(kind: "ok"), NewJob(kind: "bad")])
                try await waitUntil("three finished") {
                    try await count(db, "SELECT count(*)::int FROM jobs WHERE finalized_at IS NOT NULL") == 3
                }
                let gauges = try await client.prometheusGauges()
                #expect(gauges.contains(#"conoceles_jobs{queue="default",kind="ok",state="completed"} 2"#))
                #expect(gauges.contains(#"conoceles_jobs{queue="default",kind="bad",state="discarded"} 1"#))
            }
            let text = registry.emitToString()
            #expect(text.contains(#"conoceles_job_runs_total{kind="ok",queue="default",result="completed"} 2"#), "\(text)")
            #expect(text.contains(#"conoceles_job_runs_total{kind="bad",queue="default",result="cancelled"} 1"#))
            #expect(text.contains("conoceles_job_run_duration_seconds_count{kind=\"ok\"} 2"))
        }
    }

    @Test func depthAndLagOfAvailableJobs() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            try await client.insertMany([NewJob(kind: "a", queue: "mail"), NewJob(kind: "a", queue: "mail")])
            try await db.client.query("UPDATE jobs SET scheduled_at = now() - interval '90 seconds'")
            let text = try await client.prometheusGauges()
            #expect(text.contains(#"conoceles_queue_depth{queue="mail"} 2"#))
            let lag = text.split(separator: "\n").first { $0.hasPrefix(#"conoceles_queue_lag_seconds{queue="mail"}"#) }
            let seconds = Double(lag?.split(separator: " ").last ?? "") ?? 0
            #expect((89...120).contains(seconds))
        }
    }
}
