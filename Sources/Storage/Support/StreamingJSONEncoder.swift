import Foundation

/// A JSON encoder that writes each value straight into one byte buffer as `encode(to:)`
/// produces it, in the order the type encodes its keys (declaration order for synthesized
/// conformances), with the conventions of `JSONCoding`: keys omitted for nil optionals, `/`
/// not escaped, dates as ISO 8601, data as Base64.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values, then sorts and prints it:
/// for the publication's documents (30,000 of about 6 KB in a full rebuild) that was a third
/// of the rebuild's CPU. The output is deterministic for a given value (a document's hash
/// only changes when the document does), and it is always JSON that `JSONDecoder` reads back.
///
/// What a stream cannot write faithfully makes `encode` return nil, and the caller uses
/// `JSONEncoder` instead: dictionaries (their order is not stable from run to run),
/// `superEncoder`, a value that encodes nothing, an unkeyed container asked for twice. A second
/// keyed container of the same value (`PublishedProfile.Curricular` writes its long texts
/// through one) continues the same object, as with `JSONEncoder`.
enum StreamingJSONEncoder {
    /// The JSON of `value`, or nil when it needs `JSONEncoder` (see above).
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8]? {
        let writer = JSONStreamWriter()
        try writer.writeValue(value, depth: 0)
        writer.close(to: 0)
        return writer.unsupported ? nil : writer.bytes
    }
}

/// A dictionary, whatever its types: encoded through `JSONEncoder` (see `StreamingJSONEncoder`).
private protocol UnorderedCollectionMarker {}
extension Dictionary: UnorderedCollectionMarker {}

/// The buffer and the containers still open in it.
final class JSONStreamWriter {
    private(set) var bytes: [UInt8] = []
    /// Set when the value needs `JSONEncoder`; what was written is then thrown away.
    private(set) var unsupported = false
    /// Open containers, outermost first: whether each is an object, how many elements it has,
    /// and the encoder that opened it.
    private var open: [(isObject: Bool, count: Int, owner: Int)] = []
    /// The last encoder's number (`JSONStreamEncoder.id`).
    private var encoders = 0
    /// Whether the value being written at each depth has written anything yet.
    private var wrote = false

    init() { bytes.reserveCapacity(8_192) }

    func markUnsupported() { unsupported = true }

    /// A number for a new encoder.
    func nextEncoder() -> Int {
        encoders += 1
        return encoders
    }

    /// Whether the container at `depth` is an object that encoder `owner` opened and is still
    /// open; then the containers deeper than it are closed, and writing continues in it.
    func continueObject(depth: Int, owner: Int) -> Bool {
        guard open.count > depth, open[depth].isObject, open[depth].owner == owner else { return false }
        close(to: depth + 1)
        return true
    }

    /// Closes the containers deeper than `depth`.
    func close(to depth: Int) {
        while open.count > depth {
            bytes.append(open.removeLast().isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    /// Opens an object or an array at `depth` (where a value is expected), for encoder `owner`.
    func openContainer(isObject: Bool, depth: Int, owner: Int = 0) {
        if open.count != depth {
            // A second container for the same value, or one opened out of order.
            unsupported = true
            close(to: depth)
        }
        bytes.append(isObject ? UInt8(ascii: "{") : UInt8(ascii: "["))
        open.append((isObject, 0, owner))
        wrote = true
    }

    /// Starts the next element of the container at `depth - 1` (closing any deeper one):
    /// a comma when needed and, in an object, the key and a colon.
    func beginElement(depth: Int, key: String?) {
        close(to: depth)
        guard depth > 0 else { return }
        if open[depth - 1].count > 0 { bytes.append(UInt8(ascii: ",")) }
        open[depth - 1].count += 1
        if let key {
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// Writes `value` where a value is expected, its containers at `depth`.
    func writeValue<T: Encodable>(_ value: T, depth: Int) throws {
        switch value {
        case let string as String: writeString(string)
        case let bool as Bool: writeRaw(bool ? "true" : "false")
        case let int as Int: writeRaw(String(int))
        case let double as Double: try writeDouble(double)
        case let date as Date: writeString(date.formatted(.iso8601))
        case let data as Data: writeString(data.base64EncodedString())
        case let url as URL: writeString(url.absoluteString)
        case is UnorderedCollectionMarker:
            unsupported = true
            writeRaw("null")
        default:
            wrote = false
            try value.encode(to: JSONStreamEncoder(writer: self, depth: depth, id: nextEncoder()))
            close(to: depth)
            if !wrote {
                unsupported = true
                writeRaw("null")
            }
        }
        wrote = true
    }

    func writeRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        wrote = true
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) is not valid in JSON"))
        }
        if value == value.rounded(), abs(value) < 1e15 {
            writeRaw(String(Int64(value)))
        } else {
            writeRaw(value.description)
        }
    }

    func writeInteger<I: BinaryInteger>(_ value: I) { writeRaw(String(value)) }

    /// `string` as a JSON string: quotes, backslashes and control characters escaped.
    func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var start = 0
            var index = 0
            while index < utf8.count {
                // Eight bytes at a time past those that need no escape (most of a text).
                if index + 8 <= utf8.count {
                    let word = UnsafeRawPointer(utf8.baseAddress! + index).loadUnaligned(as: UInt64.self)
                    if !SWAR.hasByte(word, equalTo: 0x22) && !SWAR.hasByte(word, equalTo: 0x5C) && !SWAR.hasByte(word, below: 0x20) {
                        index += 8
                        continue
                    }
                }
                let byte = utf8[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index - 1]))
                start = index
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
        wrote = true
    }
}

/// The `Encoder` handed to `encode(to:)`: its containers write into the writer at `depth`.
private struct JSONStreamEncoder: Encoder {
    let writer: JSONStreamWriter
    let depth: Int
    /// Tells this encoder's object from a sibling's (`continueObject`).
    let id: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if !writer.continueObject(depth: depth, owner: id) { writer.openContainer(isObject: true, depth: depth, owner: id) }
        return KeyedEncodingContainer(KeyedStream<Key>(writer: writer, depth: depth + 1))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.openContainer(isObject: false, depth: depth)
        return UnkeyedStream(writer: writer, depth: depth + 1)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueStream(writer: writer, depth: depth)
    }
}

private struct KeyedStream<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONStreamWriter
    /// The depth of this container's elements.
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    func encodeNil(forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.writeRaw("null")
    }
    func encode(_ value: Bool, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.writeRaw(value ? "true" : "false")
    }
    func encode(_ value: String, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.writeString(value)
    }
    func encode(_ value: Double, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        try writer.writeDouble(value)
    }
    func encode(_ value: Float, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        try writer.writeDouble(Double(value))
    }
    func encode(_ value: Int, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.writeInteger(value)
    }
    func encode(_ value: Int8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    func encode(_ value: Int16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    func encode(_ value: Int32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    func encode(_ value: Int64, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.writeInteger(value)
    }
    func encode(_ value: UInt, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.writeInteger(value)
    }
    func encode(_ value: UInt8, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    func encode(_ value: UInt16, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    func encode(_ value: UInt32, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    func encode(_ value: UInt64, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.writeInteger(value)
    }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.beginElement(depth: depth, key: key.stringValue)
        try writer.writeValue(value, depth: depth)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.openContainer(isObject: true, depth: depth)
        return KeyedEncodingContainer(KeyedStream<NestedKey>(writer: writer, depth: depth + 1))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.beginElement(depth: depth, key: key.stringValue)
        writer.openContainer(isObject: false, depth: depth)
        return UnkeyedStream(writer: writer, depth: depth + 1)
    }

    func superEncoder() -> any Encoder { unsupportedEncoder() }
    func superEncoder(forKey key: Key) -> any Encoder { unsupportedEncoder() }

    private func unsupportedEncoder() -> any Encoder {
        writer.markUnsupported()
        return JSONStreamEncoder(writer: JSONStreamWriter(), depth: 0, id: 0)
    }
}

private struct UnkeyedStream: UnkeyedEncodingContainer {
    let writer: JSONStreamWriter
    /// The depth of this container's elements.
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    private(set) var count = 0

    init(writer: JSONStreamWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    mutating func encodeNil() throws {
        writer.beginElement(depth: depth, key: nil)
        writer.writeRaw("null")
        count += 1
    }
    mutating func encode(_ value: String) throws {
        writer.beginElement(depth: depth, key: nil)
        writer.writeString(value)
        count += 1
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.beginElement(depth: depth, key: nil)
        try writer.writeValue(value, depth: depth)
        count += 1
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        writer.beginElement(depth: depth, key: nil)
        writer.openContainer(isObject: true, depth: depth)
        count += 1
        return KeyedEncodingContainer(KeyedStream<NestedKey>(writer: writer, depth: depth + 1))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.beginElement(depth: depth, key: nil)
        writer.openContainer(isObject: false, depth: depth)
        count += 1
        return UnkeyedStream(writer: writer, depth: depth + 1)
    }

    mutating func superEncoder() -> any Encoder {
        writer.markUnsupported()
        return JSONStreamEncoder(writer: JSONStreamWriter(), depth: 0, id: 0)
    }
}

private struct SingleValueStream: SingleValueEncodingContainer {
    let writer: JSONStreamWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    func encodeNil() throws { writer.writeRaw("null") }
    func encode(_ value: Bool) throws { writer.writeRaw(value ? "true" : "false") }
    func encode(_ value: String) throws { writer.writeString(value) }
    func encode(_ value: Double) throws { try writer.writeDouble(value) }
    func encode(_ value: Float) throws { try writer.writeDouble(Double(value)) }
    func encode(_ value: Int) throws { writer.writeInteger(value) }
    func encode(_ value: Int8) throws { writer.writeInteger(value) }
    func encode(_ value: Int16) throws { writer.writeInteger(value) }
    func encode(_ value: Int32) throws { writer.writeInteger(value) }
    func encode(_ value: Int64) throws { writer.writeInteger(value) }
    func encode(_ value: UInt) throws { writer.writeInteger(value) }
    func encode(_ value: UInt8) throws { writer.writeInteger(value) }
    func encode(_ value: UInt16) throws { writer.writeInteger(value) }
    func encode(_ value: UInt32) throws { writer.writeInteger(value) }
    func encode(_ value: UInt64) throws { writer.writeInteger(value) }
    func encode<T: Encodable>(_ value: T) throws { try writer.writeValue(value, depth: depth) }
}

/// Tests on the eight bytes of a word at once ("SIMD within a register"), to skip runs of
/// bytes that need no escaping.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte of `word` is `byte`.
    @inline(__always) static func hasByte(_ word: UInt64, equalTo byte: UInt8) -> Bool {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs != 0
    }

    /// Whether some byte of `word` is below `limit` (at most 128).
    @inline(__always) static func hasByte(_ word: UInt64, below limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highs != 0
    }
}
