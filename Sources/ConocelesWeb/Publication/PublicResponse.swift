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

/// Responses of the public files and API: cacheable, with the snapshot's version as ETag
/// (the content of a URL changes only with the snapshot), 304 on a matching If-None-Match.
enum PublicResponse {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func etag(_ version: Int64) -> String { "\"publicacion-\(version)\"" }

    /// `body` with cache headers; `name` as the download's file name; `cors` for the API.
    static func file(_ body: String, contentType: String, name: String? = nil, version: Int64, request: Request,
                     cors: Bool = false, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = etag(version)
        headers[.cacheControl] = "public, max-age=60"
        if cors { headers[.accessControlAllowOrigin] = "*" }
        if let name { headers[.contentDisposition] = "inline; filename=\"\(name)\"" }
        if status == .ok, request.headers[.ifNoneMatch].map({ $0.contains(etag(version)) }) == true {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
