import Foundation

/// Dates as staff read them: day/month/year and time, in the process's time zone.
struct StaffFormat {
    let timeZone: TimeZone

    init(timeZoneIdentifier: String) {
        timeZone = TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(identifier: "America/Mexico_City") ?? TimeZone(secondsFromGMT: 0)!
    }

    /// `dd/mm/aaaa hh:mm`.
    func dateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d", c.day ?? 0, c.month ?? 0, c.year ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// `dateTime`, or "—" for nil.
    func dateTime(_ date: Date?) -> String {
        date.map { dateTime($0) } ?? "—"
    }
}

/// Links to the pages of a paged list.
struct PagerView {
    let previous: String?
    let next: String?
    let summary: String

    /// Page `page` (1-based) of `total` items, `size` per page; `link` builds a page's address.
    init(page: Int, size: Int, total: Int, link: (Int) -> String) {
        let pages = max(1, (total + size - 1) / size)
        previous = page > 1 ? link(page - 1) : nil
        next = page < pages ? link(page + 1) : nil
        summary = "Página \(page) de \(pages) (\(total) en total)"
    }
}

/// A query-string value, percent-encoded.
func queryValue(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}
