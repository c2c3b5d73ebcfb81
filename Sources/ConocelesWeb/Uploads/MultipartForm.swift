import Foundation
import NIOCore

/// A strict reader of `multipart/form-data` bodies (RFC 7578), which Hummingbird does not
/// parse: the boundary comes from the content type, every part needs a
/// `Content-Disposition: form-data; name="…"` header, lines end in CRLF, and the number of
/// parts and the size of each part's headers are bounded. The caller bounds the body
/// itself before collecting it (`request.body.collect(upTo:)`).
struct MultipartForm {
    /// One field or file of the form.
    struct Part: Sendable, Hashable {
        /// The form field's name.
        var name: String
        /// The file's name as the browser sent it (never trusted as a path), nil for plain fields.
        var filename: String?
        /// The part's declared content type, if any (never trusted for the content).
        var contentType: String?
        /// The content.
        var bytes: [UInt8]

        /// The content as UTF-8 text (invalid sequences replaced).
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Why a body is not a multipart form this reader accepts; the message is Spanish.
    struct FormatError: Error, Sendable, Hashable {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// At most this many parts (a form with a file and a few fields needs far fewer).
    static let maximumParts = 16
    /// At most this many bytes of headers per part.
    static let maximumHeaderBytes = 8 * 1024

    /// The parts of `body`, sent with `contentType` (`multipart/form-data; boundary=…`).
    /// - Throws: `FormatError` when the content type or the body does not follow the format.
    static func parse(body: ByteBuffer, contentType: String) throws(FormatError) -> [Part] {
        let boundary = try boundary(of: contentType)
        let bytes = Array(body.readableBytesView)
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        let malformed = FormatError("El archivo no llegó completo o el formulario no tiene el formato esperado. Intente de nuevo.")

        // The first boundary starts the body or follows a preamble that ends in CRLF.
        var position: Int
        if bytes.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = firstIndex(of: delimiter, in: bytes, from: 0) {
            position = found + delimiter.count
        } else {
            throw malformed
        }
        var parts: [Part] = []
        while true {
            // After a boundary: "--" ends the body, CRLF starts a part.
            if bytes[position...].starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { break }
            guard bytes[position...].starts(with: crlf) else { throw malformed }
            position += 2
            guard parts.count < maximumParts else { throw FormatError("El formulario tiene demasiadas partes.") }
            guard let headersEnd = firstIndex(of: crlf + crlf, in: bytes, from: position, limit: maximumHeaderBytes) else { throw malformed }
            let headers = try parseHeaders(Array(bytes[position..<headersEnd]))
            let contentStart = headersEnd + 4
            guard let contentEnd = firstIndex(of: delimiter, in: bytes, from: contentStart) else { throw malformed }
            parts.append(
                Part(
                    name: headers.name, filename: headers.filename, contentType: headers.contentType,
                    bytes: Array(bytes[contentStart..<contentEnd])))
            position = contentEnd + delimiter.count
        }
        return parts
    }

    private static let crlf: [UInt8] = [13, 10]

    /// The boundary parameter of a `multipart/form-data` content type (1 to 70 characters).
    static func boundary(of contentType: String) throws(FormatError) -> String {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else {
            throw FormatError("El envío debe ser un formulario con un archivo (multipart/form-data).")
        }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard (1...70).contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }), !value.hasSuffix(" ") else { break }
            return value
        }
        throw FormatError("El formulario no indica cómo separar sus partes.")
    }

    private struct Headers {
        var name: String
        var filename: String?
        var contentType: String?
    }

    private static func parseHeaders(_ raw: [UInt8]) throws(FormatError) -> Headers {
        guard let text = String(validating: raw, as: UTF8.self) else { throw FormatError("Los encabezados de una parte del formulario no son legibles.") }
        var disposition: [String: String]?
        var contentType: String?
        for line in text.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw FormatError("Un encabezado del formulario está mal formado.") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch name {
            case "content-disposition": disposition = try dispositionParameters(value)
            case "content-type": contentType = value
            default: continue
            }
        }
        guard let disposition, let name = disposition["name"] else {
            throw FormatError("Una parte del formulario no dice a qué campo pertenece.")
        }
        return Headers(name: name, filename: disposition["filename"], contentType: contentType)
    }

    /// The parameters of `form-data; name="…"; filename="…"` (quoted strings with `\"` escapes).
    private static func dispositionParameters(_ value: String) throws(FormatError) -> [String: String] {
        let invalid = FormatError("Un encabezado del formulario está mal formado.")
        var characters = Substring(value)
        func skipSpaces() { characters = characters.drop { $0 == " " || $0 == "\t" } }
        let type = characters.prefix { $0 != ";" }
        guard type.trimmingCharacters(in: .whitespaces).lowercased() == "form-data" else { throw invalid }
        characters = characters.dropFirst(type.count)
        var parameters: [String: String] = [:]
        while !characters.isEmpty {
            guard characters.first == ";" else { throw invalid }
            characters = characters.dropFirst()
            skipSpaces()
            let key = characters.prefix { $0 != "=" && $0 != ";" }
            characters = characters.dropFirst(key.count)
            guard characters.first == "=" else { throw invalid }
            characters = characters.dropFirst()
            var parameter = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var closed = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if character == "\\", let escaped = characters.first {
                        parameter.append(escaped)
                        characters = characters.dropFirst()
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        parameter.append(character)
                    }
                }
                guard closed else { throw invalid }
            } else {
                let token = characters.prefix { $0 != ";" }
                parameter = token.trimmingCharacters(in: .whitespaces)
                characters = characters.dropFirst(token.count)
            }
            skipSpaces()
            parameters[key.trimmingCharacters(in: .whitespaces).lowercased()] = parameter
        }
        return parameters
    }

    /// The index where `needle` first starts in `haystack` at or after `start` (and, with a
    /// `limit`, within `limit` bytes of it), or nil.
    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int, limit: Int? = nil) -> Int? {
        guard let first = needle.first, start <= haystack.count else { return nil }
        let end = min(haystack.count - needle.count, limit.map { start + $0 } ?? Int.max)
        guard start <= end else { return nil }
        var index = start
        while index <= end {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
