import Mustache

// The views a capture form repeats most (a select of the country catalog holds about 250
// options; the identity questionnaire renders dozens of questions), read by the templates
// without reflection (`MustacheView`). Each lists every stored property; the test runs compare
// every render with the reflected one (`Templates.checksReflection`), so a property left out
// here fails the test suites.

extension OptionView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension QuestionView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        case "label": label
        case "options": options
        case "error": error
        case "radio": radio
        case "checkbox": checkbox
        case "select": select
        case "other": other
        case "errorID": errorID
        case "staffNotes": staffNotes
        case "optionsHTML": optionsHTML
        default: nil
        }
    }
}

extension InputView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        case "label": label
        case "type": type
        case "value": value
        case "error": error
        case "staffNotes": staffNotes
        case "limit": limit
        case "minimum": minimum
        case "hint": hint
        case "inputMode": inputMode
        case "autocomplete": autocomplete
        case "describedBy": describedBy
        default: nil
        }
    }
}

extension SectionView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "questions": questions
        case "followUps": followUps
        default: nil
        }
    }
}

extension FollowUpsView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "legend": legend
        case "questions": questions
        case "note": note
        default: nil
        }
    }
}
