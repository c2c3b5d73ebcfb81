import Imaging
import Testing

@Suite("Calendar days and capture dates")
struct CalendarDayTests {
    @Test("Months are subtracted with the day clamped to the month's end")
    func addingMonths() {
        #expect(CalendarDay("2024-05-31")!.addingMonths(-3) == CalendarDay("2024-02-29"))
        #expect(CalendarDay("2023-05-31")!.addingMonths(-3) == CalendarDay("2023-02-28"))
        #expect(CalendarDay("2024-01-15")!.addingMonths(-3) == CalendarDay("2023-10-15"))
        #expect(CalendarDay("2024-04-15")!.addingMonths(0) == CalendarDay("2024-04-15"))
        #expect(CalendarDay("2024-11-30")!.addingMonths(3) == CalendarDay("2025-02-28"))
    }

    @Test("Parsing refuses invalid dates")
    func parsing() {
        #expect(CalendarDay("2024-02-30") == nil)
        #expect(CalendarDay("2024-2-3") == nil)
        #expect(CalendarDay("2024-02-29")?.description == "2024-02-29")
        #expect(CaptureDate(exif: "2024:02:29 23:59:60\0")?.description == "2024-02-29 23:59:60")
        #expect(CaptureDate(exif: "2024:02:29 23:59") == nil)
    }
}
