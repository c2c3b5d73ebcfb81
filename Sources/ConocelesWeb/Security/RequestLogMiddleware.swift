import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Storage
import Synchronization

/// Logs one line per request at `level` (info in the site) once it is answered: method,
/// address, status, duration and a request id, with the value of every query parameter that
/// may carry a secret replaced by `***`: activation and reset links (`/activar?token=`,
/// `/restablecer?token=`), the CSRF token of uploads (`?csrf=`), and any key that names a
/// password, secret, key, signature or session. Replaces Hummingbird's
/// `LogRequestsMiddleware`, which writes the whole URI.
///
/// The request id is the incoming `X-Request-Id` when it is sane (1 to 64 letters, digits,
/// `.`, `_`, `-`: a proxy's id follows the request through), else a new random one; it goes
/// into every log line of the request (`request_id`) and back in the answer's `X-Request-Id`.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    let level: Logger.Level

    init(_ level: Logger.Level) {
        self.level = level
    }

    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = Self.requestID(request.headers[Self.header])
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[Self.header] = id
            log(request, context: context, status: response.status.code, since: start)
            return response
        } catch {
            log(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        guard context.logger.logLevel <= level else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(
            level: level, "request",
            metadata: [
                "hb.request.path": .string(Self.redacted(request.uri.description)),
                "hb.request.method": .string(request.method.rawValue),
                "status": .stringConvertible(status),
                "duration_ms": .string(String(format: "%.1f", milliseconds)),
            ])
    }

    /// `incoming` when it is a sane id, else a new one (16 random bytes, hex).
    static func requestID(_ incoming: String?) -> String {
        if let incoming, (1...64).contains(incoming.utf8.count),
            incoming.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })
        {
            return incoming
        }
        let number = idCounter.add(1, ordering: .relaxed).newValue
        return idPrefix + Hex.encode(withUnsafeBytes(of: number.bigEndian) { Array($0) })
    }

    /// Generated ids: 8 random bytes per process (servers behind one balancer differ), then a
    /// counter from a random start: unique, and no system call or formatting per request.
    static let idPrefix = Hex.encode((0..<8).map { _ in UInt8.random(in: 0...255) })
    static let idCounter = Atomic<UInt64>(UInt64.random(in: 0...UInt64.max / 2))

    /// Fragments of query keys whose values are secrets (compared case-insensitively).
    static let secretKeyFragments = [
        "token", "csrf", "password", "contrasena", "contraseña", "clave", "secret", "key", "llave",
        "signature", "firma", "session", "sesion", "code", "codigo", "auth",
    ]

    /// `uri` with the value of every secret-looking query parameter replaced by `***`.
    static func redacted(_ uri: String) -> String {
        guard let question = uri.firstIndex(of: "?") else { return uri }
        let path = uri[..<question]
        let query = uri[uri.index(after: question)...]
        let items = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawKey = String(parts[0])
            let key = (rawKey.removingPercentEncoding ?? rawKey).lowercased()
            guard parts.count == 2, secretKeyFragments.contains(where: { key.contains($0) }) else { return String(item) }
            return rawKey + "=***"
        }
        return path + "?" + items.joined(separator: "&")
    }
}
