import Foundation
import Yams

/// Every job kind's policy, the queues' concurrency and the cron schedules, as read from
/// `jobs/`. A kind that is not in the catalog runs with the defaults of `JobKindPolicy`.
public struct JobCatalog: Sendable {
    public private(set) var policies: [String: JobKindPolicy]
    /// Jobs a process runs at once per queue (`jobs/queues.yaml`).
    public private(set) var queues: [String: Int]
    /// Periodic jobs (`jobs/schedules.yaml`).
    public private(set) var schedules: [CronSchedule]

    public init(policies: [JobKindPolicy] = [], queues: [String: Int] = ["default": 10], schedules: [CronSchedule] = []) {
        self.policies = Dictionary(policies.map { ($0.kind, $0) }, uniquingKeysWith: { $1 })
        self.queues = queues
        self.schedules = schedules
    }

    /// The policy of a kind (the defaults when the kind has no file).
    public func policy(for kind: String) -> JobKindPolicy {
        policies[kind] ?? JobKindPolicy(kind: kind)
    }

    /// A file in `jobs/` that is wrong; names the file, the key and the reason in Spanish.
    public struct DefinitionError: Error, Sendable, CustomStringConvertible {
        public let file: String
        public let key: String
        public let reason: String
        public var description: String { "Definición de trabajos inválida en \(file), clave «\(key)»: \(reason)" }
    }

    /// Reads `jobs/*.yaml`. `known` lists the kinds that have a worker: a file for any other
    /// kind, or a schedule that enqueues one, is an error, and so is a kind of `known` without
    /// its file (it would run on the engine's defaults, silently).
    public static func load(directory: String, knownKinds known: Set<String>? = nil) throws(DefinitionError) -> JobCatalog {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw DefinitionError(file: directory, key: "-", reason: "no se puede leer la carpeta")
        }
        var catalog = JobCatalog()
        for file in files {
            let path = "\(directory)/\(file)"
            let map = try yamlMap(path)
            switch file {
            case "queues.yaml":
                var queues: [String: Int] = [:]
                for (name, value) in map {
                    guard let n = value as? Int, (1...1_000).contains(n) else {
                        throw DefinitionError(file: path, key: name, reason: "la concurrencia debe ser un entero de 1 a 1000")
                    }
                    queues[name] = n
                }
                catalog.queues = queues
            case "schedules.yaml":
                catalog.schedules = try CronSchedule.parseList(map["schedules"], file: path)
            default:
                let policy = try parsePolicy(map, file: path)
                guard file == "\(policy.kind).yaml" else {
                    throw DefinitionError(file: path, key: "kind", reason: "el archivo debe llamarse \(policy.kind).yaml")
                }
                catalog.policies[policy.kind] = policy
            }
        }
        for policy in catalog.policies.values where catalog.queues[policy.queue] == nil {
            throw DefinitionError(
                file: "\(directory)/\(policy.kind).yaml", key: "queue",
                reason: "la cola «\(policy.queue)» no está en queues.yaml")
        }
        if let known {
            for kind in catalog.policies.keys where !known.contains(kind) {
                throw DefinitionError(file: "\(directory)/\(kind).yaml", key: "kind", reason: "no hay un trabajador para «\(kind)»")
            }
            for schedule in catalog.schedules where !known.contains(schedule.kind) {
                throw DefinitionError(
                    file: "\(directory)/schedules.yaml", key: schedule.name,
                    reason: "no hay un trabajador para «\(schedule.kind)»")
            }
            for kind in known.sorted() where catalog.policies[kind] == nil {
                throw DefinitionError(
                    file: "\(directory)/\(kind).yaml", key: "kind",
                    reason: """
                        falta el archivo: el trabajo «\(kind)» tiene trabajador pero no definición (cola, prioridad, intentos, \
                        tiempo límite) / missing file: kind «\(kind)» has a worker but no definition
                        """)
            }
        }
        return catalog
    }

    static func yamlMap(_ path: String) throws(DefinitionError) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw DefinitionError(file: path, key: "-", reason: "no se puede leer")
        }
        do {
            guard let map = try Yams.load(yaml: text) as? [String: Any] else {
                throw DefinitionError(file: path, key: "-", reason: "se espera un mapa de claves")
            }
            return map
        } catch let error as DefinitionError {
            throw error
        } catch {
            throw DefinitionError(file: path, key: "-", reason: "YAML mal formado: \(error)")
        }
    }

    static func parsePolicy(_ map: [String: Any], file: String) throws(DefinitionError) -> JobKindPolicy {
        let allowed: Set<String> = ["kind", "queue", "priority", "max_attempts", "backoff", "timeout_seconds", "unique"]
        for key in map.keys where !allowed.contains(key) {
            throw DefinitionError(file: file, key: key, reason: "clave desconocida (válidas: \(allowed.sorted().joined(separator: ", ")))")
        }
        guard let kind = map["kind"] as? String, !kind.isEmpty else {
            throw DefinitionError(file: file, key: "kind", reason: "falta el tipo de trabajo")
        }
        var policy = JobKindPolicy(kind: kind)
        if let v = map["queue"] {
            guard let q = v as? String, !q.isEmpty else { throw DefinitionError(file: file, key: "queue", reason: "debe ser texto") }
            policy.queue = q
        }
        policy.priority = try int(map["priority"], default: policy.priority, in: 0...9, file: file, key: "priority")
        policy.maxAttempts = try int(map["max_attempts"], default: policy.maxAttempts, in: 1...1_000, file: file, key: "max_attempts")
        policy.timeoutSeconds = try number(map["timeout_seconds"], default: policy.timeoutSeconds, in: 0.01...86_400, file: file, key: "timeout_seconds")
        if let backoff = map["backoff"] {
            guard let b = backoff as? [String: Any] else { throw DefinitionError(file: file, key: "backoff", reason: "debe ser un mapa") }
            for key in b.keys where !["base_seconds", "max_seconds", "jitter"].contains(key) {
                throw DefinitionError(file: file, key: "backoff.\(key)", reason: "clave desconocida")
            }
            policy.backoff.baseSeconds = try number(b["base_seconds"], default: 1, in: 0...86_400, file: file, key: "backoff.base_seconds")
            policy.backoff.maxSeconds = try number(b["max_seconds"], default: 3_600, in: 0...2_592_000, file: file, key: "backoff.max_seconds")
            policy.backoff.jitter = try number(b["jitter"], default: 0.1, in: 0...1, file: file, key: "backoff.jitter")
        }
        if let unique = map["unique"] {
            guard let u = unique as? [String: Any] else { throw DefinitionError(file: file, key: "unique", reason: "debe ser un mapa") }
            guard let scopeText = u["scope"] as? String, let scope = JobKindPolicy.UniqueRule.Scope(rawValue: scopeText) else {
                throw DefinitionError(file: file, key: "unique.scope", reason: "debe ser live o window")
            }
            let window = try int(u["window_seconds"], default: 0, in: 0...31_536_000, file: file, key: "unique.window_seconds")
            if scope == .window && window == 0 {
                throw DefinitionError(file: file, key: "unique.window_seconds", reason: "obligatorio con scope: window")
            }
            let by = (u["by"] as? [Any])?.map { "\($0)" } ?? []
            policy.unique = .init(scope: scope, windowSeconds: window, by: by)
        }
        return policy
    }

    static func int(_ value: Any?, default def: Int, in range: ClosedRange<Int>, file: String, key: String) throws(DefinitionError) -> Int {
        guard let value else { return def }
        guard let n = value as? Int, range.contains(n) else {
            throw DefinitionError(file: file, key: key, reason: "debe ser un entero de \(range.lowerBound) a \(range.upperBound)")
        }
        return n
    }

    static func number(_ value: Any?, default def: Double, in range: ClosedRange<Double>, file: String, key: String) throws(DefinitionError) -> Double {
        guard let value else { return def }
        let n: Double? = (value as? Double) ?? (value as? Int).map(Double.init)
        guard let n, range.contains(n) else {
            throw DefinitionError(file: file, key: key, reason: "debe ser un número de \(range.lowerBound) a \(range.upperBound)")
        }
        return n
    }
}
