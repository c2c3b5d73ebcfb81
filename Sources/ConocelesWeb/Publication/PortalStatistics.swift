import ConocelesCore
import Foundation
import Storage

/// The numbers of the statistics page and of `/api/v1/publico/estadisticas`, all from the
/// current snapshot: capture progress by party (approved vs published), the identity
/// statistics release it shows (`IdentityRelease`: protected by `DisclosureControl`, changed
/// once per period; reserved counts are null), and published profiles by education level and
/// by age range.
struct PortalStatistics: Encodable {
    /// Approved, active candidacies of a party (or coalition, or independent candidacies) and
    /// how many of them have a published profile.
    struct Progress: Encodable, Equatable {
        let entity: String
        let approved: Int
        let published: Int

        enum CodingKeys: String, CodingKey { case entity = "postula", approved = "aprobadas", published = "publicadas" }
    }

    /// A label with its number of published profiles (an education level, an age range).
    struct Count: Encodable, Equatable {
        let key: String
        let label: String
        let profiles: Int

        enum CodingKeys: String, CodingKey { case key = "clave", label = "nombre", profiles = "perfiles" }
    }

    /// An identity row: a table's value, its profiles, the group counts (null = reserved) and
    /// the groups whose count is reserved.
    struct Identity: Encodable, Equatable {
        let dimension: String
        let value: String
        let profiles: Int
        let counts: [String: Int?]
        let reserved: [String]

        enum CodingKeys: String, CodingKey {
            case dimension = "dimension", value = "valor", profiles = "perfiles", counts = "conteos", reserved = "reservados"
        }

        init(_ row: ConocelesCore.IdentityRelease.Row) {
            dimension = row.dimension
            value = row.value
            profiles = row.profiles
            counts = Dictionary(uniqueKeysWithValues: IdentityGroup.allCases.map { ($0.rawValue, row.count($0)) })
            reserved = row.reserved.map(\.rawValue)
        }
    }

    /// When the identity tables were computed and when they change next (ISO 8601), and what a
    /// reserved count reads.
    struct IdentityPublication: Encodable, Equatable {
        let releasedAt: String?
        let nextChange: String?
        let reservedText: String

        enum CodingKeys: String, CodingKey { case releasedAt = "corte", nextChange = "proxima_actualizacion", reservedText = "texto_reservado" }
    }

    /// The key and label of profiles without the datum.
    static let unknown = (key: "sin_dato", label: "Sin dato")

    let version: Int64
    let progress: [Progress]
    /// When the identity release was computed and when the next one is due (page text).
    let releasedAt: Date?
    let nextChange: Date?
    let identity: [Identity]
    let identityRelease: IdentityPublication
    let education: [Count]
    let ages: [Count]

    enum CodingKeys: String, CodingKey {
        case version = "version", progress = "avance_por_partido", identity = "identidad", identityRelease = "identidad_publicacion",
            education = "escolaridad", ages = "edad"
    }

    /// The statistics of `context`'s current snapshot.
    /// The figures are read in several statements; when the snapshot switched meanwhile they
    /// are read again (at most `maximumReads` times), so one page never mixes two versions.
    static func load(_ repository: PublicationRepository, context: WebContext) async throws -> PortalStatistics {
        let processID = context.process.id
        var read = 0
        while true {
            read += 1
            let before = try await repository.current(processID: processID)?.version ?? 0
            let compliance = try await repository.compliance(processID: processID)
            let identity = try await repository.identityRelease(processID: processID)
            let counts = try await repository.profileCounts(processID: processID)
            let after = try await repository.current(processID: processID)?.version ?? 0
            guard (before == after && counts.version == after) || read >= maximumReads else { continue }
            let schedule = StatisticsSchedule(
                hours: context.statisticsRefreshHours,
                timeZone: TimeZone(identifier: context.process.timeZone) ?? .current)
            return PortalStatistics(
                version: counts.version, compliance: compliance, identity: identity?.release.rows ?? [],
                releasedAt: identity?.releasedAt, nextChange: identity.map { schedule.nextChange(after: $0.releasedAt) },
                counts: counts, educationLevels: context.process.rules.educationLevels)
        }
    }

    static let maximumReads = 5

    init(
        version: Int64, compliance: [PublicComplianceRow], identity: [ConocelesCore.IdentityRelease.Row], releasedAt: Date?,
        nextChange: Date?, counts: PublishedProfileCounts, educationLevels levels: [CatalogEntry]
    ) {
        self.version = version
        var order: [String] = []
        var byEntity: [String: (approved: Int, published: Int)] = [:]
        for row in compliance {
            if byEntity[row.entityName] == nil { order.append(row.entityName) }
            byEntity[row.entityName, default: (0, 0)].approved += row.approved
            byEntity[row.entityName, default: (0, 0)].published += row.published
        }
        progress = order.map { Progress(entity: $0, approved: byEntity[$0]!.approved, published: byEntity[$0]!.published) }
        self.identity = identity.map(Identity.init)
        identityRelease = IdentityPublication(
            releasedAt: releasedAt?.formatted(.iso8601), nextChange: nextChange?.formatted(.iso8601),
            reservedText: ConocelesCore.IdentityRelease.reservedText)
        self.releasedAt = releasedAt
        self.nextChange = nextChange

        var education = levels.map { level in Count(key: level.key, label: level.name, profiles: counts.byEducation[level.key] ?? 0) }
        let unknownEducation = counts.byEducation.filter { key, _ in !levels.contains { $0.key == key } }.values.reduce(0, +)
        if unknownEducation > 0 { education.append(Count(key: Self.unknown.key, label: Self.unknown.label, profiles: unknownEducation)) }
        self.education = education

        var ages = PublicSearch.ageRanges.map { range in
            Count(
                key: range.key, label: range.label,
                profiles: counts.byAge.filter { age, _ in
                    guard let age else { return false }
                    return age >= range.minimum && age <= (range.maximum ?? Int.max)
                }.values.reduce(0, +))
        }
        let placed = ages.map(\.profiles).reduce(0, +)
        let unknownAge = counts.byAge.values.reduce(0, +) - placed
        if unknownAge > 0 { ages.append(Count(key: Self.unknown.key, label: Self.unknown.label, profiles: unknownAge)) }
        self.ages = ages
    }
}
