/// A report the process calls for on a date: a periodic progress report or the final one.
public struct ScheduledReport: Sendable, Hashable {
    /// Periodic (at least April and May), final (within four months after election day), or
    /// asked for by staff at any time (never scheduled).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case periodic = "periodico"
        case final = "final"
        case onDemand = "a_solicitud"

        /// Spanish label ("Informe periódico").
        public var label: String {
            switch self {
            case .periodic: "Informe periódico"
            case .final: "Informe final"
            case .onDemand: "Informe a solicitud"
            }
        }
    }

    public var kind: Kind
    /// The day it is due (generated on that day or the first run after it).
    public var date: LocalDate

    public init(kind: Kind, date: LocalDate) {
        self.kind = kind
        self.date = date
    }
}

extension ElectionProcess {
    /// The periodic report dates: `deadlines.progressReports`, or the last day of April and
    /// of May of the election year.
    public var progressReportDates: [LocalDate] {
        deadlines.progressReports ?? [
            LocalDate(year: electionDay.year, month: 4, day: 30)!, LocalDate(year: electionDay.year, month: 5, day: 31)!,
        ]
    }

    /// The final report's date: `deadlines.finalReport`, or three months after election day.
    public var finalReportDate: LocalDate {
        deadlines.finalReport ?? electionDay.addingMonths(3)
    }

    /// The last day of the campaigns: `deadlines.campaignEnd`, or four days before election day.
    public var campaignEndDate: LocalDate {
        deadlines.campaignEnd ?? electionDay.advanced(byDays: -4)
    }

    /// Every report of the process, by date.
    public var scheduledReports: [ScheduledReport] {
        (progressReportDates.map { ScheduledReport(kind: .periodic, date: $0) }
            + [ScheduledReport(kind: .final, date: finalReportDate)]).sorted { $0.date < $1.date }
    }

    /// The reminder that is due `today` for `deadline`, as days before it: the smallest of
    /// `deadlines.reminderDaysBefore` whose day has come (a run that missed the 7-day
    /// reminder on a later day still sends it, once), or nil when none is due or the
    /// deadline has passed.
    public func dueReminder(for deadline: LocalDate, today: LocalDate) -> Int? {
        let left = today.days(until: deadline)
        guard left >= 0 else { return nil }
        return deadlines.reminderDaysBefore.filter { $0 >= left }.min()
    }
}
