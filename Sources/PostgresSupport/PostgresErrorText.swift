import PostgresNIO

/// Turns PostgresNIO errors into the server's message (and SQLSTATE), or the socket error.
public enum PostgresErrorText {
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let state = psql.serverInfo?[.sqlState].map { " [\($0)]" } ?? ""
                return message + state
            }
            if let underlying = psql.underlying {
                return String(describing: underlying)
            }
            return "\(psql.code)"
        }
        if let transaction = error as? PostgresTransactionError {
            if let closure = transaction.closureError { return describe(closure) }
            if let begin = transaction.beginError { return describe(begin) }
            if let commit = transaction.commitError { return describe(commit) }
        }
        return String(describing: error)
    }

    /// Whether `error` means the database could not be reached or went away (a restart, a
    /// lost connection): the request may succeed if sent again, so the web answers 503, not 500.
    public static func isUnavailable(_ error: any Error) -> Bool {
        if let psql = error as? PSQLError {
            if [PSQLError.Code.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed]
                .contains(psql.code)
            {
                return true
            }
            // 08: connection exception; 57P01–57P03: shutdown, crash shutdown, cannot connect now.
            if let state = psql.serverInfo?[.sqlState] { return state.hasPrefix("08") || state.hasPrefix("57P") }
            return false
        }
        if let transaction = error as? PostgresTransactionError {
            return [transaction.beginError, transaction.closureError, transaction.commitError].contains { $0.map(isUnavailable) ?? false }
        }
        return false
    }

    /// SQLSTATE of a server error, if the error came from the server.
    public static func sqlState(_ error: any Error) -> String? {
        if let psql = error as? PSQLError { return psql.serverInfo?[.sqlState] }
        if let transaction = error as? PostgresTransactionError, let closure = transaction.closureError {
            return sqlState(closure)
        }
        return nil
    }
}
