import Foundation
import Hummingbird
import Storage

/// CSRF protection for forms by double submission: the page sets a random value in a
/// `SameSite=Lax`, `HttpOnly` cookie and in a hidden field; a POST is accepted only when
/// both are present and equal. Another site can neither read the cookie nor set it, and a
/// cross-site POST does not carry it (Lax). Lax rather than Strict so that arriving from
/// another site (a reminder or "perfil devuelto" link opened from webmail) still sends the
/// token: under Strict that visit arrived without it, was given a new one, and the form
/// half-written in another tab was refused on save (issue 26).
enum CSRFToken {
    static let cookieName = "conoceles_csrf"
    static let fieldName = "csrf"

    /// A fresh random value (32 bytes from the system's generator, hex).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        return Hex.encode(bytes)
    }

    /// The cookie that carries `value`.
    static func cookie(_ value: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: value, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// Whether the submitted field matches the request's cookie (constant-time comparison).
    static func isValid(submitted: String?, request: Request) -> Bool {
        guard let submitted, let cookie = request.cookies[cookieName]?.value,
            submitted.utf8.count == 64, cookie.utf8.count == 64
        else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(submitted.utf8, cookie.utf8) { difference |= a ^ b }
        return difference == 0
    }
}
