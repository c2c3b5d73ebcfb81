#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// When the identity statistics may change: once per period of `hours`
/// (`publication.statistics_refresh_hours`, 24 by default), periods counted from local
/// midnight of the process's time zone (24 h: each day; 6 h: at 0, 6, 12 and 18 h). A release
/// is due when none was made in the current period; between releases the published tables do
/// not move, whatever is published or withdrawn meanwhile.
public struct StatisticsSchedule: Sendable, Hashable {
    /// Hours per period (1 to 720).
    public var hours: Int
    public var timeZone: TimeZone

    /// A schedule of `hours`-long periods in `timeZone`.
    public init(hours: Int, timeZone: TimeZone) {
        self.hours = max(1, hours)
        self.timeZone = timeZone
    }

    /// The number of the period `date` falls in.
    public func period(of date: Date) -> Int64 {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        return Int64((local / Double(hours * 3_600)).rounded(.down))
    }

    /// Whether a release is due at `now` after the last one at `last` (always without one).
    public func isDue(now: Date, last: Date?) -> Bool {
        guard let last else { return true }
        return period(of: now) > period(of: last)
    }

    /// When the period after the one of `date` starts: the earliest the tables can change.
    public func nextChange(after date: Date) -> Date {
        let start = Double(period(of: date) + 1) * Double(hours * 3_600)
        let guess = Date(timeIntervalSince1970: start - Double(timeZone.secondsFromGMT(for: date)))
        return Date(timeIntervalSince1970: start - Double(timeZone.secondsFromGMT(for: guess)))
    }
}
