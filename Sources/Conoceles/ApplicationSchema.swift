import JobQueue
import Storage

/// The schema of this program: the queue's migrations (`JobQueueSchema`) and the
/// application's (`StorageSchema`), one version space, applied by one migrator.
enum ApplicationSchema {
    /// The migrator over every migration of this build.
    /// - Throws: `Migrator.UnreadableMigrations` (a folder missing from the build),
    ///   `Migrator.DuplicateVersion` (two owners numbered a file alike).
    static func migrator() throws -> Migrator {
        try Migrator(sets: [JobQueueSchema.migrations(), StorageSchema.migrations()])
    }
}
