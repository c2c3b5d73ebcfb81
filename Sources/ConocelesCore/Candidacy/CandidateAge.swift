/// A candidacy's age as the registration system sends it: either the age in years or
/// the birth date, from which the age on any day can be computed.
public enum CandidateAge: Sendable, Hashable, Codable {
    /// Age in completed years, as registered.
    case years(Int)
    /// Birth date; the age is computed on the day asked.
    case birthDate(LocalDate)

    /// Age in completed years on `day` (for `.years`, the registered value).
    public func years(on day: LocalDate) -> Int {
        switch self {
        case .years(let years):
            return years
        case .birthDate(let birth):
            let hadBirthday = (day.month, day.day) >= (birth.month, birth.day)
            return day.year - birth.year - (hadBirthday ? 0 : 1)
        }
    }
}
