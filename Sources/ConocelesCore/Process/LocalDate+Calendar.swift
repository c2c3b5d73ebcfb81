extension LocalDate {
    /// Builds a date from its parts; nil when they are not a calendar date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        let pad = { (n: Int, w: Int) in String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        self.init("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))")
    }

    /// The same day `months` months later (earlier when negative), clamped to the last day
    /// of a shorter month: 2024-05-31 minus 3 months is 2024-02-29.
    public func addingMonths(_ months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        let newDay = min(day, LocalDate.daysIn(month: newMonth, year: newYear))
        return LocalDate(year: newYear, month: newMonth, day: newDay)!
    }

    private static let spanishMonths = [
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ]

    /// The date as Spanish prose: "1 de marzo de 2024".
    public var spanishDescription: String {
        "\(day) de \(LocalDate.spanishMonths[month - 1]) de \(year)"
    }
}
