import Foundation
import Mustache

/// A view as the templates read it, each structure reflected once.
///
/// swift-mustache looks up every `{{name}}` with a new `Mirror` of the object, filtering all of
/// its fields (and one more `Mirror` to unwrap an optional); on Linux each field read through
/// a `Mirror` demangles its type. A capture page of about 40 names over views of 10–20 fields
/// then spent most of its CPU in the Swift runtime's reflection (`perf` during `scripts/load`:
/// 54 % of `conoceles serve` in libswiftCore, `getFieldAt`, demangling, casts), more than bcrypt
/// in a sign-in storm. Here each structure's fields are read once into a dictionary, when a
/// template first looks into it; leaves and the library's own protocols pass through as they
/// are, so a page renders the same text (checked on every render of the test runs,
/// `Templates.checksReflection`).
final class MustacheView: MustacheParent, MustacheCustomRenderable, @unchecked Sendable {
    /// The structure, as given.
    let value: Any
    /// Its fields by label, read on first use (a render runs on one task).
    private var fields: [String: Any]?

    private init(_ value: Any) { self.value = value }

    func child(named name: String) -> Any? {
        if fields == nil { fields = Self.fields(of: value) }
        return fields?[name]
    }

    /// As the library renders the structure itself (`{{.}}` or `{{view}}`): its description.
    var renderText: String { String(describing: value) }
    var isNull: Bool { false }

    /// The first field of each label, as `Mirror.getValue(forKey:)` finds it; nil fields left
    /// out, so a lookup goes on up the context stack as it does for a nil field.
    static func fields(of value: Any) -> [String: Any] {
        var fields: [String: Any] = [:]
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, fields[label] == nil else { continue }
            if let wrapped = wrap(child.value) { fields[label] = wrapped }
        }
        return fields
    }

    /// `value` for a template: nil for a nil optional, leaves and the library's own types as
    /// they are, arrays element by element, other structures and classes wrapped.
    static func wrap(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int, is Double, is Date, is Substring:
            return value
        case is MustacheParent, is MustacheCustomRenderable, is MustacheLambda, is MustacheCustomRepresentation,
            is MustacheTemplate, is MustacheTransformable:
            // Arrays are transformable (`count`, `first`, …) but their elements are structures.
            // Arrays of leaves stay as they are (and keep their own transforms, `sorted`…).
            if let array = value as? [Any] {
                let mapped = array.map { wrap($0) ?? $0 }
                return mapped.contains { $0 is MustacheView } ? mapped : value
            }
            return value
        default:
            break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let first = mirror.children.first else { return nil }
            return wrap(first.value)
        case .collection:
            return mirror.children.map { wrap($0.value) ?? $0.value }
        case .struct, .class, .tuple:
            return MustacheView(value)
        default:
            // Enums, sets, dictionaries and values without structure: as they are.
            return value
        }
    }
}
