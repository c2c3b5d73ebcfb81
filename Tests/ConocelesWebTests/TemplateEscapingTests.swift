@testable import ConocelesWeb
import ConocelesCore
import Mustache
import Testing

/// Every `{{name}}` of the site goes through `String.htmlEscaped` (byte by byte), and the
/// options of a question are written in Swift (`QuestionView.optionsHTML`): both must give the
/// markup the templates gave, and escape what a character-by-character escape let through.
@Suite("Template escaping and question options")
struct TemplateEscapingTests {
    @Test func theFiveCharactersAreEscapedAndOtherTextIsKept() {
        #expect("a & b < c > d \" e ' f".htmlEscaped == "a &amp; b &lt; c &gt; d &quot; e &#39; f")
        #expect("Ñuñoa, José María — 12 años".htmlEscaped == "Ñuñoa, José María — 12 años")
        #expect("".htmlEscaped == "")
        // A quote or `<` followed by a combining mark is one Character; its byte is still escaped.
        #expect("x\"\u{301} onmouseover=alert(1)".htmlEscaped == "x&quot;\u{301} onmouseover=alert(1)")
        #expect("<\u{338}script>".htmlEscaped == "&lt;\u{338}script&gt;")
    }

    @Test func templatesEscapeWithIt() {
        // Through the site's library: an id with a combining mark after its quote stays inside
        // its attribute (the library's own escape compares characters and let it out).
        // The "¿Cuál?" field is a partial (`captura/campo`), which starts from the library's type.
        let other = InputView(id: "cual", label: "Cuál", value: "v\"\u{301} autofocus onfocus=alert(2) w")
        let question = QuestionView(
            id: "x\"\u{301} autofocus onfocus=alert(1) y", name: "n", label: "L", options: [], error: nil, radio: false,
            checkbox: false, select: true, other: other, errorID: nil)
        let page = Templates.render("captura/pregunta", question)
        let escaped = "id=\"x&quot;\u{301} autofocus onfocus=alert(1) y\""
        let escapedInPartial = "value=\"v&quot;\u{301} autofocus onfocus=alert(2) w\""
        let raw = "\"\u{301}"
        #expect(page.contains(escaped))
        #expect(page.contains(escapedInPartial))
        #expect(!page.contains(raw))
    }

    @Test func selectOptionsAreWrittenAsTheTemplateWroteThem() {
        let question = QuestionView(
            id: "pais", name: "pais", label: "País",
            options: [
                OptionView(id: "", value: "", label: "Elija una opción", selected: false),
                OptionView(id: "", value: "MX", label: "México", selected: true),
                OptionView(id: "", value: "X\"Y", label: "<b>Otro</b> & más", selected: false),
            ],
            error: nil, radio: false, checkbox: false, select: true, other: nil, errorID: nil)
        #expect(
            question.optionsHTML
                == "<option value=\"\">Elija una opción</option>\n<option value=\"MX\" selected>México</option>\n"
                + "<option value=\"X&quot;Y\">&lt;b&gt;Otro&lt;/b&gt; &amp; más</option>\n")
        let page = Templates.render("captura/pregunta", question)
        #expect(page.contains("<select id=\"pais\" name=\"pais\">\n<option value=\"\">Elija una opción</option>"))
        #expect(page.contains("más</option>\n</select>"))
    }

    @Test func radiosAndCheckboxesCarryTheirIDsNamesAndErrors() {
        let radios = QuestionView(
            id: "indigena", name: "indigena", label: "¿Se considera indígena?",
            options: [
                OptionView(id: "indigena-si", value: "si", label: "Sí", selected: true),
                OptionView(id: "indigena-no", value: "no", label: "No", selected: false),
            ],
            error: "Elija una opción.", radio: true, checkbox: false, select: false, other: nil, errorID: "indigena-error")
        #expect(
            radios.optionsHTML
                == "<div class=\"opcion\"><input type=\"radio\" id=\"indigena-si\" name=\"indigena\" value=\"si\" checked aria-invalid=\"true\"> "
                + "<label for=\"indigena-si\">Sí</label></div>\n"
                + "<div class=\"opcion\"><input type=\"radio\" id=\"indigena-no\" name=\"indigena\" value=\"no\" aria-invalid=\"true\"> "
                + "<label for=\"indigena-no\">No</label></div>\n")
        let boxes = QuestionView(
            id: "tipos", name: "tipos[]", label: "Tipos",
            options: [OptionView(id: "tipos-a", value: "a", label: "A", selected: false)],
            error: nil, radio: false, checkbox: true, select: false, other: nil, errorID: nil)
        #expect(
            boxes.optionsHTML
                == "<div class=\"opcion\"><input type=\"checkbox\" id=\"tipos-a\" name=\"tipos[]\" value=\"a\"> <label for=\"tipos-a\">A</label></div>\n")
        let page = Templates.render("captura/pregunta", boxes)
        #expect(page.contains("<label for=\"tipos-a\">A</label></div>\n</fieldset>"))
    }
}
