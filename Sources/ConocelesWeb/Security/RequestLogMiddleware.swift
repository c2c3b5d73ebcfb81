import Foundation
import Hummingbird
import Logging

/// Logs every request (method and address) at `level`, with the value of every query
/// parameter that may carry a secret replaced by `***`: activation and reset links
/// (`/activar?token=`, `/restablecer?token=`), the CSRF token of uploads (`?csrf=`), and any
/// key that names a password, secret, key, signature or session. Replaces Hummingbird's
/// `LogRequestsMiddleware`, which writes the whole URI.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    let level: Logger.Level

    init(_ level: Logger.Level) {
        self.level = level
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if context.logger.logLevel <= level {
            context.logger.log(level: level, "Request", metadata: [
                "hb.request.path": .string(Self.redacted(request.uri.description)),
                "hb.request.method": .string(request.method.rawValue),
            ])
        }
        return try await next(request, context)
    }

    /// Fragments of query keys whose values are secrets (compared case-insensitively).
    static let secretKeyFragments = ["token", "csrf", "password", "contrasena", "contraseña", "clave", "secret", "key", "llave",
                                     "signature", "firma", "session", "sesion", "code", "codigo", "auth"]

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
