import ConocelesCore
import Foundation
import Storage

/// The numbers of the statistics page and of `/api/v1/publico/estadisticas`, all from the
/// current snapshot: capture progress by party (approved vs published), the aggregated
/// identity statistics (rows under `IdentityStatistics.minimumRowSize` profiles carry no
/// counts), and published profiles by education level and by age range.
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

    /// An identity row: a dimension's value, its profiles and the group counts (nil = reserved).
    struct Identity: Encodable, Equatable {
        let dimension: String
        let value: String
        let profiles: Int
        let counts: [String: Int]?

        enum CodingKeys: String, CodingKey { case dimension = "dimension", value = "valor", profiles = "perfiles", counts = "conteos" }
    }

    /// The key and label of profiles without the datum.
    static let unknown = (key: "sin_dato", label: "Sin dato")

    let version: Int64
    let progress: [Progress]
    let identity: [Identity]
    let education: [Count]
    let ages: [Count]

    enum CodingKeys: String, CodingKey {
        case version = "version", progress = "avance_por_partido", identity = "identidad", education = "escolaridad", ages = "edad"
    }

    /// The statistics of `processID`'s current snapshot.
    static func load(_ repository: PublicationRepository, processID: String) async throws -> PortalStatistics {
        let compliance = try await repository.compliance(processID: processID)
        let identity = try await repository.identityStatistics(processID: processID)
        let counts = try await repository.profileCounts(processID: processID)
        return PortalStatistics(version: counts.version, compliance: compliance, identity: identity, counts: counts)
    }

    init(version: Int64, compliance: [PublicComplianceRow], identity: [IdentityStatistics.Row], counts: PublishedProfileCounts) {
        self.version = version
        var order: [String] = []
        var byEntity: [String: (approved: Int, published: Int)] = [:]
        for row in compliance {
            if byEntity[row.entityName] == nil { order.append(row.entityName) }
            byEntity[row.entityName, default: (0, 0)].approved += row.approved
            byEntity[row.entityName, default: (0, 0)].published += row.published
        }
        progress = order.map { Progress(entity: $0, approved: byEntity[$0]!.approved, published: byEntity[$0]!.published) }
        self.identity = identity.map { Identity(dimension: $0.dimension, value: $0.value, profiles: $0.profiles, counts: $0.counts) }

        let levels = ValidationRules.default.educationLevels
        var education = levels.map { level in Count(key: level.key, label: level.name, profiles: counts.byEducation[level.key] ?? 0) }
        let unknownEducation = counts.byEducation.filter { key, _ in !levels.contains { $0.key == key } }.values.reduce(0, +)
        if unknownEducation > 0 { education.append(Count(key: Self.unknown.key, label: Self.unknown.label, profiles: unknownEducation)) }
        self.education = education

        var ages = PublicSearch.ageRanges.map { range in
            Count(key: range.key, label: range.label, profiles: counts.byAge.filter { age, _ in
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
