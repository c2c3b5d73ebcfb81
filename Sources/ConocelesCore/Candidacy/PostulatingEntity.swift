/// Who postulates a candidacy: a party, a coalition, a common candidacy (several parties
/// without a coalition agreement) or the person on their own (candidatura independiente).
/// Party and coalition codes refer to the `ElectionProcess`; an independent candidacy is
/// identified by the registration system's key for it.
///
/// Encoded as `{"kind": "partido" | "coalicion" | "candidatura_comun" | "independiente", "code": "…"}`.
public enum PostulatingEntity: Sendable, Hashable, Codable {
    /// A political party, by its code in the process (`PAN`, `MC`).
    case party(code: String)
    /// A coalition, by its code in the process.
    case coalition(code: String)
    /// A common candidacy, by its code in the process.
    case commonCandidacy(code: String)
    /// An independent candidacy, by the registration system's key for it.
    case independent(code: String)

    /// The kind of entity, with the stable raw values used in JSON and files.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case party = "partido"
        case coalition = "coalicion"
        case commonCandidacy = "candidatura_comun"
        case independent = "independiente"
    }

    /// The kind of entity.
    public var kind: Kind {
        switch self {
        case .party: .party
        case .coalition: .coalition
        case .commonCandidacy: .commonCandidacy
        case .independent: .independent
        }
    }

    /// The code of the party, coalition, common candidacy or independent candidacy.
    public var code: String {
        switch self {
        case .party(let code), .coalition(let code), .commonCandidacy(let code), .independent(let code): code
        }
    }

    /// Builds the entity of `kind` with `code`.
    public init(kind: Kind, code: String) {
        switch kind {
        case .party: self = .party(code: code)
        case .coalition: self = .coalition(code: code)
        case .commonCandidacy: self = .commonCandidacy(code: code)
        case .independent: self = .independent(code: code)
        }
    }

    /// The Spanish name to show (INE's `PARTIDO_COALICION`): the party's or coalition's
    /// name in `process`, "Candidatura independiente" for an independent candidacy, or
    /// nil when the code is not part of the process.
    public func displayName(in process: ElectionProcess) -> String? {
        switch self {
        case .party(let code):
            return process.party(code: code)?.name
        case .coalition(let code):
            return process.coalition(code: code).flatMap { $0.kind == .coalition ? $0.name : nil }
        case .commonCandidacy(let code):
            return process.coalition(code: code).flatMap { $0.kind == .commonCandidacy ? $0.name : nil }
        case .independent:
            return "Candidatura independiente"
        }
    }

    /// Whether the entity exists in `process` with the right kind (independent
    /// candidacies are not listed in the process and always pass).
    public func belongs(to process: ElectionProcess) -> Bool {
        displayName(in: process) != nil
    }

    private enum CodingKeys: String, CodingKey { case kind, code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try container.decode(Kind.self, forKey: .kind), code: try container.decode(String.self, forKey: .code))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(code, forKey: .code)
    }
}
