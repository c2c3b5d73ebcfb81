import Foundation
import PostgresSupport

/// The queue's own schema (`jobs`, `job_leaders`, `pipeline_runs` and their indexes): the
/// files of this target's `Migrations/` folder, applied by the application's migrator with the
/// application's own (`Migrator(sets:)`), the way River ships `rivermigrate` and Oban
/// `Oban.Migrations` with the engine.
///
/// One version space with the application's: the files written before the queue owned its
/// schema keep their numbers and text (0002, 0012, 0031, 0070), so a database migrated by an
/// older release records them already, with the same checksums, and nothing runs again.
/// New queue migrations take numbers in `newVersions`, which no application migration uses.
public enum JobQueueSchema {
    /// The numbers the queue's files had when they lived with the application's migrations.
    public static let historicVersions: Set<Int> = [2, 12, 31, 70]
    /// The numbers of the queue's new migrations.
    public static let newVersions: ClosedRange<Int> = 5000...5999

    /// The queue's migrations.
    /// - Throws: `Migrator.UnreadableMigrations` when the bundled folder cannot be read.
    public static func migrations() throws -> [Migrator.Migration] {
        try Migrator.migrations(in: Bundle.module.url(forResource: "Migrations", withExtension: nil))
    }
}
