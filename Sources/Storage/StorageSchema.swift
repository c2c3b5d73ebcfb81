import Foundation

/// The application's schema: the numbered files of this target's `Migrations/` folder. The
/// queue's tables are not here: they ship with `JobQueue` (`JobQueueSchema`), in the same
/// version space (`Migrator(sets:)`); `docs/ARCHITECTURE.md` lists which numbers are whose.
public enum StorageSchema {
    /// The application's migrations.
    /// - Throws: `Migrator.UnreadableMigrations` when the bundled folder cannot be read.
    public static func migrations() throws -> [Migrator.Migration] {
        try Migrator.migrations(in: Bundle.module.url(forResource: "Migrations", withExtension: nil))
    }
}
