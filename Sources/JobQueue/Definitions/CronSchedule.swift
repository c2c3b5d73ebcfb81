import Foundation

/// A periodic job from `jobs/schedules.yaml`: a five-field cron expression (minute, hour,
/// day of month, month, day of week; `*`, lists, ranges and steps) evaluated in a time zone.
public struct CronSchedule: Sendable, Equatable {
    /// Stable name; the unique key of each tick is derived from it.
    public let name: String
    public let kind: String
    public let expression: String
    /// Arguments as JSON text.
    public let argsJSON: String
    public let timeZone: TimeZone
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let dayIsWildcard: Bool, weekdayIsWildcard: Bool

    /// A parse error with a Spanish reason.
    public struct ParseError: Error, Sendable, Equatable { public let reason: String }

    public init(name: String, kind: String, expression: String, argsJSON: String = "{}", timeZone: TimeZone) throws(ParseError) {
        let fields = expression.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else { throw ParseError(reason: "se esperan 5 campos (minuto hora día mes día-de-semana)") }
        self.name = name
        self.kind = kind
        self.expression = expression
        self.argsJSON = argsJSON
        self.timeZone = timeZone
        minutes = try Self.field(fields[0], 0...59, "minuto")
        hours = try Self.field(fields[1], 0...23, "hora")
        days = try Self.field(fields[2], 1...31, "día del mes")
        months = try Self.field(fields[3], 1...12, "mes")
        weekdays = Set(try Self.field(fields[4], 0...7, "día de la semana").map { $0 % 7 })
        dayIsWildcard = fields[2] == "*"
        weekdayIsWildcard = fields[4] == "*"
    }

    /// Whether the schedule fires in the minute that contains `date`.
    public func matches(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        guard let minute = c.minute, let hour = c.hour, let day = c.day, let month = c.month, let weekday = c.weekday else {
            return false
        }
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let dayOK = days.contains(day), weekdayOK = weekdays.contains(weekday - 1)
        // Classic cron: when both day fields are restricted, either may match.
        if dayIsWildcard || weekdayIsWildcard { return dayOK && weekdayOK }
        return dayOK || weekdayOK
    }

    static func field(_ text: String, _ range: ClosedRange<Int>, _ name: String) throws(ParseError) -> Set<Int> {
        var values: Set<Int> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw ParseError(reason: "\(name): «\(part)» no es válido") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else { throw ParseError(reason: "\(name): paso «\(pieces[1])» no es válido") }
                step = s
            }
            let base = pieces[0]
            var low = range.lowerBound, high = range.upperBound
            if base != "*" {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count), let a = Int(bounds[0]), let b = Int(bounds.last!) else {
                    throw ParseError(reason: "\(name): «\(part)» no es válido")
                }
                low = a
                high = bounds.count == 2 ? b : (pieces.count == 2 ? range.upperBound : a)
            }
            guard range.contains(low), range.contains(high), low <= high else {
                throw ParseError(reason: "\(name): «\(part)» fuera de \(range.lowerBound)-\(range.upperBound)")
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    /// Parses the `schedules:` list of `jobs/schedules.yaml`.
    static func parseList(_ value: Any?, file: String) throws(JobCatalog.DefinitionError) -> [CronSchedule] {
        guard let value else { return [] }
        guard let list = value as? [Any] else {
            throw .init(file: file, key: "schedules", reason: "debe ser una lista")
        }
        var result: [CronSchedule] = []
        for (index, item) in list.enumerated() {
            guard let map = item as? [String: Any], let name = map["name"] as? String, let kind = map["kind"] as? String,
                let cron = map["cron"] as? String
            else { throw .init(file: file, key: "schedules[\(index)]", reason: "requiere name, kind y cron") }
            let zoneName = map["time_zone"] as? String ?? "America/Mexico_City"
            guard let zone = TimeZone(identifier: zoneName) else {
                throw .init(file: file, key: "\(name).time_zone", reason: "zona horaria «\(zoneName)» desconocida")
            }
            var args = "{}"
            if let a = map["args"] {
                guard JSONSerialization.isValidJSONObject(a), let data = try? JSONSerialization.data(withJSONObject: a, options: .sortedKeys) else {
                    throw .init(file: file, key: "\(name).args", reason: "debe ser un mapa")
                }
                args = String(decoding: data, as: UTF8.self)
            }
            do {
                result.append(try CronSchedule(name: name, kind: kind, expression: cron, argsJSON: args, timeZone: zone))
            } catch {
                throw .init(file: file, key: "\(name).cron", reason: error.reason)
            }
            if result.dropLast().contains(where: { $0.name == name }) {
                throw .init(file: file, key: name, reason: "nombre repetido")
            }
        }
        return result
    }
}
