@testable import ConocelesWeb
import NIOCore
import Testing

@Suite("MultipartForm: strict multipart/form-data reader")
struct MultipartFormTests {
    static let type = "multipart/form-data; boundary=XyZ"

    static func parse(_ body: String, contentType: String = type) throws -> [MultipartForm.Part] {
        try MultipartForm.parse(body: ByteBuffer(string: body), contentType: contentType)
    }

    @Test func readsFieldsAndFiles() throws {
        let parts = try Self.parse(
            "--XyZ\r\nContent-Disposition: form-data; name=\"nota\"\r\n\r\nhola\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"archivo\"; filename=\"carga \\\"final\\\".csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + "a,b --XyZ no es un límite\r\n-XyZ\r\nc,d\r\n--XyZ--\r\n")
        #expect(parts.count == 2)
        #expect(parts[0] == MultipartForm.Part(name: "nota", filename: nil, contentType: nil, bytes: Array("hola".utf8)))
        #expect(parts[1].name == "archivo" && parts[1].filename == "carga \"final\".csv" && parts[1].contentType == "text/csv")
        // Content that contains the boundary without the delimiter's CRLF-- before it is kept whole.
        #expect(parts[1].text == "a,b --XyZ no es un límite\r\n-XyZ\r\nc,d")
    }

    @Test func keepsBinaryContentAndAcceptsAPreambleAndAQuotedBoundary() throws {
        var body = ByteBuffer(string: "preámbulo ignorado\r\n--a b\r\nContent-Disposition: form-data; name=\"foto\"; filename=\"f.jpg\"\r\n\r\n")
        body.writeBytes([0xFF, 0xD8, 0x00, 0x0D, 0x0A, 0xFF])
        body.writeString("\r\n--a b--")
        let parts = try MultipartForm.parse(body: body, contentType: "multipart/form-data; charset=utf-8; boundary=\"a b\"")
        #expect(parts.count == 1 && parts[0].bytes == [0xFF, 0xD8, 0x00, 0x0D, 0x0A, 0xFF])
    }

    @Test func emptyFormHasNoParts() throws {
        #expect(try Self.parse("--XyZ--\r\n").isEmpty)
    }

    @Test func refusesWhatIsNotAStrictMultipartForm() {
        let malformed: [(String, String)] = [
            ("a=b", "application/x-www-form-urlencoded"),  // not multipart
            ("--XyZ--", "multipart/form-data"),  // no boundary
            ("--XyZ--", "multipart/form-data; boundary=" + String(repeating: "b", count: 71)),  // boundary too long
            ("sin límites", Self.type),  // no boundary in the body
            ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nsin cierre", Self.type),  // truncated
            ("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", Self.type),  // no disposition
            ("--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--", Self.type),  // not form-data
            ("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--", Self.type),  // unclosed quote
            ("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nx\n--XyZ--", Self.type),  // bare LF
            ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZjunk\r\n--XyZ--", Self.type),  // delimiter followed by junk
            ("--XyZ\r\nsin dos puntos\r\n\r\nx\r\n--XyZ--", Self.type),  // header without colon
        ]
        for (body, type) in malformed {
            #expect(throws: MultipartForm.FormatError.self, "\(body)") { try Self.parse(body, contentType: type) }
        }
    }

    @Test func boundsPartsAndHeaders() {
        let part = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n"
        let many = String(repeating: part, count: MultipartForm.maximumParts + 1) + "--XyZ--"
        #expect(throws: MultipartForm.FormatError.self) { try Self.parse(many) }
        #expect((try? Self.parse(String(repeating: part, count: MultipartForm.maximumParts) + "--XyZ--"))?.count == MultipartForm.maximumParts)
        let hugeHeader =
            "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Relleno: " + String(repeating: "r", count: MultipartForm.maximumHeaderBytes)
            + "\r\n\r\nx\r\n--XyZ--"
        #expect(throws: MultipartForm.FormatError.self) { try Self.parse(hugeHeader) }
    }
}
