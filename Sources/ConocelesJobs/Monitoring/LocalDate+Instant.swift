import ConocelesCore
import Foundation

extension LocalDate {
    /// The calendar day `instant` falls on in `timeZone` (an IANA name; UTC when unknown).
    init(_ instant: Date, timeZone: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
