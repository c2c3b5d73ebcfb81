import ConocelesCore
import Crypto
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The publication snapshots: written whole by `publication.rebuild` and made current in
/// the same transaction by updating the process's one `publication_state` row; read by the
/// portal, the open data and the public API, always through that row, so a reader sees one
/// version and never a draft.
///
/// Readers look up the current version in the same statement as the data (one primary-key
/// row joined in), which costs less than keeping a cache coherent across processes; the
/// switch still NOTIFYs `channel` with the new version for servers that cache.
public struct PublicationRepository: Sendable {
    /// NOTIFY channel announcing a new current snapshot; the payload is its version.
    public static let channel = "conoceles_publication"

    let client: PostgresClient
    let logger: Logger

    /// A repository over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: Requests

    /// Counts one more rebuild request for `processID`, on the caller's connection (in the
    /// transaction of the change that needs it, with the job's insert).
    public func requestRebuild(processID: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO publication_state (process_id, rebuild_requests) VALUES (\(processID), 1)
            ON CONFLICT (process_id) DO UPDATE SET rebuild_requests = publication_state.rebuild_requests + 1
            """, logger: logger)
    }

    /// How many rebuilds have been requested for `processID` so far (0 when none).
    public func rebuildRequests(processID: String) async throws -> Int64 {
        for try await count in try await client.query(
            "SELECT rebuild_requests FROM publication_state WHERE process_id = \(processID)", logger: logger
        ).decode(Int64.self) {
            return count
        }
        return 0
    }

    // MARK: Writing a snapshot

    /// `last_version` of the rows the current snapshot sees: still open.
    static let openVersion = Int64.max

    /// Writes a snapshot of `profiles` (in display order) and makes it the current one of
    /// `processID` (NOTIFYing `channel`), in one transaction. It shows the newest identity
    /// statistics release (releases change on their own schedule: `saveStatisticsRelease`). Rows whose
    /// document and display key are unchanged are shared with the previous version; the
    /// others are closed and written anew (`SnapshotDiff`). Old versions are left for `prune`.
    /// Returns the new version and how many rows were written and closed.
    @discardableResult
    public func saveSnapshot(
        processID: String, profiles: [PublishedProfile], builtAt: Date
    ) async throws -> SavedSnapshot {
        try await saveSnapshot(processID: processID, encoded: try await profiles.concurrentMap(Self.encode), builtAt: builtAt)
    }

    /// A profile with its public document (the JSON the portal reads) and that document's
    /// SHA-256, made ready for `COPY` where it was encoded (in the build's parallel tasks,
    /// not on the one writing connection): the document escaped as a `COPY` field and the
    /// name's search key.
    public struct EncodedProfile: Sendable {
        public var profile: PublishedProfile
        public var hash: Data
        /// The document as a `COPY` text field (`CopyRows.escaped`).
        var copyField: [UInt8]
        var searchName: String

        /// The document, as stored (`copyField` unescaped).
        public var document: String {
            var bytes: [UInt8] = []
            var escaping = false
            for byte in copyField {
                if escaping {
                    switch byte {
                    case UInt8(ascii: "t"): bytes.append(UInt8(ascii: "\t"))
                    case UInt8(ascii: "n"): bytes.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "r"): bytes.append(UInt8(ascii: "\r"))
                    default: bytes.append(byte)
                    }
                    escaping = false
                } else if byte == UInt8(ascii: "\\") {
                    escaping = true
                } else {
                    bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `profile` encoded as `saveSnapshot` stores it (`StreamingJSONEncoder`: a full rebuild
    /// encodes every profile).
    @Sendable public static func encode(_ profile: PublishedProfile) throws -> EncodedProfile {
        let json = try StreamingJSONEncoder.encode(profile) ?? Array(JSONCoding.encode(profile))
        return EncodedProfile(
            profile: profile, hash: Data(SHA256.hash(data: json)), copyField: CopyRows.escaped(json),
            searchName: searchKey(profile.fullName))
    }

    /// `saveSnapshot` of profiles already encoded (`encode`).
    @discardableResult
    public func saveSnapshot(processID: String, encoded: [EncodedProfile], builtAt: Date) async throws -> SavedSnapshot {
        try await saveSnapshot(processID: processID, builtAt: builtAt) { sink in
            sink.yield(encoded)
            return encoded
        }
    }

    /// Where a snapshot's builder hands over profiles as soon as they are encoded (in any order
    /// and in parts), so that `saveSnapshot(processID:builtAt:producing:)` writes them while
    /// the rest are still being read and built. The writer takes everything handed over since
    /// its last write at once: when the build runs ahead, the writes get larger, not more.
    public final class SnapshotSink: Sendable {
        let pending = Mutex<[EncodedProfile]>([])
        let signal: AsyncStream<Void>.Continuation

        init(signal: AsyncStream<Void>.Continuation) { self.signal = signal }

        /// Hands over `profiles`.
        public func yield(_ profiles: [EncodedProfile]) {
            guard !profiles.isEmpty else { return }
            pending.withLock { $0.append(contentsOf: profiles) }
            signal.yield()
        }

        /// Everything handed over and not taken yet.
        func take() -> [EncodedProfile] {
            pending.withLock { pending in
                defer { pending.removeAll() }
                return pending
            }
        }
    }

    /// Writes a snapshot while `produce` builds it, and makes it the current one of `processID`
    /// (NOTIFYing `channel`), in one transaction. `produce` hands each encoded profile to the
    /// sink as soon as it has it and returns them all in display order. It shows the newest
    /// identity statistics release (releases change on their own schedule:
    /// `saveStatisticsRelease`). Returns the new version and how many rows were written and closed.
    ///
    /// Rows whose document and display key are unchanged are shared with the previous version;
    /// the others are closed and written anew (`SnapshotDiff`). A profile whose document is new
    /// or changed is written as soon as it arrives, under its previous display key (a new one
    /// under a placeholder): the keys depend on the whole display order, so they are settled at
    /// the end, where the rows whose key had to change are given it, the rows that only moved
    /// are written, and those no longer listed are closed. So a rebuild that changes every
    /// document writes while it reads, instead of after. Old versions are left for `prune`.
    ///
    /// The write holds a connection while `produce` reads on another: a full build needs two.
    @discardableResult
    public func saveSnapshot(
        processID: String, builtAt: Date, producing produce: @escaping @Sendable (SnapshotSink) async throws -> [EncodedProfile]
    ) async throws -> SavedSnapshot {
        try await client.transaction(logger: logger) { connection in
            try await lockWriters(processID: processID, on: connection)
            // Statements over 30,000 rows are costed high enough for JIT, whose compiling costs
            // more than it saves on these simple scans and updates. An insert's `unnest` is
            // materialized first: a part's documents (about 6 MB) must not spill to disk.
            try await connection.query("SET LOCAL jit = off", logger: logger)
            try await connection.query("SET LOCAL work_mem = '64MB'", logger: logger)
            var current: [String: SnapshotDiff.Row] = [:]
            for try await (id, sortKey, hash) in try await connection.query(
                """
                SELECT candidacy_id, sort_key, document_sha256 FROM published_profiles
                 WHERE process_id = \(processID) AND last_version = \(Self.openVersion)
                """, logger: logger
            ).decode((String, Double, Data?).self) {
                current[id] = SnapshotDiff.Row(sortKey: sortKey, documentHash: hash)
            }
            var version: Int64 = 0
            for try await value in try await connection.query(
                """
                INSERT INTO publication_snapshots (process_id, built_at, listed_count, published_count, statistics_release_id)
                VALUES (\(processID), \(builtAt), 0, 0,
                        (SELECT max(id) FROM identity_statistics_releases WHERE process_id = \(processID)))
                RETURNING version
                """, logger: logger
            ).decode(Int64.self) { version = value }

            let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let sink = SnapshotSink(signal: signal)
            async let produced: [EncodedProfile] = {
                defer { signal.finish() }
                return try await produce(sink)
            }()
            // Written early: candidacy → the display key it was written under.
            var early: [String: Double] = [:]
            var closed = 0
            for await _ in signals {
                let part = sink.take()
                let changed = part.filter { current[$0.profile.id]?.documentHash != $0.hash && early[$0.profile.id] == nil }
                guard !changed.isEmpty else { continue }
                let replaced = changed.map(\.profile.id).filter { current[$0] != nil }
                if !replaced.isEmpty {
                    try await closeRows(processID: processID, candidacyIDs: replaced, before: version, on: connection)
                    closed += replaced.count
                }
                let keys = changed.map { current[$0.profile.id]?.sortKey ?? 0 }
                try await insert(changed, processID: processID, version: version, sortKeys: keys, on: connection)
                for (profile, key) in zip(changed, keys) { early[profile.profile.id] = key }
            }
            let encoded = try await produced

            let diff = SnapshotDiff(current: current, ids: encoded.map(\.profile.id), hashes: encoded.map(\.hash))
            let lateClose = diff.close.filter { early[$0] == nil }
            // By candidacy, never "every open row": the rows written early are open too.
            var closing = 0
            while closing < lateClose.count {
                let chunk = Array(lateClose[closing..<min(closing + 5_000, lateClose.count)])
                try await closeRows(processID: processID, candidacyIDs: chunk, before: version, on: connection)
                closing += chunk.count
            }
            var rekeyed: [(id: String, key: Double)] = []
            var late: [Int] = []
            for index in diff.write {
                let id = encoded[index].profile.id
                if let key = early[id] {
                    if key != diff.sortKeys[index] { rekeyed.append((id, diff.sortKeys[index])) }
                } else {
                    late.append(index)
                }
            }
            try await setSortKeys(rekeyed, processID: processID, version: version, on: connection)
            var start = 0
            while start < late.count {
                let chunk = late[start..<min(start + 2_000, late.count)]
                try await insert(
                    chunk.map { encoded[$0] }, processID: processID, version: version, sortKeys: chunk.map { diff.sortKeys[$0] },
                    on: connection)
                start += chunk.count
            }
            try await connection.query(
                """
                UPDATE publication_snapshots SET listed_count = \(encoded.count), published_count = \(encoded.filter(\.profile.hasProfile).count)
                 WHERE version = \(version)
                """, logger: logger)
            try await switchTo(version, processID: processID, builtAt: builtAt, on: connection)
            return SavedSnapshot(
                version: version, rowsWritten: diff.write.count, rowsClosed: closed + lateClose.count, listed: encoded.count,
                published: encoded.filter(\.profile.hasProfile).count)
        }
    }

    /// Gives the rows of `version` written for `keys`' candidacies their settled display key, in
    /// one statement joined by hash. The version's rows were written in this transaction, so the
    /// planner's statistics know none of them: left to itself it chose a nested loop that walked
    /// every row of the version for each key (at 100,000 new candidacies, minutes per part).
    func setSortKeys(_ keys: [(id: String, key: Double)], processID: String, version: Int64, on connection: PostgresConnection) async throws {
        guard !keys.isEmpty else { return }
        try await connection.query("SET LOCAL enable_nestloop = off", logger: logger)
        try await connection.query("SET LOCAL enable_mergejoin = off", logger: logger)
        try await connection.query(Self.sortKeysUpdate(keys, processID: processID, version: version), logger: logger)
        try await connection.query("SET LOCAL enable_nestloop = on", logger: logger)
        try await connection.query("SET LOCAL enable_mergejoin = on", logger: logger)
    }

    static func sortKeysUpdate(_ keys: [(id: String, key: Double)], processID: String, version: Int64) -> PostgresQuery {
        """
        UPDATE published_profiles p SET sort_key = k.key
          FROM unnest(\(keys.map(\.id))::text[], \(keys.map(\.key))::float8[]) AS k(id, key)
         WHERE p.process_id = \(processID) AND p.first_version = \(version) AND p.candidacy_id = k.id
        """
    }

    /// What `saveSnapshot` wrote.
    public struct SavedSnapshot: Sendable, Equatable {
        /// The new current version.
        public var version: Int64
        /// Rows written for it (new or changed candidacies) and rows of the previous version closed.
        public var rowsWritten: Int
        public var rowsClosed: Int
        /// Candidacies listed in it, and those with a published profile.
        public var listed = 0
        public var published = 0
    }

    /// Serializes the writers of `processID`'s snapshots (a full rebuild and one-profile
    /// refreshes) until the transaction ends. An advisory lock rather than the
    /// `publication_state` row: that row is also bumped by every rebuild request, which must
    /// not wait for a build.
    func lockWriters(processID: String, on connection: PostgresConnection) async throws {
        let key = "conoceles_publication:\(processID)"
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(key)))", logger: logger)
    }

    /// Ends the rows the current snapshot sees (only those of `candidacyIDs` when given) at
    /// the version before `version`, so the versions still kept keep seeing them.
    func closeRows(processID: String, candidacyIDs: [String]?, before version: Int64, on connection: PostgresConnection) async throws {
        // One statement for both tables: a rebuild closes in many parts, each a round trip.
        try await connection.query(
            """
            WITH profiles AS (
                 UPDATE published_profiles SET last_version = \(version - 1)
                  WHERE process_id = \(processID) AND last_version = \(Self.openVersion)
                    AND (\(candidacyIDs == nil) OR candidacy_id = ANY(\(candidacyIDs ?? [])::text[])))
            UPDATE published_documents SET last_version = \(version - 1)
             WHERE process_id = \(processID) AND last_version = \(Self.openVersion)
               AND (\(candidacyIDs == nil) OR candidacy_id = ANY(\(candidacyIDs ?? [])::text[]))
            """, logger: logger)
    }

    /// Makes `version` current and NOTIFYs `channel`.
    func switchTo(_ version: Int64, processID: String, builtAt: Date, on connection: PostgresConnection) async throws {
        // The switch: one row, updated last, so the lock other transactions may wait on
        // (a rebuild request) is held only until this commit.
        try await connection.query(
            """
            INSERT INTO publication_state (process_id, current_version, switched_at) VALUES (\(processID), \(version), \(builtAt))
            ON CONFLICT (process_id) DO UPDATE SET current_version = EXCLUDED.current_version, switched_at = EXCLUDED.switched_at
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.channel), \(String(version)))", logger: logger)
    }

    /// Refreshes the planner's statistics of the snapshot tables, after a rebuild that wrote
    /// many rows: until autovacuum comes by, the one-profile refreshes that follow a first
    /// rebuild of 30,000 rows were planned on an empty table (26 ms each instead of 8).
    public func analyze() async throws {
        try await client.query("ANALYZE published_profiles, published_documents", logger: logger)
    }

    /// Deletes all but the newest `keep` snapshots of `processID` and the rows only they saw,
    /// in its own transaction: after a switch, so that making a version current never waits
    /// for a large delete (a full rebuild that changed every row leaves a whole version to
    /// delete two switches later). Returns the rows deleted.
    @discardableResult
    public func prune(processID: String, keep: Int = 3) async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            try await lockWriters(processID: processID, on: connection)
            try await connection.query("SET LOCAL jit = off", logger: logger)
            var oldestKept: Int64?
            for try await value in try await connection.query(
                """
                SELECT min(version) FROM (SELECT version FROM publication_snapshots WHERE process_id = \(processID)
                                           ORDER BY version DESC LIMIT \(max(1, keep))) kept
                """, logger: logger
            ).decode(Int64?.self) { oldestKept = value }
            guard let oldestKept else { return 0 }
            try await connection.query(
                "DELETE FROM publication_snapshots WHERE process_id = \(processID) AND version < \(oldestKept)", logger: logger)
            var deleted = 0
            for table in ["published_profiles", "published_documents"] {
                for try await count in try await connection.query(
                    """
                    WITH gone AS (DELETE FROM \(unescaped: table) WHERE process_id = \(processID) AND last_version < \(oldestKept)
                                  RETURNING 1)
                    SELECT count(*) FROM gone
                    """, logger: logger
                ).decode(Int.self) where table == "published_profiles" { deleted = count }
            }
            return deleted
        }
    }

    /// Inserts the `encoded` profiles as rows seen from `version` on, with their display `sortKeys`,
    /// with `COPY`: a full rebuild writes 30,000 documents of about 6 KB, which as `INSERT …
    /// unnest` parameters cost the one writing backend twice as much (parsing the arrays,
    /// materializing them, inserting row by row).
    func insert(_ encoded: [EncodedProfile], processID: String, version: Int64, sortKeys: [Double], on connection: PostgresConnection) async throws {
        guard !encoded.isEmpty else { return }
        var profiles = CopyRows(capacity: encoded.count * 256)
        var documents = CopyRows(capacity: encoded.reduce(0) { $0 + $1.copyField.count + 64 })
        for (item, sortKey) in zip(encoded, sortKeys) {
            let profile = item.profile
            profiles.row([
                processID, String(version), String(Self.openVersion), profile.id, profile.hasProfile ? "t" : "f",
                item.searchName, profile.officeCode, profile.entityKind.rawValue, profile.entityCode,
                profile.district.flatMap { $0 == 0 ? nil : String($0) }, profile.municipality.flatMap { $0.isEmpty ? nil : $0 },
                profile.gender?.rawValue, profile.ageYears.flatMap { $0 == 0 ? nil : String($0) },
                profile.educationKey.flatMap { $0.isEmpty ? nil : $0 }, profile.affirmativeAction?.rawValue, sortKey.description,
                "\\x" + Hex.encode(item.hash), profile.entityName, profile.officeName, profile.photo != nil ? "t" : "f",
            ])
            documents.row([processID, String(version), String(Self.openVersion), profile.id], escapedLast: item.copyField)
        }
        try await connection.copyFrom(
            table: "published_profiles",
            columns: [
                "process_id", "first_version", "last_version", "candidacy_id", "has_profile", "search_name", "office_code", "entity_kind",
                "entity_code", "district", "municipality", "gender", "age_years", "education", "affirmative_action", "sort_key",
                "document_sha256", "entity_name", "office_name", "has_photo",
            ], logger: logger
        ) { writer in try await writer.write(profiles.buffer) }
        try await connection.copyFrom(
            table: "published_documents", columns: ["process_id", "first_version", "last_version", "candidacy_id", "document"],
            logger: logger
        ) { writer in try await writer.write(documents.buffer) }
    }

    /// `text` as the search compares it: lower case, without accents or diaeresis, spaces collapsed.
    public static func searchKey(_ text: String) -> String {
        let lowered = text.lowercased()
        // Below U+0300 every character is one scalar (combining marks start there), so the
        // letters can be folded scalar by scalar; anything else takes the character path.
        // Both give the same key.
        guard lowered.unicodeScalars.allSatisfy({ $0.value < 0x300 }) else { return searchKeyByCharacter(lowered) }
        var folded = String.UnicodeScalarView()
        for scalar in lowered.unicodeScalars {
            switch scalar {
            case "á", "à", "ä", "â": folded.append("a")
            case "é", "è", "ë", "ê": folded.append("e")
            case "í", "ì", "ï", "î": folded.append("i")
            case "ó", "ò", "ö", "ô": folded.append("o")
            case "ú", "ù", "ü", "û": folded.append("u")
            case "ñ": folded.append("n")
            default: folded.append(scalar)
            }
        }
        return String(folded).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `searchKey` of lower-case `text`, character by character (a letter with a combining
    /// accent is the same character as the precomposed one).
    static func searchKeyByCharacter(_ text: String) -> String {
        let folded = text.map { character -> String in
            switch character {
            case "á", "à", "ä", "â": "a"
            case "é", "è", "ë", "ê": "e"
            case "í", "ì", "ï", "î": "i"
            case "ó", "ò", "ö", "ô": "o"
            case "ú", "ù", "ü", "û": "u"
            case "ñ": "n"
            default: String(character)
            }
        }.joined()
        return folded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Rows in `COPY`'s text format: fields separated by tabs, rows by newlines, `\N` for null,
/// and a field's backslashes, tabs, newlines and carriage returns escaped.
struct CopyRows {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }

    /// Appends one row of `fields` (nil: NULL), then `escapedLast` as its last field when given
    /// (already escaped: `escaped`).
    mutating func row(_ fields: [String?], escapedLast: [UInt8]? = nil) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            if let field { append(field) } else { buffer.writeStaticString("\\N") }
        }
        if let escapedLast {
            buffer.writeInteger(UInt8(ascii: "\t"))
            buffer.writeBytes(escapedLast)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// `bytes` as a `COPY` text field.
    static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var rows = CopyRows(capacity: bytes.count + bytes.count / 16)
        bytes.withUnsafeBufferPointer { rows.append($0) }
        return Array(rows.buffer.readableBytesView)
    }

    private mutating func append(_ field: String) {
        var field = field
        field.withUTF8 { append($0) }
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var index = 0
        while index < bytes.count {
            // Eight bytes at a time past those that need no escape (most of a document).
            if index + 8 <= bytes.count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                if !SWAR.hasByte(word, equalTo: 0x5C) && !SWAR.hasByte(word, below: 0x0E) {
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            index += 1
            let escaped: UInt8
            switch byte {
            case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            default: continue
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index - 1]))
            buffer.writeInteger(UInt8(ascii: "\\"))
            buffer.writeInteger(escaped)
            start = index
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
    }
}
