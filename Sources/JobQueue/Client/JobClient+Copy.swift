import Foundation
import Logging
import PostgresNIO

extension JobClient {
    /// Inserts many jobs through `COPY … FROM STDIN` (as River's `InsertManyFast`), in one
    /// transaction, and returns how many were inserted. Faster than `insertMany` for large
    /// batches because PostgreSQL parses rows of text instead of building arrays of parameters,
    /// but it returns no ids.
    ///
    /// Only plain jobs take the COPY path: ready now, without a unique key (given or from the
    /// kind's policy) and outside a pipeline. The others in `jobs` go through `insertMany`
    /// in the same transaction, so a duplicate is still skipped and never an error.
    @discardableResult
    public func insertManyFast(_ jobs: [NewJob]) async throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        return try await client.withTransaction(logger: logger) { connection in
            try await insertManyFast(jobs, on: connection)
        }
    }

    /// `insertManyFast` on a connection the caller owns (typically in its open transaction:
    /// the jobs commit or roll back with the caller's data; workers are notified at commit).
    @discardableResult
    public func insertManyFast(_ jobs: [NewJob], on connection: PostgresConnection) async throws -> Int {
        var plain: [NewJob] = [], others: [NewJob] = []
        for job in jobs {
            let policy = catalog.policy(for: job.kind)
            let unique = job.uniqueness ?? policy.unique?.uniqueness(kind: job.kind, argsJSON: job.argsJSON)
            if unique == nil && job.scheduledAt == nil && job.pipelineRun == nil && job.pipelineStep == nil {
                plain.append(job)
            } else {
                others.append(job)
            }
        }
        var inserted = 0
        if !others.isEmpty {
            inserted += try await insertMany(others, on: connection).filter { !$0.skippedAsDuplicate }.count
        }
        guard !plain.isEmpty else { return inserted }
        var queues = Set<String>()
        try await connection.copyFrom(
            table: "jobs", columns: ["kind", "queue", "args", "priority", "max_attempts", "tags", "metadata"], logger: logger
        ) { writer in
            var buffer = ByteBufferAllocator().buffer(capacity: 256 * 1024)
            for job in plain {
                let policy = catalog.policy(for: job.kind)
                let queue = job.queue ?? policy.queue
                queues.insert(queue)
                Self.appendCopyField(job.kind, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
                Self.appendCopyField(queue, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
                Self.appendCopyField(job.argsJSON, to: &buffer)
                buffer.writeString("\t\(Int16(clamping: job.priority ?? policy.priority))\t\(Int16(clamping: job.maxAttempts ?? policy.maxAttempts))\t")
                Self.appendCopyField(Self.arrayLiteral(job.tags), to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
                Self.appendCopyField(job.metadataJSON, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\n"))
                if buffer.readableBytes >= 240 * 1024 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        // One notification per queue, delivered at commit (NOTIFY is transactional).
        try await connection.query(
            "SELECT count(pg_notify(\(Self.channel), q)) FROM unnest(\(queues.sorted())::text[]) AS q", logger: logger)
        return inserted + plain.count
    }

    /// Appends `text` as one field of COPY's text format: backslash, tab, newline and
    /// carriage return escaped (every other byte, UTF-8 included, is taken as it is).
    static func appendCopyField(_ text: String, to buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// A PostgreSQL array literal of `strings` (`{"a","b"}`), each element quoted with `"`
    /// and `\` escaped.
    static func arrayLiteral(_ strings: [String]) -> String {
        guard !strings.isEmpty else { return "{}" }
        return "{"
            + strings.map { element in
                "\"" + element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }.joined(separator: ",") + "}"
    }
}
