import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address or a block of them (`10.0.0.0/8`, `::1`, `fd00::/8`), as the configuration
/// names trusted proxies (`http.trusted_proxies`) and the addresses that may read
/// `/metrics` (`metrics.allowed_addresses`).
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's bytes (4 for IPv4, 16 for IPv6).
    public let bytes: [UInt8]
    /// How many leading bits must match.
    public let prefixLength: Int

    /// Parses `text`: an address, or an address and a prefix length after `/`; nil when it
    /// is neither.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = Self.parseAddress(String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...address.count * 8).contains(parsed) else { return nil }
            length = parsed
        } else {
            length = address.count * 8
        }
        bytes = address
        prefixLength = length
    }

    /// The loopback addresses (`127.0.0.0/8`, `::1`): the default readers of `/metrics`.
    public static let loopback: [AddressRange] = [AddressRange("127.0.0.0/8")!, AddressRange("::1")!]

    /// Whether the address `text` lies in this range (an IPv4-mapped IPv6 address counts as
    /// its IPv4 address); false when `text` is not an address.
    public func contains(_ text: String) -> Bool {
        guard var address = Self.parseAddress(text) else { return false }
        if address.count == 16, bytes.count == 4, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF {
            address = Array(address[12...])
        }
        guard address.count == bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address, bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            guard a & mask == b & mask else { return false }
            remaining -= bits
        }
        return true
    }

    /// Whether `text` is an IP address (v4 or v6).
    public static func isAddress(_ text: String) -> Bool {
        parseAddress(text) != nil
    }

    public var description: String {
        guard let text = Self.format(bytes) else { return "?" }
        return prefixLength == bytes.count * 8 ? text : "\(text)/\(prefixLength)"
    }

    static func parseAddress(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func format(_ bytes: [UInt8]) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
}

extension Array where Element == AddressRange {
    /// Whether any range holds the address `text`.
    public func containsAddress(_ text: String) -> Bool {
        contains { $0.contains(text) }
    }
}
