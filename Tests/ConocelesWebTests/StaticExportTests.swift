import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Synchronization
import Hummingbird
import Storage
import Testing
import TestSupport

/// `conoceles export`: the public site as static files. Every local link of every exported
/// page resolves to a file of the export, and a withdrawn candidacy is in none of them.
@Suite("Static export of the public site")
struct StaticExportTests {
    static let liveURL = "https://conoceles.example.mx"

    static func export(_ db: Database, _ process: ElectionProcess, to output: URL) async throws -> StaticSiteExporter.Summary {
        let progress = ProgressLog()
        let summary = try await StaticSiteExporter(context: testContext(db, process), liveURL: liveURL, logger: TestDatabase.logger)
            .export(to: output) { done, total in progress.record(done, total) }
        #expect(progress.last.map { $0.0 == $0.1 } == true)
        return summary
    }

    /// Every file of `root`, relative path → contents.
    static func files(_ root: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            result[String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
        }
        return result
    }

    /// The local links of the exported pages that no file answers, resolved as a browser
    /// resolves them from the page's own file (from disk or under any sub-path: a link that
    /// starts with "/" would leave the export, so it counts as broken too).
    static func brokenLinks(_ files: [String: Data]) -> [String] {
        var broken: [String] = []
        for (name, data) in files where name.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            for match in html.matches(of: /(?:href|src|action)="([^"]*)"/) {
                let link = String(match.output.1).replacingOccurrences(of: "&amp;", with: "&")
                if link.hasPrefix("http://") || link.hasPrefix("https://") || link.hasPrefix("#") || link.hasPrefix("mailto:")
                    || link.hasPrefix("tel:") || link.hasPrefix("data:")
                {
                    continue
                }
                let path = String(link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                guard !link.hasPrefix("/"), !path.contains("?"), !path.hasSuffix("/"), let decoded = path.removingPercentEncoding else {
                    broken.append("\(name): \(link)")
                    continue
                }
                var parts = name.split(separator: "/").dropLast().map(String.init)
                for segment in decoded.split(separator: "/") {
                    if segment == ".." {
                        if parts.popLast() == nil { broken.append("\(name): \(link) leaves the export") }
                    } else if segment != "." {
                        parts.append(String(segment))
                    }
                }
                if files[parts.joined(separator: "/")] == nil { broken.append("\(name): \(link)") }
            }
        }
        return broken
    }

    @Test func theExportHoldsTheWholePublicSiteWithNoBrokenLinkAndLeavesOutAWithdrawnCandidacy() async throws {
        let cancelled = WebFixtures.candidacy("C-EXPCAN", party: "PAN", name: "Aurelia Cancelada Quintero")
        let kept = WebFixtures.candidacy("C-EXPQUEDA", party: "PRI", name: "Bernardo Salas Ochoa")
        let waiting = WebFixtures.candidacy("C-EXPESPERA", party: "MC", office: "DIP_MR", district: 2, name: "Carmen Espera Ruiz")
        let site = PublicationTests()
        try await site.withSite([cancelled, kept, waiting]) { _, db, process in
            try await PublicationTests.publish(db, cancelled.id)
            try await PublicationTests.publish(db, kept.id, StaffTests.curricular(history: "Historia <script>alert(1)</script> de Bernardo"))
            try await PublicationTests.rebuild(db, process)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("conoceles-export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let output = root.appendingPathComponent("sitio")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

            let summary = try await Self.export(db, process, to: output)
            var files = try Self.files(output)
            #expect(summary.files == files.count)
            for name in [
                "index.html", "candidaturas-publicas/index.html", "cumplimiento/index.html", "datos-abiertos/index.html",
                "datos-abiertos/candidaturas.csv", "datos-abiertos/candidaturas.json", "datos-abiertos/estadisticas-identidad.csv",
                "perfil/C-EXPCAN/index.html", "perfil/C-EXPQUEDA/index.html", "perfil/C-EXPESPERA/index.html",
                "api/v1/publico/candidaturas/C-EXPQUEDA.json", "candidaturas-publicas/cargo/DIP_MR/index.html",
                "estatico/conoceles.css", "estatico/conoceles.js",
            ] {
                #expect(files[name] != nil, "\(name) missing from the export")
            }
            #expect(Self.brokenLinks(files) == [])
            let profile = String(decoding: try #require(files["perfil/C-EXPQUEDA/index.html"]), as: UTF8.self)
            #expect(profile.contains("Historia &lt;script&gt;alert(1)&lt;/script&gt; de Bernardo"))
            #expect(!profile.contains("<script>alert"))
            // What is not static points to the live site: sign-in and the filter form.
            #expect(profile.contains("href=\"\(Self.liveURL)/entrar\""))
            let listing = String(decoding: try #require(files["candidaturas-publicas/index.html"]), as: UTF8.self)
            #expect(listing.contains("action=\"\(Self.liveURL)/candidaturas-publicas\""))
            #expect(listing.contains("href=\"../perfil/C-EXPCAN/index.html\""))
            #expect(listing.contains("<a href=\"cargo/DIP_MR/index.html\">Diputación local de mayoría relativa</a>"))
            #expect(profile.contains("href=\"../../estatico/conoceles.css\""))
            #expect(profile.contains("href=\"../../ayuda/index.html\"") || files["ayuda/index.html"] != nil)
            #expect(files["ayuda/index.html"] != nil, "the manual is not in the export")
            #expect(files["aviso-de-privacidad-simplificado/index.html"] != nil)
            let office = String(decoding: try #require(files["candidaturas-publicas/cargo/DIP_MR/index.html"]), as: UTF8.self)
            #expect(office.contains("Carmen Espera Ruiz"))
            #expect(!office.contains("Bernardo Salas Ochoa"))
            // Nothing of the export is left beside it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["sitio"])

            // Cancel one: after its refresh and the rebuild, a new export has it nowhere.
            try await PublicationTests.withdraw(db, cancelled.id, as: .cancelled)
            try await PublicationRefreshTests.refresh(db, process, cancelled.id)
            try await PublicationTests.rebuild(db, process)
            _ = try await Self.export(db, process, to: output)
            files = try Self.files(output)
            for (name, data) in files {
                let text = String(decoding: data, as: UTF8.self)
                #expect(!text.contains("Aurelia Cancelada"), "\(name) still names the cancelled candidacy")
                #expect(!text.contains("C-EXPCAN"), "\(name) still has the cancelled candidacy's id")
                #expect(!name.contains("C-EXPCAN"), "\(name)")
            }
            #expect(files["perfil/C-EXPQUEDA/index.html"] != nil)
            #expect(Self.brokenLinks(files) == [])
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["sitio"])
        }
    }
}

/// The progress reported, for the test to check the last call.
final class ProgressLog: Sendable {
    private let state = Mutex<(Int, Int)?>(nil)
    func record(_ done: Int, _ total: Int) { state.withLock { $0 = (done, total) } }
    var last: (Int, Int)? { state.withLock { $0 } }
}
