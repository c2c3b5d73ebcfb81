import Foundation

/// How one attempt ended, as the completer writes it. Each result names its attempt: a
/// result is written only while that attempt still owns the job (same attempt number, same
/// worker, still `running`), so a late result of an attempt that was rescued and fetched
/// again never ends the new one.
enum JobResult: Sendable {
    case completed(id: Int64, attempt: Int)
    /// Failed; `retryAt` nil means discard (last attempt, or `JobCancel`).
    case failed(id: Int64, attempt: Int, error: String, failedAt: Date, retryAt: Date?)
    /// Snoozed (`JobSnooze`, or a kind this process has no worker for): back to `scheduled`
    /// at `until`, the attempt not counted.
    case snoozed(id: Int64, attempt: Int, until: Date)
    /// Interrupted by this process's shutdown: available again at once, the attempt not
    /// counted (not the job's fault).
    case givenBack(id: Int64, attempt: Int)

    var id: Int64 {
        switch self {
        case .completed(let id, _), .failed(let id, _, _, _, _), .snoozed(let id, _, _), .givenBack(let id, _): return id
        }
    }
}
