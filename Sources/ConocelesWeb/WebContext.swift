import ConocelesCore
import Storage

/// What every controller may use: the database, the process served, and site settings.
public struct WebContext: Sendable {
    public let database: Database
    public let process: ElectionProcess

    public init(database: Database, process: ElectionProcess) {
        self.database = database
        self.process = process
    }
}
