/// An electoral process as one electoral body configures it in `config/processes/<id>.yaml`:
/// its offices, districts, parties and coalitions, deadlines and limits. Nothing here is
/// specific to Jalisco; another body adds its own file without touching code.
public struct ElectionProcess: Sendable, Hashable, Codable {
    /// Stable identifier, the file's name without extension (e.g. `jalisco-2024`).
    public var id: String
    /// Spanish name of the process ("Proceso Electoral Local Concurrente 2023-2024").
    public var name: String
    /// The electoral body that runs it (OPL).
    public var electoralBody: String
    /// INEGI key of the federal entity ("14" for Jalisco).
    public var entity: String
    /// IANA time zone in which deadlines in natural days are computed.
    public var timeZone: String
    /// Election day, `YYYY-MM-DD` in the process's time zone.
    public var electionDay: LocalDate
    /// First day profiles may be published (the photo's 3-month rule counts back from it).
    public var publicationDate: LocalDate
    /// File in `config/catalogs/` with the entity's municipalities.
    public var municipalitiesCatalog: String
    /// Number of single-member (mayoría relativa) districts (0 for a body with only
    /// municipal or list offices).
    public var districts: Int

    /// The district numbers of the process, 1 through `districts` (empty when it has none).
    public var districtNumbers: [Int] { districts > 0 ? Array(1...districts) : [] }

    /// Whether `number` is one of the process's districts (never true when it has none).
    public func hasDistrict(_ number: Int) -> Bool { number >= 1 && number <= districts }
    /// Offices contested in the process.
    public var offices: [Office]
    /// Political parties with registration in the process.
    public var parties: [PoliticalParty]
    /// Coalitions and common candidacies of several parties.
    public var coalitions: [Coalition]
    /// Deadlines in natural days and key dates.
    public var deadlines: Deadlines
    /// The limits the questionnaires are checked against (`rules:` in the process file; every
    /// absent key takes the plan's default). The photo's size limit is not the file's: it is
    /// `photo.max_bytes` of the configuration, the one setting every photo path reads.
    public var rules: ValidationRules

    enum CodingKeys: String, CodingKey {
        case id, name, entity, districts, offices, parties, coalitions, deadlines, rules
        case electoralBody = "electoral_body"
        case timeZone = "time_zone"
        case electionDay = "election_day"
        case publicationDate = "publication_date"
        case municipalitiesCatalog = "municipalities_catalog"
    }

    public init(
        id: String, name: String, electoralBody: String, entity: String, timeZone: String,
        electionDay: LocalDate, publicationDate: LocalDate, municipalitiesCatalog: String, districts: Int,
        offices: [Office], parties: [PoliticalParty], coalitions: [Coalition], deadlines: Deadlines,
        rules: ValidationRules = .default
    ) {
        self.id = id
        self.name = name
        self.electoralBody = electoralBody
        self.entity = entity
        self.timeZone = timeZone
        self.electionDay = electionDay
        self.publicationDate = publicationDate
        self.municipalitiesCatalog = municipalitiesCatalog
        self.districts = districts
        self.offices = offices
        self.parties = parties
        self.coalitions = coalitions
        self.deadlines = deadlines
        self.rules = rules
    }

    /// Decodes a process; `rules` is optional (the defaults).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            electoralBody: try c.decode(String.self, forKey: .electoralBody), entity: try c.decode(String.self, forKey: .entity),
            timeZone: try c.decode(String.self, forKey: .timeZone), electionDay: try c.decode(LocalDate.self, forKey: .electionDay),
            publicationDate: try c.decode(LocalDate.self, forKey: .publicationDate),
            municipalitiesCatalog: try c.decode(String.self, forKey: .municipalitiesCatalog),
            districts: try c.decode(Int.self, forKey: .districts), offices: try c.decode([Office].self, forKey: .offices),
            parties: try c.decode([PoliticalParty].self, forKey: .parties), coalitions: try c.decode([Coalition].self, forKey: .coalitions),
            deadlines: try c.decode(Deadlines.self, forKey: .deadlines),
            rules: try c.decodeIfPresent(ValidationRules.self, forKey: .rules) ?? .default)
    }

    /// The office with this code, or nil.
    public func office(code: String) -> Office? { offices.first { $0.code == code } }
    /// The party with this code, or nil.
    public func party(code: String) -> PoliticalParty? { parties.first { $0.code == code } }
    /// The coalition with this code, or nil.
    public func coalition(code: String) -> Coalition? { coalitions.first { $0.code == code } }
}

/// A contested office and the territory it is elected in.
public struct Office: Sendable, Hashable, Codable {
    /// How the office's candidacies are territorially attached.
    public enum Scope: String, Sendable, Hashable, Codable {
        /// Whole entity (Gubernatura).
        case state
        /// One single-member district (diputación de mayoría relativa).
        case district
        /// A party list with a list number (diputación de representación proporcional).
        case list
        /// One municipality (presidencia municipal, sindicatura, regidurías).
        case municipality
    }

    /// Stable code used in events and files (e.g. `DIP_MR`).
    public var code: String
    /// Spanish name ("Diputación local de mayoría relativa").
    public var name: String
    public var scope: Scope
    /// Seats contested in total for this office across the entity.
    public var seats: Int

    public init(code: String, name: String, scope: Scope, seats: Int) {
        self.code = code
        self.name = name
        self.scope = scope
        self.seats = seats
    }
}

/// A political party with registration in the process.
public struct PoliticalParty: Sendable, Hashable, Codable {
    /// Short code as used by the registration system (`PAN`, `MC`, `MORENA`).
    public var code: String
    /// Full Spanish name.
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// A coalition or common candidacy: several parties that postulate together.
public struct Coalition: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case coalition = "coalicion"
        case commonCandidacy = "candidatura_comun"
    }

    public var code: String
    public var name: String
    public var kind: Kind
    /// Codes of the member parties.
    public var parties: [String]

    public init(code: String, name: String, kind: Kind, parties: [String]) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parties = parties
    }
}

/// Deadlines of the process, in natural days, and its key dates.
public struct Deadlines: Sendable, Hashable, Codable {
    /// Natural days from a candidacy's approval to its accounts being sent (3 by default).
    public var accountsSentDays: Int
    /// Natural days for a substitute's data to be captured after receiving the accounts (5).
    public var substituteCaptureDays: Int
    /// Dates before which non-compliant parties are reminded.
    public var captureDeadlines: [LocalDate]
    /// Natural days before each capture deadline on which non-compliant parties are reminded
    /// (`reminder_days_before`, default `[7, 2]`); 0 is the deadline's own day.
    public var reminderDaysBefore: [Int]
    /// Dates of the periodic progress reports (`progress_reports`); nil means the default,
    /// the last day of April and of May of the election year.
    public var progressReports: [LocalDate]?
    /// Date of the final report (`final_report`); nil means three months after election day,
    /// within the four months the guidelines allow.
    public var finalReport: LocalDate?
    /// Last day of the campaigns (`campaign_end`); nil means four days before election day.
    /// Reports from the day after list the candidacies whose information was never published.
    public var campaignEnd: LocalDate?

    /// Default days before a deadline on which reminders go out.
    public static let defaultReminderDaysBefore = [7, 2]

    public init(
        accountsSentDays: Int, substituteCaptureDays: Int, captureDeadlines: [LocalDate],
        reminderDaysBefore: [Int] = Deadlines.defaultReminderDaysBefore, progressReports: [LocalDate]? = nil,
        finalReport: LocalDate? = nil, campaignEnd: LocalDate? = nil
    ) {
        self.accountsSentDays = accountsSentDays
        self.substituteCaptureDays = substituteCaptureDays
        self.captureDeadlines = captureDeadlines
        self.reminderDaysBefore = reminderDaysBefore
        self.progressReports = progressReports
        self.finalReport = finalReport
        self.campaignEnd = campaignEnd
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            accountsSentDays: try c.decode(Int.self, forKey: .accountsSentDays),
            substituteCaptureDays: try c.decode(Int.self, forKey: .substituteCaptureDays),
            captureDeadlines: try c.decode([LocalDate].self, forKey: .captureDeadlines),
            reminderDaysBefore: try c.decodeIfPresent([Int].self, forKey: .reminderDaysBefore) ?? Self.defaultReminderDaysBefore,
            progressReports: try c.decodeIfPresent([LocalDate].self, forKey: .progressReports),
            finalReport: try c.decodeIfPresent(LocalDate.self, forKey: .finalReport),
            campaignEnd: try c.decodeIfPresent(LocalDate.self, forKey: .campaignEnd))
    }

    enum CodingKeys: String, CodingKey {
        case accountsSentDays = "accounts_sent_days"
        case substituteCaptureDays = "substitute_capture_days"
        case captureDeadlines = "capture_deadlines"
        case reminderDaysBefore = "reminder_days_before"
        case progressReports = "progress_reports"
        case finalReport = "final_report"
        case campaignEnd = "campaign_end"
    }
}
