import Crypto
import Foundation
import Storage

/// The registration system's signature on each event: HMAC-SHA256 with the shared secret
/// over `"<timestamp>.<body>"`, sent as `X-Conoceles-Timestamp: <unix seconds>` and
/// `X-Conoceles-Signature: sha256=<hex>`. A timestamp outside the tolerance is refused
/// (a captured request can't be replayed later).
public struct EventSignature: Sendable {
    public static let timestampHeader = "X-Conoceles-Timestamp"
    public static let signatureHeader = "X-Conoceles-Signature"

    let secret: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: secret) }
    /// Seconds a signature stays valid either side of now (default 300).
    public let tolerance: TimeInterval

    public init(secret: String, tolerance: TimeInterval = 300) {
        self.secret = Array(secret.utf8)
        self.tolerance = tolerance
    }

    /// Why a request's signature is not acceptable.
    public enum Failure: Error, Sendable, Equatable {
        case missing
        case malformed
        case stale
        case mismatch

        /// Stable English code for the problem body.
        public var code: String {
            switch self {
            case .missing: "signature_missing"
            case .malformed: "signature_malformed"
            case .stale: "signature_stale"
            case .mismatch: "signature_invalid"
            }
        }

        /// Spanish explanation.
        public var message: String {
            switch self {
            case .missing: "Faltan las cabeceras \(EventSignature.timestampHeader) y \(EventSignature.signatureHeader)."
            case .malformed: "La firma o la marca de tiempo no tienen el formato esperado (sha256=<hex> y segundos Unix)."
            case .stale: "La marca de tiempo está fuera de la ventana permitida; el evento no se acepta (posible repetición)."
            case .mismatch: "La firma no corresponde al contenido; revise el secreto compartido."
            }
        }
    }

    /// The header value for a body signed at `timestamp`.
    public func sign(body: [UInt8], timestamp: Int) -> String {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "sha256=" + Hex.encode(mac)
    }

    /// Checks the headers against the body at `now`; comparison in constant time.
    public func verify(body: [UInt8], timestamp: String?, signature: String?, now: Date = Date()) throws(Failure) {
        guard let timestamp, let signature else { throw .missing }
        guard let seconds = Int(timestamp), signature.hasPrefix("sha256="), let mac = Self.hexBytes(signature.dropFirst(7)),
            mac.count == 32
        else { throw .malformed }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { throw .stale }
        var message = Array("\(seconds).".utf8)
        message.append(contentsOf: body)
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key) else { throw .mismatch }
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
