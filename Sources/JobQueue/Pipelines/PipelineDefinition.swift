import Foundation
import Yams

/// A named pipeline from `pipelines/<name>.yaml`: the small DAG of job kinds that a domain
/// event starts. Every step receives the run's arguments.
public struct PipelineDefinition: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// Unique within the pipeline.
        public let name: String
        public let kind: String
        /// Steps that must complete before this one is inserted.
        public let after: [String]

        public init(name: String, kind: String, after: [String] = []) {
            self.name = name
            self.kind = kind
            self.after = after
        }
    }

    public let name: String
    /// The domain event that starts it, e.g. `candidacy.approved`.
    public let event: String
    public let steps: [Step]

    public init(name: String, event: String, steps: [Step]) throws(JobCatalog.DefinitionError) {
        self.name = name
        self.event = event
        self.steps = steps
        try validate(file: "pipelines/\(name).yaml")
    }

    public func step(named name: String) -> Step? { steps.first { $0.name == name } }

    /// Steps with no predecessor: inserted when the run starts.
    public var roots: [Step] { steps.filter { $0.after.isEmpty } }

    /// Unique names, known predecessors, no cycle.
    func validate(file: String) throws(JobCatalog.DefinitionError) {
        guard !steps.isEmpty else { throw .init(file: file, key: "steps", reason: "el flujo no tiene pasos") }
        var names: Set<String> = []
        for step in steps {
            guard names.insert(step.name).inserted else { throw .init(file: file, key: step.name, reason: "paso repetido") }
        }
        for step in steps {
            for before in step.after where !names.contains(before) {
                throw .init(file: file, key: "\(step.name).after", reason: "el paso «\(before)» no existe")
            }
        }
        // Kahn's algorithm: every step must become reachable from the roots.
        var indegree = Dictionary(uniqueKeysWithValues: steps.map { ($0.name, $0.after.count) })
        var ready = steps.filter { $0.after.isEmpty }.map(\.name)
        var seen = 0
        while let name = ready.popLast() {
            seen += 1
            for next in steps where next.after.contains(name) {
                indegree[next.name]! -= 1
                if indegree[next.name] == 0 { ready.append(next.name) }
            }
        }
        guard seen == steps.count else { throw .init(file: file, key: "steps", reason: "los pasos forman un ciclo") }
    }

    /// Reads every `*.yaml` of the folder; `knownKinds` (the kinds with a worker) are checked.
    /// A folder that cannot be read is an error (a wrong `paths.pipelines` would otherwise run
    /// without pipelines: approvals would issue no accounts); an empty folder means none.
    public static func loadAll(directory: String, knownKinds: Set<String>? = nil) throws(JobCatalog.DefinitionError) -> [PipelineDefinition] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .init(file: directory, key: "-", reason: "no se puede leer la carpeta de pipelines / cannot read the pipelines folder")
        }
        let files = entries.filter { $0.hasSuffix(".yaml") }.sorted()
        var result: [PipelineDefinition] = []
        for file in files {
            let path = "\(directory)/\(file)"
            let map = try JobCatalog.yamlMap(path)
            for key in map.keys where !["name", "event", "steps"].contains(key) {
                throw .init(file: path, key: key, reason: "clave desconocida (válidas: name, event, steps)")
            }
            guard let name = map["name"] as? String, file == "\(name).yaml" else {
                throw .init(file: path, key: "name", reason: "falta, o no coincide con el nombre del archivo")
            }
            guard let event = map["event"] as? String else { throw .init(file: path, key: "event", reason: "falta el evento") }
            guard let list = map["steps"] as? [[String: Any]] else { throw .init(file: path, key: "steps", reason: "debe ser una lista") }
            var steps: [Step] = []
            for (index, item) in list.enumerated() {
                guard let stepName = item["name"] as? String, let kind = item["kind"] as? String else {
                    throw .init(file: path, key: "steps[\(index)]", reason: "requiere name y kind")
                }
                if let knownKinds, !knownKinds.contains(kind) {
                    throw .init(file: path, key: "\(stepName).kind", reason: "no hay un trabajador para «\(kind)»")
                }
                steps.append(Step(name: stepName, kind: kind, after: (item["after"] as? [String]) ?? []))
            }
            let definition = try PipelineDefinition(name: name, event: event, steps: steps)
            try definition.validate(file: path)
            result.append(definition)
        }
        return result
    }
}
