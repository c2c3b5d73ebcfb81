import ConocelesCore
import Imaging

extension CalendarDay {
    /// The same calendar day as a process date.
    public init(_ date: LocalDate) {
        // A LocalDate is always a valid calendar day, so the fallback never happens.
        self = CalendarDay(year: date.year, month: date.month, day: date.day) ?? CalendarDay(year: 1, month: 1, day: 1)!
    }
}

extension LocalDate {
    /// The same calendar day as an image's capture day (nil only for years LocalDate refuses).
    init?(_ day: CalendarDay) {
        self.init(year: day.year, month: day.month, day: day.day)
    }
}
