/// One entry of a catalog: a stable key (INEGI, INALI or ISO code) and its Spanish name.
public struct CatalogEntry: Sendable, Hashable, Codable {
    /// Stable key as published by the catalog's source (e.g. INEGI's "039" for Guadalajara).
    public let key: String
    /// Spanish name as shown to people.
    public let name: String

    public init(key: String, name: String) {
        self.key = key
        self.name = name
    }
}

/// An ordered list of entries with lookup by key; catalogs come from `config/catalogs/*.csv`.
public struct Catalog: Sendable, Hashable {
    /// Entries in the order of the source file.
    public let entries: [CatalogEntry]
    private let byKey: [String: Int]

    public init(_ entries: [CatalogEntry]) {
        self.entries = entries
        var index: [String: Int] = [:]
        for (offset, entry) in entries.enumerated() { index[entry.key] = offset }
        self.byKey = index
    }

    public var count: Int { entries.count }

    /// The entry with this key, or nil when the key is not in the catalog.
    public func entry(forKey key: String) -> CatalogEntry? {
        byKey[key].map { entries[$0] }
    }

    /// Whether the key belongs to the catalog.
    public func contains(key: String) -> Bool { byKey[key] != nil }
}

/// The catalogs every process uses: states, the process's municipalities, INALI's
/// indigenous linguistic groupings and countries (Mexico left out, for migrants).
public struct Catalogs: Sendable, Hashable {
    /// The 32 federal entities (INEGI keys "01"…"32").
    public let states: Catalog
    /// The municipalities of the process's entity (INEGI keys, e.g. 125 for Jalisco).
    public let municipalities: Catalog
    /// INALI's 68 linguistic groupings.
    public let indigenousPeoples: Catalog
    /// Countries of residence for Mexican migrants (ISO 3166 alpha-3 keys, Spanish names).
    public let countries: Catalog

    public init(states: Catalog, municipalities: Catalog, indigenousPeoples: Catalog, countries: Catalog) {
        self.states = states
        self.municipalities = municipalities
        self.indigenousPeoples = indigenousPeoples
        self.countries = countries
    }
}
