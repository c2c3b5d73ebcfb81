import ConocelesCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Storage

/// `conoceles export`: the whole public site of the current publication snapshot as static
/// files any web server or CDN can serve (see `StaticSitePlan` for the layout). Every page is
/// rendered by the site's own router, in process, so a page added to the site comes along by
/// declaring it in `PublicPages` with its export rule. The files are written to a temporary directory
/// next to the output and renamed over it at the end: an interrupted export leaves the
/// previous site (or none), never half of one. If the snapshot changes while exporting, the
/// export starts again (up to `maximumAttempts` times) so all files come from one version.
public struct StaticSiteExporter: Sendable {
    /// What an export wrote.
    public struct Summary: Sendable {
        public var version: Int64
        public var files: Int
        public var bytes: Int
        /// Candidacies left out because their id can't be a file name.
        public var skipped: [String]
    }

    /// The export could not finish; the message is Spanish (shown to the operator).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        /// Nothing to export yet: the public site was never built.
        public static let noPublicVersion = Failure(
            description:
                "Aún no hay una versión pública que exportar: el sitio público no se ha construido. Publique al menos un perfil "
                + "o pida una reconstrucción (conoceles publication rebuild) y vuelva a intentarlo.")
    }

    static let maximumAttempts = 3
    /// Pages rendered at once.
    static let concurrency = 8

    let context: WebContext
    let liveURL: String
    let logger: Logger

    /// An exporter of `context`'s site; links to what the export does not hold go to `liveURL`
    /// (the configuration's `http.public_url`).
    public init(context: WebContext, liveURL: String, logger: Logger) {
        var context = context
        context.pageCache = nil
        self.context = context
        self.liveURL = liveURL.hasSuffix("/") ? String(liveURL.dropLast()) : liveURL
        self.logger = logger
    }

    /// Writes the site to `output` (replacing what is there), calling `progress(done, total)`
    /// as files are written.
    public func export(to output: URL, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> Summary {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        defer { channel.close(promise: nil) }
        let responder = WebApplication.buildRouter(context: context).buildResponder()
        let repository = PublicationRepository(client: context.database.client, logger: logger)
        guard try await repository.current(processID: context.process.id) != nil else { throw Failure.noPublicVersion }
        for attempt in 1...Self.maximumAttempts {
            let (version, candidacies) = try await repository.listed(processID: context.process.id)
            let temporary = output.deletingLastPathComponent()
                .appendingPathComponent(".\(output.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))", isDirectory: true)
            do {
                var summary = try await write(
                    version: version, candidacies: candidacies, to: temporary,
                    responder: responder, channel: channel, progress: progress)
                guard try await repository.current(processID: context.process.id)?.version ?? 0 == version else {
                    logger.notice("publication switched during the export; starting again", metadata: ["attempt": "\(attempt)"])
                    try? FileManager.default.removeItem(at: temporary)
                    continue
                }
                try Self.replace(output, with: temporary)
                summary.version = version
                return summary
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
        }
        throw Failure(description: "La publicación cambió \(Self.maximumAttempts) veces durante la exportación; vuelva a intentarlo.")
    }

    private func write(
        version: Int64, candidacies: [PublicationRepository.ListedCandidacy], to root: URL,
        responder: RouterResponder<WebRequestContext>, channel: any Channel, progress: @escaping @Sendable (Int, Int) -> Void
    ) async throws -> Summary {
        let assets = (try? FileManager.default.contentsOfDirectory(atPath: Templates.staticFolder))?.sorted() ?? []
        var plan = StaticSitePlan(candidacies: candidacies, pageSize: PublicSearch.pageSize, assets: assets)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // Optional pages first: one the site does not serve is dropped before links are rewritten.
        var bodies: [StaticSitePlan.Entry: ByteBuffer] = [:]
        for entry in plan.entries where entry.optional {
            let (status, body) = try await fetch(entry.uri, responder: responder, channel: channel)
            if status == .ok { bodies[entry] = body } else { plan.drop(entry) }
        }
        let rewriter = StaticLinkRewriter(plan: plan, liveURL: liveURL)
        let officeLinks = officeNavigation(plan)
        let entries = plan.entries
        let total = entries.count
        var done = 0, bytes = 0
        progress(0, total)
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func start() {
                guard next < entries.count else { return }
                let entry = entries[next], ready = bodies[entry]
                next += 1
                group.addTask {
                    var body = ready
                    if body == nil {
                        let (status, fetched) = try await fetch(entry.uri, responder: responder, channel: channel)
                        guard status == .ok else {
                            throw Failure(description: "El sitio respondió \(status.code) a \(entry.uri); la exportación se detuvo.")
                        }
                        body = fetched
                    }
                    var data = Data(body!.readableBytesView)
                    if entry.isPage {
                        var html = String(decoding: data, as: UTF8.self)
                        if entry.uri.hasPrefix(StaticSitePlan.listing) {
                            html = html.replacingOccurrences(of: Self.resultsHeading, with: officeLinks + Self.resultsHeading)
                        }
                        data = Data(rewriter.rewrite(html, at: entry.file).utf8)
                    }
                    let file = root.appendingPathComponent(entry.file)
                    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try data.write(to: file)
                    return data.count
                }
            }
            for _ in 0..<Self.concurrency { start() }
            while let written = try await group.next() {
                done += 1
                bytes += written
                if done % 100 == 0 || done == total { progress(done, total) }
                start()
            }
        }
        return Summary(version: version, files: total, bytes: bytes, skipped: plan.skipped)
    }

    /// Where the listing's results start: the office links go before it.
    static let resultsHeading = "<h2 id=\"resultados\">"

    /// The static listings by office, for the listing pages (the filter form needs the live
    /// site; these pages don't).
    func officeNavigation(_ plan: StaticSitePlan) -> String {
        let links = context.process.offices.filter { plan.offices.contains($0.code) }.map { office in
            "<li><a href=\"\(StaticSitePlan.encodedPath(StaticSitePlan.listingPath(office: office.code, page: 1)))\">"
                + "\(office.name.htmlEscaped)</a></li>"
        }
        guard !links.isEmpty else { return "" }
        return "<nav aria-labelledby=\"por-cargo\"><h2 id=\"por-cargo\">Candidaturas por cargo</h2><ul>"
            + "<li><a href=\"\(StaticSitePlan.listing)/\">Todos los cargos</a></li>" + links.joined() + "</ul></nav>\n"
    }

    /// The site's response to a GET of `uri`, as an anonymous visitor.
    private func fetch(_ uri: String, responder: RouterResponder<WebRequestContext>, channel: any Channel) async throws
        -> (HTTPResponse.Status, ByteBuffer)
    {
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "export.local", path: uri),
            body: .init(buffer: ByteBuffer()))
        let context = WebRequestContext(source: .init(channel: channel, logger: logger))
        let response = try await responder.respond(to: request, context: context)
        let collector = BodyCollector()
        try await response.body.write(collector)
        return (response.status, collector.buffer)
    }

    /// Puts `temporary` where `output` is: the old site is moved aside first and removed once
    /// the new one is in place.
    static func replace(_ output: URL, with temporary: URL) throws {
        let manager = FileManager.default
        var old: URL?
        if manager.fileExists(atPath: output.path) {
            let aside = output.deletingLastPathComponent()
                .appendingPathComponent(".\(output.lastPathComponent).old-\(UUID().uuidString.prefix(8))", isDirectory: true)
            try manager.moveItem(at: output, to: aside)
            old = aside
        }
        try manager.moveItem(at: temporary, to: output)
        if let old { try? manager.removeItem(at: old) }
    }
}
