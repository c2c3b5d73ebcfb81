// The migrator and PostgreSQL error text live in `PostgresSupport` (shared with `JobQueue`,
// which owns the queue's migrations); code that imports Storage keeps seeing them.
@_exported import PostgresSupport
