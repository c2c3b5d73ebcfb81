import ConocelesConfig
import Foundation
import HTTPTypes
import Hummingbird

/// Sets `WebRequestContext.clientAddress`: the TCP peer's address, unless the peer is a
/// trusted proxy (`http.trusted_proxies`), in which case `X-Forwarded-For` is read from the
/// right, skipping trusted proxies, and the first address that is not one is the client
/// (what a client wrote itself at the left of the header is never reached). A forwarding
/// header from a peer that is not trusted is ignored and remembered
/// (`forwardedByUntrustedPeer`): such a request came through a proxy nobody configured, so its
/// peer address (often loopback) says nothing of the client.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    let trustedProxies: [AddressRange]

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardingHeaders = [forwardedFor, HTTPField.Name("Forwarded")!, HTTPField.Name("X-Real-IP")!]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let hops = request.headers[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let resolved = Self.client(peer: context.remoteAddress?.ipAddress, forwardedFor: hops, trusted: trustedProxies)
        context.clientAddress = resolved ?? "desconocida"
        if let peer = context.remoteAddress?.ipAddress, trustedProxies.containsAddress(peer) {
            context.forwardedByUntrustedPeer = false
        } else {
            context.forwardedByUntrustedPeer = Self.forwardingHeaders.contains { request.headers[$0] != nil }
        }
        return try await next(request, context)
    }

    /// The client of a request from `peer` carrying `forwardedFor` (the header's items, left
    /// to right): the peer itself unless it is trusted; otherwise the rightmost item that is
    /// not a trusted proxy. An item that is not an address stops the walk at the last
    /// trusted hop, which is then taken as the client.
    static func client(peer: String?, forwardedFor: [String], trusted: [AddressRange]) -> String? {
        guard let peer else { return nil }
        guard trusted.containsAddress(peer) else { return peer }
        var client = peer
        for hop in forwardedFor.reversed() {
            guard AddressRange.isAddress(hop) else { break }
            client = hop
            if !trusted.containsAddress(hop) { break }
        }
        return client
    }
}
