import Foundation

/// How one attempt ended, as the completer writes it.
enum JobResult: Sendable {
    case completed(id: Int64)
    /// Failed; `retryAt` nil means discard (last attempt, or `JobCancel`).
    case failed(id: Int64, error: String, failedAt: Date, retryAt: Date?)
    case snoozed(id: Int64, until: Date)

    var id: Int64 {
        switch self {
        case .completed(let id), .failed(let id, _, _, _), .snoozed(let id, _): return id
        }
    }
}
