/// The qualitative section of the final report, for the gender-equality office only (issue
/// 18): how the people who answered each follow-up question of the identity questionnaire
/// answered it, and the free texts written under "Otro/Otra", over every active candidacy
/// that answered (whether or not it consented to publication). Never published.
///
/// Counts follow the threshold rule of the public statistics (docs/STATISTICS.md): a count
/// of 1 to 4 is not shown ("menos de 5"); when a table would then hide exactly one count, the
/// next smallest is hidden too, so that the table's total does not give it away. The free
/// texts are listed without names, sorted, each with how many people wrote it.
public struct QualitativeIdentityReport: Sendable, Hashable {
    /// One follow-up question's breakdown.
    public struct Table: Sendable, Hashable {
        /// The section of the questionnaire ("Personas indígenas").
        public var section: String
        /// The question.
        public var question: String
        /// Who was asked ("Quienes respondieron «Sí» a …").
        public var base: String
        /// People who answered it.
        public var answered: Int
        /// One row per option, in the question's order; nil counts are reserved.
        public var rows: [Row]
        /// Whether a person may choose several options (the rows then add up to more than `answered`).
        public var multipleChoice: Bool
    }

    /// One option of a table.
    public struct Row: Sendable, Hashable {
        public var label: String
        /// The people who chose it; nil when reserved (1 to 4, or the complementary one).
        public var count: Int?
    }

    /// The free texts of one "Otro/Otra" option.
    public struct OtherTexts: Sendable, Hashable {
        public var section: String
        public var question: String
        /// Each distinct text (trimmed) with how many people wrote it, sorted by text.
        public var texts: [(text: String, people: Int)]

        public static func == (lhs: OtherTexts, rhs: OtherTexts) -> Bool {
            lhs.section == rhs.section && lhs.question == rhs.question
                && lhs.texts.map(\.text) == rhs.texts.map(\.text) && lhs.texts.map(\.people) == rhs.texts.map(\.people)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(section)
            hasher.combine(question)
            for entry in texts { hasher.combine(entry.text); hasher.combine(entry.people) }
        }
    }

    /// What a reserved count reads.
    public static let reservedText = "menos de 5"
    /// The smallest count shown.
    public static let threshold = 5

    /// People whose answers are counted.
    public var people: Int
    public var tables: [Table]
    public var otherTexts: [OtherTexts]

    /// The report over `answers`; catalog keys are named with `catalogs`.
    public init(answers: [IdentityQuestionnaire], catalogs: Catalogs) {
        people = answers.count
        var builder = Builder()
        let indigenous = "Personas indígenas", disability = "Personas con discapacidad"
        let diversity = "Diversidad sexual", migrant = "Personas migrantes", socioeconomic = "Situación socioeconómica"
        let yesIndigenous = answers.filter { $0.indigenous.identifiesAsIndigenous == .yes }
        builder.single(
            indigenous, "¿Habla alguna lengua indígena?", base: "Quienes se reconocen como indígenas",
            yesIndigenous.map(\.indigenous.speaksIndigenousLanguage), options: YesNoAnswer.allCases, label: \.label)
        builder.catalog(
            indigenous, "¿A qué pueblo o comunidad indígena pertenece?", base: "Quienes se reconocen como indígenas",
            yesIndigenous.map { $0.indigenous.people?.answer }, catalog: catalogs.indigenousPeoples)

        let yesDisability = answers.filter { $0.disability.hasDisability == .yes }
        let disabilityBase = "Quienes respondieron «Sí» a tener una discapacidad"
        builder.choice(disability, "¿Desde cuándo?", base: disabilityBase, yesDisability.map { $0.disability.duration?.answer })
        builder.multiple(disability, "Tipo de discapacidad", base: disabilityBase, yesDisability.map { $0.disability.types?.answer })
        builder.multiple(disability, "¿Qué se le dificulta?", base: disabilityBase, yesDisability.map { $0.disability.difficulties?.answer })

        let yesDiversity = answers.filter { $0.sexualDiversity.isLGBTTTIQ == .yes }
        builder.choice(
            diversity, "¿Con cuál se identifica?", base: "Quienes se reconocen como parte de la población LGBTTTIQ+",
            yesDiversity.map { $0.sexualDiversity.identity?.answer })

        let yesMigrant = answers.filter { $0.migrant.isMigrant == .yes }
        let migrantBase = "Quienes respondieron «Sí» a ser personas migrantes"
        builder.catalog(
            migrant, "País de residencia", base: migrantBase, yesMigrant.map { $0.migrant.countryOfResidence?.answer },
            catalog: catalogs.countries)
        builder.choice(migrant, "Tiempo de residencia en el extranjero", base: migrantBase, yesMigrant.map { $0.migrant.timeAbroad?.answer })
        builder.choice(migrant, "Motivo de la migración", base: migrantBase, yesMigrant.map { $0.migrant.reason?.answer })
        builder.single(
            migrant, "¿Tuvo una colocación regular?", base: migrantBase,
            yesMigrant.map { $0.migrant.hadRegularPlacement?.answer }, options: YesNoAnswer.allCases, label: \.label)

        builder.choice(
            socioeconomic, "Ingreso mensual", base: "Todas las personas que contestaron",
            answers.map(\.socioeconomic.incomeBracket))
        builder.choice(
            socioeconomic, "Fuente principal de ingreso", base: "Todas las personas que contestaron",
            answers.map(\.socioeconomic.incomeSource))
        tables = builder.tables
        otherTexts = builder.others
    }

    /// Hides counts of 1 to 4, then (when exactly one count is hidden and the rows add up
    /// to the total) the next smallest shown count, so that no hidden count is the total
    /// minus the others.
    public static func protect(_ counts: [Int], addsUp: Bool) -> [Int?] {
        var shown: [Int?] = counts.map { (1..<threshold).contains($0) ? nil : $0 }
        let hidden = shown.indices.filter { shown[$0] == nil }
        if addsUp, hidden.count == 1,
            let next = shown.indices.filter({ (shown[$0] ?? 0) > 0 }).min(by: { shown[$0]! < shown[$1]! })
        {
            shown[next] = nil
        }
        return shown
    }

    /// Accumulates tables and free texts in the order of the questionnaire.
    struct Builder {
        var tables: [Table] = []
        var others: [OtherTexts] = []

        mutating func add(_ section: String, _ question: String, base: String, answered: Int, rows: [(String, Int)], multipleChoice: Bool) {
            let counts = Self.protectRows(rows.map(\.1), multipleChoice: multipleChoice)
            tables.append(
                Table(
                    section: section, question: question, base: base, answered: answered,
                    rows: zip(rows, counts).map { Row(label: $0.0.0, count: $0.1) }, multipleChoice: multipleChoice))
        }

        static func protectRows(_ counts: [Int], multipleChoice: Bool) -> [Int?] {
            QualitativeIdentityReport.protect(counts, addsUp: !multipleChoice)
        }

        mutating func texts(_ section: String, _ question: String, _ texts: [String]) {
            var tally: [String: Int] = [:]
            for text in texts.map(\.trimmedOfWhiteSpace) where !text.isEmpty { tally[text, default: 0] += 1 }
            guard !tally.isEmpty else { return }
            others.append(
                OtherTexts(
                    section: section, question: question,
                    texts: tally.sorted { $0.key < $1.key }.map { (text: $0.key, people: $0.value) }))
        }

        mutating func single<T: Hashable>(
            _ section: String, _ question: String, base: String, _ values: [T?], options: [T],
            label: (T) -> String
        ) {
            let answered = values.compactMap { $0 }
            add(
                section, question, base: base, answered: answered.count,
                rows: options.map { option in (label(option), answered.filter { $0 == option }.count) }, multipleChoice: false)
        }

        mutating func choice<Option: ChoiceOption>(_ section: String, _ question: String, base: String, _ values: [Choice<Option>?]) {
            let answered = values.compactMap { $0 }
            add(
                section, question, base: base, answered: answered.count,
                rows: Option.allCases.map { option in (option.label, answered.filter { $0.option == option }.count) }, multipleChoice: false)
            texts(section, question, answered.filter { $0.option.asksForText }.compactMap(\.otherText))
        }

        mutating func multiple<Option: ChoiceOption>(_ section: String, _ question: String, base: String, _ values: [MultipleChoice<Option>?]) {
            let answered = values.compactMap { $0 }
            add(
                section, question, base: base, answered: answered.count,
                rows: Option.allCases.map { option in (option.label, answered.filter { $0.options.contains(option) }.count) },
                multipleChoice: true)
            texts(section, question, answered.filter { $0.options.contains(where: \.asksForText) }.compactMap(\.otherText))
        }

        mutating func catalog(_ section: String, _ question: String, base: String, _ values: [CatalogAnswer?], catalog: Catalog?) {
            let answered = values.compactMap { $0 }
            var byKey: [String: Int] = [:]
            var other: [String] = []
            var preferNot = 0
            for answer in answered {
                switch answer {
                case .entry(let key): byKey[key, default: 0] += 1
                case .other(let text): other.append(text)
                case .preferNotToAnswer: preferNot += 1
                }
            }
            // Only the entries someone chose (a catalog of 68 peoples or 250 countries would drown the table).
            let named = byKey.map { key, count in (catalog?.entry(forKey: key)?.name ?? key, count) }.sorted { $0.0 < $1.0 }
            add(
                section, question, base: base, answered: answered.count,
                rows: named + [("Otro", other.count), ("Prefiero no contestar", preferNot)], multipleChoice: false)
            texts(section, question, other)
        }
    }
}
