import Foundation
import Storage

/// What the static export writes: every public address the site serves from one snapshot,
/// each with the file nginx (or any web server with its defaults) serves for it. Pages become
/// `path/index.html`; files keep their names.
struct StaticSitePlan: Sendable {
    /// One address and its file in the export.
    struct Entry: Sendable, Hashable {
        /// The address on the live site, with its query ("/candidaturas-publicas?cargo=GUB").
        let uri: String
        /// The file, relative to the export's root ("candidaturas-publicas/cargo/GUB/index.html").
        let file: String
        /// An HTML page whose links are rewritten for the export.
        let isPage: Bool
        /// Skipped when the site does not serve it (a page another build may not have).
        let optional: Bool
    }

    /// Public pages without parameters (`PublicPages`, export `.page` or `.optionalPage`); the
    /// optional ones are skipped while the site answers them with 404.
    static let pages: [(path: String, optional: Bool)] = PublicPages.all.compactMap { page in
        switch page.export {
        case .page: (page.path, false)
        case .optionalPage: (page.path, true)
        case .none, .file, .generated: nil
        }
    }
    /// Public files, exported under their own names (`PublicPages`, export `.file`).
    static let files = PublicPages.all.filter { $0.export == .file }.map(\.path)
    static let listing = PublicPages.search.path

    private(set) var entries: [Entry] = []
    /// Live paths (percent-decoded) exported, and the address of their copy in the export.
    private(set) var links: [String: String] = [:]
    /// Offices with a listing of their own.
    private(set) var offices: Set<String> = []
    /// Candidacies skipped because their id can't be a directory name.
    private(set) var skipped: [String] = []

    /// The plan for `candidacies` (display order), `pageSize` results per listing page, and
    /// the static assets `assets` (file names under /estatico/).
    init(candidacies: [PublicationRepository.ListedCandidacy], pageSize: Int, assets: [String]) {
        for (path, optional) in Self.pages { addPage(path, uri: path, optional: optional) }
        for file in Self.files { addFile(file, uri: file) }
        for asset in assets { addFile("/estatico/\(asset)", uri: "/estatico/\(queryValue(asset))") }
        func pages(_ count: Int) -> Int { max(1, (count + pageSize - 1) / pageSize) }
        addListing(office: nil, pages: pages(candidacies.count))
        var byOffice: [String: Int] = [:]
        var officeOrder: [String] = []
        for candidacy in candidacies {
            if byOffice[candidacy.officeCode] == nil { officeOrder.append(candidacy.officeCode) }
            byOffice[candidacy.officeCode, default: 0] += 1
        }
        for office in officeOrder where Self.isSafeName(office) {
            offices.insert(office)
            addListing(office: office, pages: pages(byOffice[office] ?? 0))
        }
        for candidacy in candidacies {
            guard Self.isSafeName(candidacy.id) else {
                skipped.append(candidacy.id)
                continue
            }
            let encoded = queryValue(candidacy.id)
            addPage("/perfil/\(candidacy.id)", uri: "/perfil/\(encoded)", optional: false)
            if candidacy.hasPhoto { addFile("/perfil/\(candidacy.id)/foto.jpg", uri: "/perfil/\(encoded)/foto.jpg") }
            addFile(
                "/api/v1/publico/candidaturas/\(candidacy.id).json", uri: "/api/v1/publico/candidaturas/\(encoded)",
                livePath: "/api/v1/publico/candidaturas/\(candidacy.id)")
        }
    }

    /// The listing's static address for `office` and `page` ("/candidaturas-publicas/cargo/GUB/pagina/2/").
    static func listingPath(office: String?, page: Int) -> String {
        "\(listing)/" + (office.map { "cargo/\($0)/" } ?? "") + (page > 1 ? "pagina/\(page)/" : "")
    }

    private mutating func addListing(office: String?, pages: Int) {
        for page in 1...pages {
            let query = ([office.map { "cargo=\(queryValue($0))" }, page > 1 ? "pagina=\(page)" : nil].compactMap { $0 }).joined(separator: "&")
            let path = Self.listingPath(office: office, page: page)
            addPage(String(path.dropLast()), uri: Self.listing + (query.isEmpty ? "" : "?\(query)"), optional: false)
        }
    }

    private mutating func addPage(_ path: String, uri: String, optional: Bool) {
        let directory = path == "/" ? "" : String(path.dropFirst()) + "/"
        entries.append(Entry(uri: uri, file: directory + "index.html", isPage: true, optional: optional))
        links[path] = Self.encodedPath(path == "/" ? "/" : path + "/")
    }

    private mutating func addFile(_ path: String, uri: String, livePath: String? = nil) {
        entries.append(Entry(uri: uri, file: String(path.dropFirst()), isPage: false, optional: false))
        links[livePath ?? path] = Self.encodedPath(path)
    }

    /// Leaves out an optional page the site does not serve.
    mutating func drop(_ entry: Entry) {
        entries.removeAll { $0 == entry }
        if let path = links.first(where: { $0.value == Self.encodedPath("/" + entry.file.dropLast("index.html".count)) })?.key {
            links[path] = nil
        }
    }

    /// `path` with each segment percent-encoded.
    static func encodedPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { queryValue(String($0)) }.joined(separator: "/")
    }

    /// Whether `name` can be one path segment on any file system: not empty, no "/", no NUL,
    /// not "." or "..", not hidden.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\0")
            && !name.contains("\\")
    }
}
