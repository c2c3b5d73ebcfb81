import Hummingbird

/// Every address anyone may open without signing in, declared once: the router registers
/// each by its `path`, the page cache (`PageCacheMiddleware`, and `HTTPMetricsMiddleware`'s
/// route labels) keeps those marked `cached`, and the static export (`StaticSitePlan`) writes
/// those it marks. To add a public page, add it here and register its handler with
/// `router.get(PublicPages.<page>.route, …)`; `PublicPagesTests` fails while an anonymous GET
/// route of the router is missing from `all`.
struct PublicPage: Sendable, Hashable {
    /// What the static export does with a page.
    enum Export: Sendable, Hashable {
        /// Not exported (forms, health, pages that need a query).
        case none
        /// Exported as `path/index.html`.
        case page
        /// Exported as `path/index.html` while the site serves it (skipped on a 404).
        case optionalPage
        /// Exported under its own name.
        case file
        /// One copy per candidacy, office or listing page, which `StaticSitePlan` lays out.
        case generated
    }

    /// The router's path (`:name` for a parameter).
    let path: String
    /// Whether anonymous answers are kept in `PageCache`.
    let cached: Bool
    /// What the static export writes for it.
    let export: Export
    /// The query parameters its handler reads (the page cache keys on these and nothing else).
    let query: [String]

    init(_ path: String, cached: Bool, export: Export = .none, query: [String] = []) {
        self.path = path
        self.cached = cached
        self.export = export
        self.query = query
    }

    /// The path as the router registers it.
    var route: RouterPath { RouterPath(path) }

    /// The path as the router describes it (`/perfil/{id}`).
    var routeDescription: String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    /// The cache's matching rule: the path itself, or for a path with parameters the prefix
    /// before its first parameter, ending in "/".
    var cachePattern: String {
        guard let colon = path.range(of: "/:") else { return path }
        return String(path[..<colon.lowerBound]) + "/"
    }
}

/// The table of public pages (`PublicPage`).
enum PublicPages {
    // Portal.
    static let home = PublicPage("/", cached: true, export: .page)
    static let search = PublicPage("/candidaturas-publicas", cached: true, export: .generated, query: PublicSearch.keys + ["pagina"])
    static let profile = PublicPage("/perfil/:id", cached: true, export: .generated)
    static let photo = PublicPage("/perfil/:id/foto.jpg", cached: true, export: .generated)
    static let compliance = PublicPage("/cumplimiento", cached: true, export: .page)
    static let statistics = PublicPage("/estadisticas", cached: true, export: .optionalPage)
    static let comparison = PublicPage("/comparar", cached: true, query: ["id"])
    static let ballot = PublicPage("/mi-boleta", cached: true, export: .optionalPage, query: ["municipio", "distrito"])
    // Open data.
    static let openData = PublicPage("/datos-abiertos", cached: true, export: .page)
    static let openDataCSV = PublicPage("/datos-abiertos/candidaturas.csv", cached: true, export: .file)
    static let openDataJSON = PublicPage("/datos-abiertos/candidaturas.json", cached: true, export: .file)
    static let identityStatisticsCSV = PublicPage("/datos-abiertos/estadisticas-identidad.csv", cached: true, export: .file)
    // Public API.
    static let apiSearch = PublicPage("/api/v1/publico/candidaturas", cached: true, query: PublicSearch.keys + ["pagina", "por_pagina"])
    static let apiCandidacy = PublicPage("/api/v1/publico/candidaturas/:id", cached: true, export: .generated)
    static let apiStatistics = PublicPage("/api/v1/publico/estadisticas", cached: true)
    // Notices and help.
    static let privacyNotice = PublicPage("/aviso-de-privacidad", cached: false, export: .page)
    static let simplifiedPrivacyNotice = PublicPage("/aviso-de-privacidad-simplificado", cached: false, export: .page)
    static let help = PublicPage("/ayuda", cached: false, export: .page)
    // Account forms (each carries its visitor's CSRF token: never cached nor exported).
    static let signIn = PublicPage("/entrar", cached: false)
    static let activation = PublicPage("/activar", cached: false)
    static let recovery = PublicPage("/recuperar", cached: false)
    static let reset = PublicPage("/restablecer", cached: false)
    // Health checks of load balancers and orchestrators.
    static let health = PublicPage("/health", cached: false)
    static let readiness = PublicPage("/health/ready", cached: false)

    /// Every public page, in the order the static export writes them.
    static let all: [PublicPage] = [
        home, compliance, openData, statistics, ballot, privacyNotice, simplifiedPrivacyNotice, help,
        openDataCSV, openDataJSON, identityStatisticsCSV,
        search, profile, photo, comparison, apiSearch, apiCandidacy, apiStatistics,
        signIn, activation, recovery, reset, health, readiness,
    ]
}
