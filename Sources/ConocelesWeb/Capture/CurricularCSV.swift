import ConocelesCore
import Foundation

/// The curricular questionnaire as a spreadsheet, for representatives who capture hundreds
/// of candidacies: a template (written by `SpreadsheetWriter`: Spanish headers, one row per
/// candidacy with its current draft and that draft's revision) and the reading of the
/// filled-in file (by `SpreadsheetTable`, the reader of every uploaded CSV). It only moves
/// values between cells and the questionnaire; whether they are valid is the
/// questionnaire's own check (`CurricularQuestionnaire.completeness`), exactly as for the
/// form. An empty cell changes nothing; `eraseMarker` erases the field.
enum CurricularCSV {
    /// The column that names the candidacy of a row.
    static let idHeader = "Clave de la candidatura"
    /// The column with the revision of the questionnaire the row was downloaded with: a row
    /// whose questionnaire changed since then is refused, so an old file can't overwrite
    /// newer answers.
    static let revisionHeader = "Revisión (no la cambie)"
    /// A cell with this text (any case) erases its field; an empty cell leaves it as it is.
    static let eraseMarker = "BORRAR"
    /// Columns shown for orientation only; their values are ignored on upload.
    static let nameHeader = "Nombre"
    static let officeHeader = "Cargo"
    /// Rows per file at most (a party's candidacies fit many times over).
    static let maximumRows = 5_000

    /// An editable column: one field of the questionnaire that has a `csvHeader` in
    /// `CurricularField.all`, in that table's order.
    struct Column: Hashable, Sendable {
        let entry: CurricularField

        /// Every column, in the order of `CurricularField.all`.
        static let allCases: [Column] = CurricularField.all.filter { $0.csvHeader != nil }.map(Column.init)

        static func == (lhs: Column, rhs: Column) -> Bool { lhs.entry.field.id == rhs.entry.field.id }
        func hash(into hasher: inout Hasher) { hasher.combine(entry.field.id) }

        /// The Spanish header (`CurricularField.csvHeader`: lists say how to separate their entries).
        var header: String { entry.csvHeader ?? entry.listLabel }

        /// The cell of this column for `answers` (catalog values by their Spanish names).
        func cell(_ answers: CurricularQuestionnaire, rules: ValidationRules) -> String {
            switch entry.kind {
            case .text(let text): answers[keyPath: text.answer]
            case .photo: ""
            case .maximumDegree: answers.maximumDegree.map { name(of: $0, in: rules.educationLevels) } ?? ""
            case .degreeStatus: answers.degreeStatus.map { name(of: $0, in: rules.educationStatuses) } ?? ""
            case .otherTraining: answers.otherTraining.joined(separator: "\n")
            case .network(let network): answers.contact.address(of: network) ?? ""
            case .webPage: answers.contact.webPage ?? ""
            case .emails: answers.contact.emails.joined(separator: "\n")
            case .phones: answers.contact.phones.joined(separator: "\n")
            case .campaignHouseAddresses: answers.contact.campaignHouseAddresses.joined(separator: "\n")
            case .publicationAuthorization: answers.publicationAuthorization.map { $0 ? "Sí" : "No" } ?? ""
            }
        }

        /// Writes `cell` into `answers`; returns a Spanish problem when the cell cannot be
        /// read as a value at all (anything readable is left to the questionnaire's check).
        func write(_ cell: String, into answers: inout CurricularQuestionnaire, rules: ValidationRules) -> String? {
            var text = cell.trimmedOfWhiteSpace
            if text.isEmpty { return nil }  // an empty cell: no change
            if text.caseInsensitiveCompare(CurricularCSV.eraseMarker) == .orderedSame { text = "" }
            let optional: String? = text.isEmpty ? nil : text
            let lines = text.components(separatedBy: "\n").map(\.trimmedOfWhiteSpace).filter { !$0.isEmpty }
            switch entry.kind {
            case .text(let field): answers[keyPath: field.answer] = text
            case .photo: break
            case .maximumDegree: answers.maximumDegree = optional.map { key(of: $0, in: rules.educationLevels) }
            case .degreeStatus: answers.degreeStatus = optional.map { key(of: $0, in: rules.educationStatuses) }
            case .otherTraining: answers.otherTraining = lines
            case .network(.facebook): answers.contact.facebook = optional
            case .network(.twitter): answers.contact.twitter = optional
            case .network(.youtube): answers.contact.youtube = optional
            case .network(.instagram): answers.contact.instagram = optional
            case .network(.tiktok): answers.contact.tiktok = optional
            case .webPage: answers.contact.webPage = optional
            case .emails: answers.contact.emails = lines
            case .phones: answers.contact.phones = lines
            case .campaignHouseAddresses: answers.contact.campaignHouseAddresses = lines
            case .publicationAuthorization:
                switch text.lowercased() {
                case "": answers.publicationAuthorization = nil
                case "sí", "si": answers.publicationAuthorization = true
                case "no": answers.publicationAuthorization = false
                default: return "«\(header)»: «\(text.prefix(40))» no es una respuesta; escriba «Sí» o «No», o deje la celda vacía."
                }
            }
            return nil
        }

        private func name(of key: String, in catalog: [CatalogEntry]) -> String {
            catalog.first { $0.key == key }?.name ?? key
        }

        /// The key of the entry named `text` (or keyed so); otherwise `text` itself, which the
        /// questionnaire's check reports as not in the catalog.
        private func key(of text: String, in catalog: [CatalogEntry]) -> String {
            let wanted = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            return catalog.first {
                $0.name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) == wanted || $0.key == text
            }?.key ?? text
        }
    }

    /// One candidacy of the template.
    struct TemplateRow {
        let candidacyID: String
        let name: String
        let office: String
        let answers: CurricularQuestionnaire?
        /// The questionnaire's revision (0 when never saved).
        let revision: Int
    }

    /// The template: Spanish headers, one row per candidacy with its current draft and revision.
    static func template(_ rows: [TemplateRow], rules: ValidationRules = .default) -> String {
        var lines = [[idHeader, nameHeader, officeHeader, revisionHeader] + Column.allCases.map(\.header)]
        for row in rows {
            let answers = row.answers ?? CurricularQuestionnaire()
            lines.append([row.candidacyID, row.name, row.office, String(row.revision)] + Column.allCases.map { $0.cell(answers, rules: rules) })
        }
        return SpreadsheetWriter.document(lines)
    }

    /// A row of an uploaded file.
    struct Row: Sendable {
        /// The spreadsheet's row number (the header is row 1).
        let number: Int
        let candidacyID: String
        /// The revision the row was downloaded with; nil when the cell is not a number.
        let revision: Int?
        /// The editable columns the file has, by column.
        let cells: [Column: String]
        /// Why the row can't be read (a NUL character, more cells than columns).
        let problem: String?

        init(number: Int, candidacyID: String, revision: Int?, cells: [Column: String], problem: String? = nil) {
            self.number = number
            self.candidacyID = candidacyID
            self.revision = revision
            self.cells = cells
            self.problem = problem
        }
    }

    /// Why a file cannot be read at all (the message is Spanish).
    struct FileError: Error, Sendable {
        let message: String
    }

    /// The rows of an uploaded file, read by `SpreadsheetTable` (UTF-8 with or without BOM
    /// or Windows-1252; comma, semicolon or tab; any line end). Columns it lacks keep their
    /// current values; the revision column is required.
    static func read(_ bytes: [UInt8]) throws(FileError) -> [Row] {
        let table: SpreadsheetTable
        do {
            table = try SpreadsheetTable.read(bytes)
        } catch {
            throw FileError(message: error.message)
        }
        let header = table.header
        func index(of name: String) -> Int? { header.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame } }
        let again = "Descargue la plantilla y úsela sin cambiar sus encabezados."
        guard let idIndex = index(of: idHeader) else {
            throw FileError(message: "Falta la columna «\(idHeader)». \(again)")
        }
        let revisionIndex = index(of: revisionHeader)
        var columns: [(Int, Column)] = []
        for (index, name) in header.enumerated() where index != idIndex && index != revisionIndex && !name.isEmpty {
            if let column = Column.allCases.first(where: { $0.header.caseInsensitiveCompare(name) == .orderedSame }) {
                guard !columns.contains(where: { $0.1 == column }) else { throw FileError(message: "La columna «\(name)» está repetida.") }
                columns.append((index, column))
            } else if ![nameHeader, officeHeader].contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
                throw FileError(message: "La columna «\(name)» no es de la plantilla. \(again)")
            }
        }
        guard let revisionIndex else {
            throw FileError(
                message: "Falta la columna «\(revisionHeader)», con la que se sabe si una candidatura cambió después "
                    + "de descargar la plantilla. Descargue la plantilla de nuevo y capture en ella.")
        }
        guard table.rows.count <= maximumRows else {
            throw FileError(message: "El archivo tiene más de \(SpanishNumberFormat.format(maximumRows)) renglones; divídalo en varios.")
        }
        return table.rows.map { row in
            var cells: [Column: String] = [:]
            for (index, column) in columns { cells[column] = SpreadsheetCell.restored(row.cell(index)) }
            return Row(
                number: row.number, candidacyID: row.cell(idIndex).trimmedOfWhiteSpace,
                revision: Int(row.cell(revisionIndex).trimmedOfWhiteSpace),
                cells: cells, problem: row.nulProblem ?? row.overflowProblem(columns: header.count))
        }
    }

    /// `current` with the cells of `row` written over it (columns the file lacks are kept),
    /// and the cells that could not be read as values.
    static func answers(
        from row: Row, over current: CurricularQuestionnaire,
        rules: ValidationRules = .default
    ) -> (CurricularQuestionnaire, problems: [String]) {
        var answers = current
        var problems: [String] = []
        for column in Column.allCases {
            guard let cell = row.cells[column] else { continue }
            if let problem = column.write(cell, into: &answers, rules: rules) { problems.append(problem) }
        }
        return (answers, problems)
    }

    /// `answers` as the file would bring them back: what a template downloaded and uploaded
    /// unchanged reads as (so that an unchanged row is not saved again).
    static func roundTripped(_ answers: CurricularQuestionnaire, rules: ValidationRules = .default) -> CurricularQuestionnaire {
        let cells = Dictionary(uniqueKeysWithValues: Column.allCases.map { ($0, $0.cell(answers, rules: rules)) })
        return self.answers(from: Row(number: 0, candidacyID: "", revision: nil, cells: cells), over: answers, rules: rules).0
    }
}
