import ConocelesCore
import Foundation

/// Dates and times as people in Mexico read them, in the process's time zone.
enum SpanishDates {
    /// "5 de marzo de 2024, 12:07".
    static func dateTime(_ date: Date, timeZone: String) -> String {
        let zone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "America/Mexico_City")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = LocalDate(year: c.year!, month: c.month!, day: c.day!)!
        return "\(day.spanishDescription), \(String(format: "%02d:%02d", c.hour!, c.minute!))"
    }

    /// Today's date in `timeZone`.
    static func today(timeZone: String, now: Date = Date()) -> LocalDate {
        let zone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "America/Mexico_City")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}
