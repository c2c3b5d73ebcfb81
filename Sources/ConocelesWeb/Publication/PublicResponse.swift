import ConocelesCore
import Foundation
import Hummingbird
import NIOCore

/// A candidacy in the public JSON (open data and API): its public profile and, when it has
/// not provided its information yet, the notice that says so.
struct PublicCandidacy: Encodable {
    let profile: PublishedProfile
    let notice: String?

    init(_ profile: PublishedProfile) {
        self.profile = profile
        notice = profile.hasProfile ? nil : PublishedProfile.noInformationMark
    }

    enum CodingKeys: String, CodingKey {
        case profile = "perfil", notice = "aviso"
    }
}

/// A list of candidacies from one snapshot.
struct PublicCandidacyList: Encodable {
    let version: Int64
    let total: Int
    let page: Int?
    let candidacies: [PublicCandidacy]

    enum CodingKeys: String, CodingKey {
        case version = "version", total = "total", page = "pagina", candidacies = "candidaturas"
    }
}

/// Bodies of the public files and API. Their cache headers (ETag from the snapshot's
/// version, Last-Modified, Cache-Control, 304, CORS) come from `PublicCacheMiddleware`.
enum PublicResponse {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `body` as `contentType`; `name` as the download's file name.
    static func file(_ body: String, contentType: String, name: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        if let name { headers[.contentDisposition] = "inline; filename=\"\(name)\"" }
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
