import ConocelesCore
import Foundation

/// Rewrites the links of an exported page so they resolve inside the export, from any
/// sub-path of a web server and from disk (`file://`): every link to something the export
/// holds becomes relative to the page's own file and names the file itself
/// (`../../perfil/ID/index.html`, `../estatico/conoceles.css`); a listing's query becomes its
/// static page (`?cargo=GUB&pagina=2` → `candidaturas-publicas/cargo/GUB/pagina/2/index.html`);
/// whatever the export does not hold (sign-in, the filter form, a filtered search) points to
/// the live site at `liveURL`.
struct StaticLinkRewriter: Sendable {
    let plan: StaticSitePlan
    /// The live site's public address, without a trailing "/".
    let liveURL: String

    /// `html`, the page written at `file` (relative to the export's root, "perfil/ID/index.html"),
    /// with every `href`, `src` and `action` that starts with "/" rewritten.
    func rewrite(_ html: String, at file: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count + 256)
        var rest = html[...]
        let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        while let match = rest.firstMatch(of: Self.attribute) {
            output += rest[rest.startIndex..<match.range.lowerBound]
            let (_, name, value) = match.output
            var target = address(String(value), isFormAction: name == "action")
            if target.hasPrefix("/"), !target.hasPrefix("//") { target = Self.relative(target, from: directory) }
            output += "\(name)=\"\(target.htmlEscaped)\""
            rest = rest[match.range.upperBound...]
        }
        output += rest
        return output
    }

    /// The exported address `address` ("/perfil/ID/", "/estatico/x.css", "/", with an optional
    /// "#fragment") as a link relative to `directory` (the page's folder, split), naming the file.
    static func relative(_ address: String, from directory: [String]) -> String {
        var path = address, fragment = ""
        if let hash = path.firstIndex(of: "#") {
            fragment = String(path[hash...])
            path = String(path[..<hash])
        }
        var target = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if path.hasSuffix("/") || target.isEmpty { target.append("index.html") }
        var common = 0
        while common < directory.count, common < target.count - 1, directory[common] == target[common] { common += 1 }
        let up = Array(repeating: "..", count: directory.count - common)
        return (up + target[common...]).joined(separator: "/") + fragment
    }

    nonisolated(unsafe) static let attribute = /(href|src|action)="(\/[^"]*)"/

    /// Where `escaped` (an attribute's value, HTML-escaped) points in the export.
    func address(_ escaped: String, isFormAction: Bool) -> String {
        let value = escaped.replacingOccurrences(of: "&amp;", with: "&")
        if value.hasPrefix("//") { return value }
        let live = liveURL + value
        if isFormAction { return live }
        var target = value
        var fragment = ""
        if let hash = target.firstIndex(of: "#") {
            fragment = String(target[hash...])
            target = String(target[..<hash])
        }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        let query = parts.count > 1 ? String(parts[1]) : ""
        guard let decoded = path.removingPercentEncoding else { return live }
        if !query.isEmpty {
            guard decoded == StaticSitePlan.listing, let listing = listingPath(query) else { return live }
            return listing + fragment
        }
        if path.isEmpty { return fragment.isEmpty ? live : fragment }
        // A page's exported address itself ("/candidaturas-publicas/cargo/GUB/") is its own link.
        let page = decoded.count > 1 && decoded.hasSuffix("/") ? String(decoded.dropLast()) : decoded
        guard let exported = plan.links[decoded] ?? plan.links[page] else { return live }
        return exported + fragment
    }

    /// The static listing page of a query with only `cargo` and `pagina`; nil otherwise.
    func listingPath(_ query: String) -> String? {
        let values = PublicSearch.formValues(query)
        guard Set(values.keys).isSubset(of: ["cargo", "pagina"]) else { return nil }
        let office = values["cargo"].flatMap { $0.isEmpty ? nil : $0 }
        if let office, !plan.offices.contains(office) { return nil }
        let page = values["pagina"].map { Int($0) ?? 0 } ?? 1
        guard page >= 1 else { return nil }
        let path = StaticSitePlan.listingPath(office: office, page: page)
        return plan.links[String(path.dropLast())] == nil ? nil : StaticSitePlan.encodedPath(path)
    }
}
