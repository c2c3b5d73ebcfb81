import ConocelesCore
import Foundation
import Storage

/// What a progress report says, computed from the database on the day it is generated:
/// capture progress per entity and office, the identity statistics (the release the public
/// portal shows, protected by `DisclosureControl`: reports are circulated, so they show no
/// more than the public) and, after the campaigns, the candidacies never published. Renders itself as printable HTML and CSV.
struct ProgressReport {
    /// Progress of one entity in one office (active candidacies).
    struct Row: Hashable {
        var entity: PostulatingEntity
        var officeCode: String
        /// Active candidacies.
        var total = 0
        /// With something captured (not pending).
        var captured = 0
        /// Passed the completeness check (including published ones under modification).
        var complete = 0
        /// With a published version.
        var published = 0

        mutating func add(_ state: ProfileState, count: Int) {
            total += count
            if state != .pending { captured += count }
            if state.hasPassedCompletenessCheck || state.hasPublishedVersion { complete += count }
            if state.hasPublishedVersion { published += count }
        }
    }

    let process: ElectionProcess
    let place: CandidacyPlace
    let scheduled: ScheduledReport
    let generatedOn: LocalDate
    let rows: [Row]
    /// The identity statistics release the portal shows and when it was computed; nil before the first.
    let statistics: IdentityRelease?
    let statisticsReleasedAt: Date?
    /// Nil before the campaigns end.
    let neverPublished: [CandidacyRepository.CandidacyProfile]?

    /// Sums `counts` into one row per entity and office, ordered by entity and the process's offices.
    static func rows(_ counts: [CandidacyRepository.ProgressCount], process: ElectionProcess) -> [Row] {
        var rows: [String: Row] = [:]
        for count in counts {
            let key = "\(count.entity.kind.rawValue)|\(count.entity.code)|\(count.officeCode)"
            rows[key, default: Row(entity: count.entity, officeCode: count.officeCode)].add(count.state, count: count.count)
        }
        let officeOrder = Dictionary(uniqueKeysWithValues: process.offices.enumerated().map { ($1.code, $0) })
        return rows.values.sorted {
            ($0.entity.kind.rawValue, $0.entity.code, officeOrder[$0.officeCode] ?? .max, $0.officeCode)
                < ($1.entity.kind.rawValue, $1.entity.code, officeOrder[$1.officeCode] ?? .max, $1.officeCode)
        }
    }

    var title: String {
        "\(scheduled.kind.label) sobre la captura de información en Conóceles — \(scheduled.date.spanishDescription)"
    }

    func entityName(_ entity: PostulatingEntity) -> String {
        switch entity {
        case .independent(let code): "Candidatura independiente \(code)"
        default: entity.displayName(in: process) ?? entity.code
        }
    }

    func officeName(_ code: String) -> String { process.office(code: code)?.name ?? code }

    var totals: Row {
        rows.reduce(into: Row(entity: .party(code: ""), officeCode: "")) { sum, row in
            sum.total += row.total
            sum.captured += row.captured
            sum.complete += row.complete
            sum.published += row.published
        }
    }
}
