import HTTPTypes
import Storage

extension StorageError {
    /// The HTTP status of a storage refusal, the one mapping every route and
    /// `ErrorPageMiddleware` use: a record that is not there is a 404; a write that lost a
    /// race or met a newer revision is a 409 (the message says which); blocked sensitive data
    /// of a withdrawn candidacy a 423; stored data that cannot be read is the site's own
    /// failure, a 500.
    var status: HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .conflict, .stale: .conflict
        case .blocked: HTTPResponse.Status(code: 423, reasonPhrase: "Locked")
        case .invalidStoredData: .internalServerError
        }
    }
}
