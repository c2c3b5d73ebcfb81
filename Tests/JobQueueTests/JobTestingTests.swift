import Foundation
import JobQueue
import Synchronization
import Testing
import QueueTestSupport

/// The Oban.Testing-style helpers themselves.
@Suite("JobTesting")
struct JobTestingTests {
    struct Greeter: JobWorker {
        struct Args: Codable, Sendable { var name: String }
        static let kind = "test.greet"
        let seen: @Sendable (String) -> Void
        func work(_ args: Args, context: JobContext) async throws { seen(args.name) }
    }

    @Test func findsEnqueuedJobsByArguments() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            try await client.insert(NewJob(kind: Greeter.kind, args: Greeter.Args(name: "Ana")))
            let found = try await JobTesting.assertEnqueued(db, kind: Greeter.kind, args: Greeter.Args.self) { $0.name == "Ana" }
            #expect(found.count == 1)
            try await JobTesting.assertNotEnqueued(db, kind: "test.other")
            #expect(try await JobTesting.enqueued(db, kind: Greeter.kind).count == 1)
        }
    }

    @Test func performRoundTripsTheArguments() async throws {
        let box = LockedNames()
        try await JobTesting.perform(Greeter(seen: { box.append($0) }), args: .init(name: "Ñandú ✓"))
        #expect(box.names == ["Ñandú ✓"])
    }
}

final class LockedNames: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ name: String) { storage.withLock { $0.append(name) } }
    var names: [String] { storage.withLock { $0 } }
}
