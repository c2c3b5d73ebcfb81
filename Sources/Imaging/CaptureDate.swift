/// When a photo was taken, as its EXIF `DateTimeOriginal` says: camera-local time, no zone.
public struct CaptureDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The calendar day of the capture.
    public let day: CalendarDay
    /// Hour (0...23).
    public let hour: Int
    /// Minute (0...59).
    public let minute: Int
    /// Second (0...60, leap second allowed as EXIF allows it).
    public let second: Int

    /// A capture date from its parts, or nil when any is out of range.
    public init?(day: CalendarDay, hour: Int, minute: Int, second: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else {
            return nil
        }
        (self.day, self.hour, self.minute, self.second) = (day, hour, minute, second)
    }

    /// Parses EXIF's `YYYY:MM:DD HH:MM:SS` (19 characters; a trailing NUL or spaces are ignored).
    /// Returns nil for blank or malformed values, which cameras write when the clock is unset.
    public init?(exif text: String) {
        let trimmed = text.trimmingSuffix { $0 == "\0" || $0 == " " }
        let characters = Array(trimmed.utf8)
        guard characters.count == 19,
            characters[4] == UInt8(ascii: ":"), characters[7] == UInt8(ascii: ":"),
            characters[10] == UInt8(ascii: " ") || characters[10] == UInt8(ascii: "T"),
            characters[13] == UInt8(ascii: ":"), characters[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(characters[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let dayOfMonth = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let day = CalendarDay(year: year, month: month, day: dayOfMonth)
        else { return nil }
        self.init(day: day, hour: hour, minute: minute, second: second)
    }

    /// `YYYY-MM-DD HH:MM:SS`.
    public var description: String {
        "\(day) \(CalendarDay.pad(hour, 2)):\(CalendarDay.pad(minute, 2)):\(CalendarDay.pad(second, 2))"
    }

    /// Earlier captures first.
    public static func < (lhs: CaptureDate, rhs: CaptureDate) -> Bool {
        (lhs.day, lhs.hour, lhs.minute, lhs.second) < (rhs.day, rhs.hour, rhs.minute, rhs.second)
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex {
            let previous = index(before: end)
            guard predicate(self[previous]) else { break }
            end = previous
        }
        return self[startIndex..<end]
    }
}
