import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage
import Synchronization

/// Group commit of the registration system's events: the events of concurrent requests are
/// stored in one transaction with one ingest job for them all (one `INSERT … SELECT FROM
/// unnest` for the events, one for the job), and each request is answered once it committed,
/// so a 202 still means stored for good. One transaction is in flight at a time; the
/// requests that arrive meanwhile form the next one. A group the database refuses is written
/// again one event per transaction, so one bad event fails alone.
final class EventIntake: Sendable {
    typealias Outcome = RegistrationEventRepository.RecordOutcome

    private struct Waiting {
        let event: RegistrationEvent
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var flushing = false
    }

    private let client: PostgresClient
    private let jobs: JobClient
    private let logger: Logger
    private let state = Mutex(State())
    /// Events written in one transaction at most.
    static let maxGroup = 512

    init(client: PostgresClient, jobs: JobClient, logger: Logger) {
        self.client = client
        self.jobs = jobs
        self.logger = logger
    }

    /// Stores `event` with its ingest job; returns once the transaction that holds it committed.
    func record(_ event: RegistrationEvent) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state -> Bool in
                state.waiting.append(Waiting(event: event, continuation: continuation))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            // The request that finds no transaction in flight writes every waiting event, and
            // keeps writing while more arrive; its own answer comes with the first group.
            if lead { Task { await self.flushWhileWaiting() } }
        }
    }

    private func flushWhileWaiting() async {
        while true {
            let group = state.withLock { state -> [Waiting] in
                let taken = Array(state.waiting.prefix(Self.maxGroup))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.flushing = false }
                return taken
            }
            guard !group.isEmpty else { return }
            do {
                let outcomes = try await write(group.map(\.event))
                for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
            } catch  where group.count > 1 && !PostgresErrorText.isUnavailable(error) && !(error is Deadline.Exceeded) {
                logger.warning("event group refused; writing its events one by one", metadata: ["error": "\(PostgresErrorText.describe(error))"])
                for waiting in group {
                    do {
                        waiting.continuation.resume(returning: try await write([waiting.event])[0])
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            } catch {
                for waiting in group { waiting.continuation.resume(throwing: error) }
            }
        }
    }

    /// How long one group's transaction may take: past it (a connection the server dropped,
    /// whose query PostgresNIO never fails) its requests are answered with the error and the
    /// next group goes on another connection, instead of every later request waiting behind it.
    static let writeDeadline = Duration.seconds(10)

    private func write(_ events: [RegistrationEvent]) async throws -> [Outcome] {
        let repository = RegistrationEventRepository(client: client, logger: logger)
        let jobs = self.jobs, client = self.client, logger = self.logger
        return try await Deadline.run(limit: Self.writeDeadline) {
            try await Self.write(events, repository: repository, jobs: jobs, client: client, logger: logger)
        }
    }

    private static func write(
        _ events: [RegistrationEvent], repository: RegistrationEventRepository, jobs: JobClient,
        client: PostgresClient, logger: Logger
    ) async throws -> [Outcome] {
        try await client.withTransaction(logger: logger) { tx in
            let outcomes = try await repository.recordMany(events, on: tx)
            let recorded = zip(events, outcomes).compactMap { event, outcome in outcome == .recorded ? event.id : nil }
            // One ingest job for the group: it claims its events, oldest first, as one batch.
            if let first = recorded.first {
                _ = try await jobs.insertMany([try NewJob(IngestJob(eventID: first, eventIDs: recorded))], on: tx)
            }
            return outcomes
        }
    }
}
