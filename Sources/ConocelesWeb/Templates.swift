import Foundation
import Mustache

/// The Mustache templates of the site (`Templates/*.mustache`, shipped as resources), loaded
/// once. A template is named by its path without the extension (`sesion/entrar`).
/// `{{name}}` escapes HTML (including quotes); only `{{{body}}}` in the layout is raw.
enum Templates {
    static let library: MustacheLibrary = {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Templates") else {
            fatalError("the Templates resource folder is missing from the bundle")
        }
        var library = MustacheLibrary()
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            let name = String(url.path.dropFirst(root.path.count + 1).dropLast(".mustache".count))
            do {
                try library.register(String(contentsOf: url, encoding: .utf8), named: name)
            } catch {
                fatalError("template \(name) does not parse: \(String(reflecting: error))")
            }
        }
        return library
    }()

    /// The names of every template (tests render each).
    static var names: [String] {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Templates") else { return [] }
        var names: [String] = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            names.append(String(url.path.dropFirst(root.path.count + 1).dropLast(".mustache".count)))
        }
        return names.sorted()
    }

    /// `template` rendered with `view` (reflected once per structure: `MustacheView`).
    static func render(_ template: String, _ view: Any) -> String {
        guard let text = library.render(MustacheView.wrap(view) as Any, withTemplate: template) else {
            fatalError("no template named \(template)")
        }
        if checksReflection {
            // The test runs (scripts/test sets CONOCELES_TEMPLATE_CHECK=1) render every page
            // both ways: the view as reflected once must give the text the plain view gives.
            let plain = library.render(view, withTemplate: template)
            precondition(plain == text, "template \(template) renders differently through MustacheView")
        }
        return text
    }

    /// Whether each render is checked against the plain view (`CONOCELES_TEMPLATE_CHECK=1`:
    /// the test runs; never in production or the demo, where it would double the work).
    static let checksReflection = ProcessInfo.processInfo.environment["CONOCELES_TEMPLATE_CHECK"] == "1"

    /// The folder of static files (`/estatico/`).
    static var staticFolder: String {
        Bundle.module.resourceURL?.appendingPathComponent("Static").path ?? "Static"
    }
}
