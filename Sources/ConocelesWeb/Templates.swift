import Foundation
import ConocelesCore
import Mustache

/// HTML escaping for the templates (`String.htmlEscaped`).
struct EscapedHTML: MustacheContentType {
    static let name = "HTML_BYTES"
    func escapeText(_ text: String) -> String { text.htmlEscaped }
}

/// The Mustache templates of the site (`Templates/*.mustache`, shipped as resources), loaded
/// once. A template is named by its path without the extension (`sesion/entrar`).
/// `{{name}}` escapes HTML (including quotes); only `{{{body}}}` in the layout is raw.
enum Templates {
    static let library: MustacheLibrary = {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Templates") else {
            fatalError("the Templates resource folder is missing from the bundle")
        }
        // Every `{{name}}` is escaped by `String.htmlEscaped` (byte by byte: see there), not by
        // the library's own HTML type, which compares characters and so leaves a quote followed
        // by a combining mark unescaped. Every template starts with the pragma that sets it (a
        // partial starts again from the library's type, so each one needs its own).
        MustacheContentTypes.register(EscapedHTML(), named: EscapedHTML.name)
        var library = MustacheLibrary()
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            let name = String(url.path.dropFirst(root.path.count + 1).dropLast(".mustache".count))
            do {
                let text = "{{% CONTENT_TYPE: \(EscapedHTML.name)}}" + (try String(contentsOf: url, encoding: .utf8))
                try library.register(text, named: name)
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
