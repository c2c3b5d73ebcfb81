import ConocelesCore
import Foundation

extension LocalDate {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Midnight UTC of this day.
    var startInUTC: Date {
        Self.utc.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// The day `days` natural days later (earlier when negative).
    func addingDays(_ days: Int) -> LocalDate {
        let date = Self.utc.date(byAdding: .day, value: days, to: startInUTC)!
        let parts = Self.utc.dateComponents([.year, .month, .day], from: date)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
