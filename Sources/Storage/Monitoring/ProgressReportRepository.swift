import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Progress reports for the Consejo General (`progress_reports`): one per process, kind and
/// due date.
public struct ProgressReportRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Whether the report of `kind` due on `dueOn` was already generated.
    public func exists(processID: String, kind: ScheduledReport.Kind, dueOn: LocalDate) async throws -> Bool {
        var found = false
        for try await _ in try await client.query(
            """
            SELECT 1 FROM progress_reports WHERE process_id = \(processID) AND kind = \(kind.rawValue) AND due_on = \(dueOn.description)::date
            """, logger: logger)
        { found = true }
        return found
    }

    /// Stores a report; returns its id, or nil when that report already existed (a second
    /// run of the same day keeps the first). A report asked for by staff (`.onDemand`)
    /// replaces that day's earlier one instead, with the numbers of the moment.
    public func store(
        processID: String, kind: ScheduledReport.Kind, dueOn: LocalDate, title: String, html: String, csv: String, at now: Date
    ) async throws -> Int64? {
        var id: Int64?
        // One statement for both: the update applies only to an on-demand report (the WHERE),
        // so a scheduled duplicate updates nothing and returns no id.
        let query: PostgresQuery = """
            INSERT INTO progress_reports (process_id, kind, due_on, title, html, csv, generated_at)
            VALUES (\(processID), \(kind.rawValue), \(dueOn.description)::date, \(title), \(html), \(csv), \(now))
            ON CONFLICT ON CONSTRAINT progress_reports_once
            DO UPDATE SET title = EXCLUDED.title, html = EXCLUDED.html, csv = EXCLUDED.csv, generated_at = EXCLUDED.generated_at
             WHERE progress_reports.kind = \(ScheduledReport.Kind.onDemand.rawValue)
            RETURNING id
            """
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) { id = value }
        return id
    }

    /// The reports of `processID`, newest due date first, without their bodies.
    public func list(processID: String) async throws -> [StoredProgressReport] {
        try await reports(
            """
            SELECT id, process_id, kind, due_on::text, title, generated_at, ''::text, ''::text FROM progress_reports
             WHERE process_id = \(processID) ORDER BY due_on DESC, id DESC
            """)
    }

    /// Report `id` of `processID` with its bodies, or nil.
    public func report(id: Int64, processID: String) async throws -> StoredProgressReport? {
        try await reports(
            """
            SELECT id, process_id, kind, due_on::text, title, generated_at, html, csv FROM progress_reports
             WHERE id = \(id) AND process_id = \(processID)
            """
        ).first
    }

    private func reports(_ query: PostgresQuery) async throws -> [StoredProgressReport] {
        var result: [StoredProgressReport] = []
        let rows = try await client.query(query, logger: logger)
        for try await (id, process, kind, dueOn, title, generatedAt, html, csv)
            in rows.decode((Int64, String, String, String, String, Date, String, String).self)
        {
            guard let kind = ScheduledReport.Kind(rawValue: kind), let dueOn = LocalDate(dueOn) else {
                throw StorageError(.invalidStoredData, "Informe \(id) con tipo o fecha inválidos.")
            }
            result.append(
                StoredProgressReport(
                    id: id, processID: process, kind: kind, dueOn: dueOn, title: title, generatedAt: generatedAt, html: html, csv: csv))
        }
        return result
    }
}
