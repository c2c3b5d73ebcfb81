import ConocelesCore
import Foundation

/// A generated progress report as stored: its printable HTML and its CSV.
public struct StoredProgressReport: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var processID: String
    public var kind: ScheduledReport.Kind
    /// The date it was due.
    public var dueOn: LocalDate
    public var title: String
    public var generatedAt: Date
    /// Empty in listings (`ProgressReportRepository.list`).
    public var html: String
    /// Empty in listings (`ProgressReportRepository.list`).
    public var csv: String
}
