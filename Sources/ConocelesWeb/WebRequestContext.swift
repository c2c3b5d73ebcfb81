import ConocelesCore
import Hummingbird
import NIOCore
import Storage

/// The context of every request: Hummingbird's core storage plus who is signed in (set by
/// `SessionMiddleware`) and the request's CSRF token (set by `CSRFMiddleware`).
public struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer, for per-address sign-in limits (nil in in-process tests).
    public let remoteAddress: SocketAddress?
    /// The signed-in account, if any.
    public var user: Account?
    /// The session token of the signed-in account (sign-out revokes it).
    var sessionToken: SecretToken?
    /// The process this site serves (set by `CSRFMiddleware`, the first of the site's).
    public var process: ElectionProcess?
    /// This browser's CSRF token, set by `CSRFMiddleware` (nil outside it).
    var csrfSlot: CSRFTokenSlot?
    /// The CSRF value of this browser: the cookie's, or a new one the response will set.
    /// Read it only for a form: a page that never reads it sets no cookie and may be cached.
    var csrf: String { csrfSlot?.token ?? "" }
    /// The token for the layout's sign-out form, which only a signed-in account sees.
    var layoutCSRF: String { user == nil ? "" : csrf }

    /// The client's address as text: the peer's, or the one a trusted proxy names in
    /// `X-Forwarded-For` (set by `ClientAddressMiddleware`); "desconocida" when the transport
    /// has none (in-process tests).
    var clientAddress: String
    /// Whether the request names a client in a forwarding header (`X-Forwarded-For`,
    /// `Forwarded`, `X-Real-IP`) that this site does not trust: it came through a proxy that
    /// is not configured, so the peer's address is not the client's (set by `ClientAddressMiddleware`).
    var forwardedByUntrustedPeer = false
    /// Set by `PageCacheResponder`: a cacheable page is kept there (marked by
    /// `PageCacheMiddleware`), not in the router.
    var pageCacheInFront = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.clientAddress = remoteAddress?.ipAddress ?? "desconocida"
    }

    /// The signed-in account, when its role is one of `roles` (any role when `roles` is nil).
    /// - Throws: `WebError.signInRequired` (a redirect to the sign-in page) when nobody is
    ///   signed in, `WebError.forbidden` when the role may not use the page.
    func requireUser(_ roles: Set<AccountRole>? = nil, request: Request) throws -> Account {
        guard let user else { throw WebError.signInRequired(next: request.uri.path) }
        if let roles, !roles.contains(user.role) { throw WebError.forbidden }
        return user
    }
}
