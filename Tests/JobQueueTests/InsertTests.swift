import Foundation
@testable import JobQueue
import PostgresNIO
import Testing
import QueueTestSupport

@Suite("Insert")
struct InsertTests {
    @Test func insertsOneAndManyWithTheirOptions() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let one = try await client.insert(NewJob(kind: "a.b", args: Payload(n: 1), queue: "q1", priority: 0, tags: ["x", "y"]))
            #expect(!one.skippedAsDuplicate)
            let job = try #require(try await client.job(id: one.id))
            #expect(job.kind == "a.b" && job.queue == "q1" && job.priority == 0 && job.state == .available)
            #expect(try job.decodeArgs(Payload.self) == Payload(n: 1))
            #expect(job.tags == ["x", "y"])
            let many = try await client.insertMany((0..<500).map { try NewJob(kind: "bulk", args: Payload(n: $0)) })
            #expect(Set(many.map(\.id)).count == 500)
            // Ids follow input order.
            for (index, result) in many.enumerated() {
                if index % 97 == 0 {
                    #expect(try await client.job(id: result.id)?.decodeArgs(Payload.self).n == index)
                }
            }
        }
    }

    /// The job commits or rolls back with the caller's data.
    @Test func enqueueInTheCallersTransaction() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            struct Boom: Error {}
            await #expect(throws: (any Error).self) {
                try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
                    try await client.insertMany([NewJob(kind: "rolled.back")], on: tx)
                    throw Boom()
                }
            }
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'rolled.back'") == 0)
            _ = try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
                try await client.insertMany([NewJob(kind: "committed")], on: tx)
            }
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'committed'") == 1)
        }
    }

    @Test func aFutureJobIsScheduled() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let r = try await client.insert(NewJob(kind: "later", scheduledAt: Date().addingTimeInterval(3_600)))
            #expect(try await client.job(id: r.id)?.state == .scheduled)
        }
    }

    /// Twenty racers insert the same unique job: exactly one row, and every racer gets its id.
    @Test func uniqueInsertUnderConcurrentRacers() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let results = try await withThrowingTaskGroup(of: InsertResult.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await client.insert(NewJob(kind: "u", uniqueness: .live(key: "same"))) }
                }
                return try await group.reduce(into: [InsertResult]()) { $0.append($1) }
            }
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'u'") == 1)
            #expect(Set(results.map(\.id)).count == 1)
            #expect(results.filter { !$0.skippedAsDuplicate }.count == 1)
        }
    }

    /// Live uniqueness frees the key once the job ends; window uniqueness does not.
    @Test func liveAndWindowUniqueness() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let first = try await client.insert(NewJob(kind: "l", uniqueness: .live(key: "k")))
            #expect(try await client.insert(NewJob(kind: "l", uniqueness: .live(key: "k"))) == InsertResult(id: first.id, skippedAsDuplicate: true))
            #expect(try await client.cancel(id: first.id))
            let second = try await client.insert(NewJob(kind: "l", uniqueness: .live(key: "k")))
            #expect(!second.skippedAsDuplicate && second.id != first.id)

            let w = try await client.insert(NewJob(kind: "w", uniqueness: .window(key: "k", seconds: 3_600)))
            #expect(try await client.cancel(id: w.id))
            #expect(try await client.insert(NewJob(kind: "w", uniqueness: .window(key: "k", seconds: 3_600))).skippedAsDuplicate)
        }
    }

    /// A kind's policy makes jobs unique by some arguments; duplicates inside one batch too.
    @Test func policyUniquenessByArguments() async throws {
        try await QueueTestDatabase.with { db async throws in
            var policy = JobKindPolicy(kind: "photo.check")
            policy.unique = .init(scope: .live, by: ["n"])
            let client = JobClient(client: db.client, catalog: catalog(policy), logger: QueueTestDatabase.logger)
            let results = try await client.insertMany([
                try NewJob(kind: "photo.check", args: Payload(n: 1)),
                try NewJob(kind: "photo.check", args: Payload(n: 2)),
                try NewJob(kind: "photo.check", args: Payload(n: 1, text: "other text, same n")),
            ])
            #expect(results.map(\.skippedAsDuplicate) == [false, false, true])
            #expect(results[2].id == results[0].id)
            #expect(try await count(db, "SELECT count(*)::int FROM jobs") == 2)
        }
    }

    /// The COPY path stores every field as `insertMany` would, escapes what COPY's text
    /// format gives meaning to, and sends the jobs that need a unique key, a schedule or a
    /// pipeline through `insertMany` (a duplicate is skipped, never an error).
    @Test func insertManyFastStoresWhatInsertManyWould() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let awkward = "tab\there\nnew line \\ backslash \r ñandú ✓ \\N \"quote\""
            let plain = try (0..<1_200).map {
                try NewJob(
                    kind: "fast", args: Payload(n: $0, text: awkward), queue: "qf", priority: 4, maxAttempts: 7,
                    tags: ["a,b", "c\"d", "e\\f", "{g}"])
            }
            let unique = try NewJob(kind: "fast.unique", args: Payload(n: -1), uniqueness: .live(key: "only-one"))
            let later = try NewJob(kind: "fast.later", args: Payload(n: -2), scheduledAt: Date().addingTimeInterval(3_600))
            #expect(try await client.insertManyFast(plain + [unique, later]) == 1_202)
            #expect(try await client.insertManyFast([unique]) == 0, "the duplicate is skipped")
            let stored = try await client.list(kind: "fast", limit: 2_000)
            #expect(stored.count == 1_200)
            #expect(Set(try stored.map { try $0.decodeArgs(Payload.self).n }) == Set(0..<1_200))
            for job in stored.prefix(50) {
                #expect(try job.decodeArgs(Payload.self).text == awkward)
                #expect(job.queue == "qf" && job.priority == 4 && job.maxAttempts == 7 && job.state == .available && job.attempt == 0)
                #expect(job.tags == ["a,b", "c\"d", "e\\f", "{g}"])
            }
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'fast.unique'") == 1)
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'fast.later' AND state = 'scheduled'") == 1)
        }
    }

    /// The COPY path commits or rolls back with the caller's transaction, and its one
    /// notification per queue arrives only at commit.
    @Test func insertManyFastIsTransactionalAndNotifiesAtCommit() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            struct Boom: Error {}
            await #expect(throws: (any Error).self) {
                try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
                    try await client.insertManyFast([NewJob(kind: "fast.rolled.back")], on: tx)
                    throw Boom()
                }
            }
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'fast.rolled.back'") == 0)
            let payloads = try await db.client.withConnection { listener in
                try await listener.listen(on: JobClient.channel) { notifications in
                    var received: [String] = []
                    try await client.insertManyFast([
                        NewJob(kind: "fast.one", queue: "qa"), NewJob(kind: "fast.two", queue: "qb"),
                        NewJob(kind: "fast.three", queue: "qa"),
                    ])
                    for try await notification in notifications {
                        received.append(notification.payload)
                        if received.count == 2 { break }
                    }
                    return received.sorted()
                }
            }
            #expect(payloads == ["qa", "qb"])
        }
    }
}
