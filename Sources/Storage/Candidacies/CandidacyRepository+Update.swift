import ConocelesCore
import Foundation
import PostgresNIO

extension CandidacyRepository {
    /// The fields a `candidacy.updated` event may change: the registration system's
    /// corrections of the person (name, sex, age) and of its place (district, municipality,
    /// list position, affirmative action). The office, who postulates it and whether it is
    /// propietaria/o or suplente are the candidacy itself: changing them is a substitution or
    /// a cancellation and a new approval.
    public static let updatableFields = ["full_name", "gender", "age", "district", "municipality", "list_position", "affirmative_action"]

    /// Why `updated` can't apply to `current` (Spanish, for the rejected event), or nil.
    public static func updateRefusal(of current: Candidacy, to updated: Candidacy) -> String? {
        guard current.status == .approved else {
            return "La candidatura \(current.id) está \(current.status.label.lowercased()); ya no se actualiza."
        }
        var fixed: [String] = []
        if current.officeCode != updated.officeCode { fixed.append("el cargo") }
        if current.postulatingEntity != updated.postulatingEntity { fixed.append("quién la postula") }
        if current.formulaPosition != updated.formulaPosition { fixed.append("si es propietaria/o o suplente") }
        guard fixed.isEmpty else {
            return "Una actualización no puede cambiar \(fixed.joined(separator: ", ")) de la candidatura \(current.id): "
                + "eso es una sustitución, o una cancelación y una nueva aprobación."
        }
        return nil
    }

    /// The names of the fields (`updatableFields`) in which `updated` differs from `current`.
    public static func changedFields(from current: Candidacy, to updated: Candidacy) -> [String] {
        var changed: [String] = []
        if current.fullName != updated.fullName { changed.append("full_name") }
        if current.gender != updated.gender { changed.append("gender") }
        if current.age != updated.age { changed.append("age") }
        if current.district != updated.district { changed.append("district") }
        if current.municipality != updated.municipality { changed.append("municipality") }
        if current.listPosition != updated.listPosition { changed.append("list_position") }
        if current.affirmativeAction != updated.affirmativeAction { changed.append("affirmative_action") }
        return changed
    }

    /// Applies the registration system's correction `updated` to its candidacy on the
    /// caller's connection (which holds the candidacy's lock): the updatable fields, the
    /// candidate account's display name, and one `candidacy.update` audit line naming the
    /// changed fields (never their values: a birth date is personal data). Returns the
    /// changed fields; none, no write.
    /// - Precondition: `updateRefusal(of:to:)` is nil.
    public func applyUpdate(
        _ updated: Candidacy, to current: Candidacy, by actor: AuditActor, at now: Date = Date(),
        on connection: PostgresConnection
    ) async throws -> [String] {
        let changed = Self.changedFields(from: current, to: updated)
        guard !changed.isEmpty else { return [] }
        var years: Int?, birth: String?
        switch updated.age {
        case .years(let value): years = value
        case .birthDate(let date): birth = date.description
        }
        try await connection.query(
            """
            UPDATE candidacies
               SET full_name = \(updated.fullName), gender = \(updated.gender.rawValue), age_years = \(years),
                   birth_date = \(birth)::date, district = \(updated.district), municipality = \(updated.municipality),
                   list_position = \(updated.listPosition), affirmative_action = \(updated.affirmativeAction?.rawValue),
                   updated_at = \(now)
             WHERE id = \(current.id)
            """, logger: logger)
        if changed.contains("full_name") {
            try await connection.query(
                """
                UPDATE accounts SET display_name = \(updated.fullName), updated_at = \(now)
                 WHERE candidacy_id = \(current.id) AND role = 'persona_candidata'
                """, logger: logger)
        }
        try await audit.append(
            .candidacy(
                current.id, "candidacy.update", by: actor,
                changes: ["fields": changed.joined(separator: ",")], at: now), on: connection)
        return changed
    }
}
