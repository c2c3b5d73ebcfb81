import ConocelesCore
import CSV
import Foundation
import Yams

/// Loads an electoral process (`config/processes/<id>.yaml`) and its catalogs
/// (`config/catalogs/*.csv`) into typed values, with Spanish errors naming the file.
public enum ProcessLoader {
    /// A process file or catalog that could not be read or does not hold together.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "No se pudo cargar \(file): \(reason)" }
    }

    /// Names of the shared catalog files in `config/catalogs/`.
    public enum CatalogFile {
        public static let states = "entidades-federativas.csv"
        public static let indigenousPeoples = "pueblos-indigenas-inali.csv"
        public static let countries = "paises.csv"
    }

    /// Reads and checks the process with this identifier and the catalogs it names.
    public static func load(processID: String, configDirectory: String) throws(LoadError) -> (ElectionProcess, Catalogs) {
        let path = "\(configDirectory)/processes/\(processID).yaml"
        let text = try readText(path)
        let process: ElectionProcess
        do {
            process = try YAMLDecoder().decode(ElectionProcess.self, from: text)
        } catch {
            throw LoadError(file: path, reason: describe(error))
        }
        guard process.id == processID else {
            throw LoadError(
                file: path,
                reason: "«id: \(process.id)» no coincide con el nombre del archivo (\(processID).yaml, el que nombra "
                    + "process.id): cambie uno de los dos para que sean iguales")
        }
        try checkKnownKeys(process, text: text, path: path)
        let municipalitiesPath = "\(configDirectory)/catalogs/\(process.municipalitiesCatalog)"
        let catalogs = Catalogs(
            states: try loadCatalog("\(configDirectory)/catalogs/\(CatalogFile.states)", key: "clave_inegi", name: "entidad"),
            municipalities: try loadCatalog(municipalitiesPath, key: "clave_inegi", name: "municipio"),
            indigenousPeoples: try loadCatalog(
                "\(configDirectory)/catalogs/\(CatalogFile.indigenousPeoples)", key: "clave", name: "agrupacion_linguistica"),
            countries: try loadCatalog("\(configDirectory)/catalogs/\(CatalogFile.countries)", key: "iso_alpha3", name: "pais"))
        try check(process, catalogs: catalogs, path: path)
        try checkMunicipalitiesBelong(to: process.entity, catalog: municipalitiesPath, processPath: path)
        try checkRules(process.rules, text: text, path: path)
        return (process, catalogs)
    }

    /// Refuses a key the process types do not read (a typo would otherwise silently leave the
    /// default), naming its path (`offices[2].sceats`) and the keys valid there. The keys a
    /// file may use are those the decoded process encodes back (same coding keys); a key
    /// written with an empty value (`final_report:`) is not flagged.
    static func checkKnownKeys(_ process: ElectionProcess, text: String, path: String) throws(LoadError) {
        guard let yaml = try? Yams.load(yaml: text),
            let data = try? JSONEncoder().encode(process),
            let known = try? JSONSerialization.jsonObject(with: data)
        else { return }
        var allowed = Set<String>()
        if let unknown = unknownKey(in: yaml, known: known, at: "", allowedHere: &allowed) {
            throw LoadError(
                file: path,
                reason: "la clave «\(unknown)» no existe (¿un error de escritura?); en ese lugar valen: "
                    + allowed.sorted().joined(separator: ", "))
        }
    }

    static func unknownKey(in yaml: Any, known: Any, at path: String, allowedHere: inout Set<String>) -> String? {
        if let mapping = yaml as? [String: Any] {
            guard let knownMapping = known as? [String: Any] else { return nil }
            var candidates = Set(knownMapping.keys)
            candidates.formUnion(optionalKeys[lastKey(path)] ?? [])
            for key in mapping.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let value = knownMapping[key] else {
                    if mapping[key] is NSNull || candidates.contains(key) { continue }
                    allowedHere = candidates
                    return child
                }
                if let found = unknownKey(in: mapping[key]!, known: value, at: child, allowedHere: &allowedHere) { return found }
            }
        } else if let sequence = yaml as? [Any], let knownSequence = known as? [Any] {
            for (index, item) in sequence.enumerated() where index < knownSequence.count {
                if let found = unknownKey(in: item, known: knownSequence[index], at: "\(path)[\(index)]", allowedHere: &allowedHere) {
                    return found
                }
            }
        }
        return nil
    }

    /// Optional keys an encoded process leaves out when they are absent (nil), by section.
    static let optionalKeys: [String: Set<String>] = [
        "deadlines": ["reminder_days_before", "progress_reports", "final_report", "campaign_end"]
    ]

    static func lastKey(_ path: String) -> String {
        String(path.split(separator: ".").last.map { $0.split(separator: "[").first ?? $0 } ?? "")
    }

    /// The municipalities catalog must be the entity's: a `clave_entidad` column equal to the
    /// process's `entity` in every row (another state's catalog would make every municipal
    /// candidacy land in the wrong places).
    static func checkMunicipalitiesBelong(to entity: String, catalog path: String, processPath: String) throws(LoadError) {
        let text = try readText(path)
        guard let reader = try? CSVReader(string: text, hasHeaderRow: true), let header = reader.headerRow else {
            throw LoadError(file: path, reason: "CSV mal formado")
        }
        guard let column = header.firstIndex(of: "clave_entidad") else {
            throw LoadError(
                file: path,
                reason: "falta la columna «clave_entidad» (la clave INEGI de la entidad, \(entity), en cada fila): "
                    + "así se comprueba que el catálogo es el de la entidad del proceso")
        }
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.count == 1 && row[0].isEmpty { continue }
            guard row.count > column, row[column] == entity else {
                let found = row.count > column ? row[column] : ""
                throw LoadError(
                    file: processPath,
                    reason: "«municipalities_catalog» (\(path)) no es de la entidad «\(entity)»: "
                        + "la fila \(line) es de la entidad «\(found)»")
            }
        }
    }

    /// The process of `configuration` (`process.id` in `config.directory`) with the photo's
    /// size limit of `photo.max_bytes` in its rules: the one setting the upload, the
    /// `photo.check` job, completeness, the pages and `conoceles photo check` all read.
    public static func load(configuration: AppConfiguration) throws(LoadError) -> (ElectionProcess, Catalogs) {
        var (process, catalogs) = try load(processID: configuration.processID, configDirectory: configuration.configDirectory)
        process.rules.photoMaximumBytes = configuration.photo.maxBytes
        return (process, catalogs)
    }

    /// The `rules:` of a process file: usable limits and catalogs (`ValidationRules.problems`),
    /// and no photo size of its own (that limit is `photo.max_bytes`, one setting for every path).
    static func checkRules(_ rules: ValidationRules, text: String, path: String) throws(LoadError) {
        if let problem = rules.problems().first {
            throw LoadError(file: path, reason: "rules.\(problem)")
        }
        let root = (try? Yams.load(yaml: text)) as? [String: Any]
        if let section = root?["rules"] as? [String: Any], section["photo_maximum_bytes"] != nil {
            throw LoadError(
                file: path,
                reason: "«rules.photo_maximum_bytes» no se configura aquí: el tamaño máximo de la foto es "
                    + "«photo.max_bytes» de config/conoceles.yaml, el mismo para la carga, la revisión y la completitud")
        }
    }

    /// Reads a CSV catalog with a header row, taking the `key` and `name` columns.
    public static func loadCatalog(_ path: String, key: String, name: String) throws(LoadError) -> Catalog {
        let text = try readText(path)
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            guard let header = reader.headerRow, let keyIndex = header.firstIndex(of: key),
                let nameIndex = header.firstIndex(of: name)
            else { throw LoadError(file: path, reason: "faltan las columnas «\(key)» y «\(name)»") }
            var entries: [CatalogEntry] = []
            var seen: Set<String> = []
            while let row = reader.next() {
                if row.count == 1 && row[0].isEmpty { continue }
                guard row.count > max(keyIndex, nameIndex) else {
                    throw LoadError(file: path, reason: "la fila \(entries.count + 2) tiene \(row.count) columnas")
                }
                let entry = CatalogEntry(key: row[keyIndex], name: row[nameIndex])
                guard seen.insert(entry.key).inserted else {
                    throw LoadError(file: path, reason: "la clave «\(entry.key)» está repetida")
                }
                entries.append(entry)
            }
            return Catalog(entries)
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(file: path, reason: "CSV mal formado: \(error)")
        }
    }

    static func readText(_ path: String) throws(LoadError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, reason: "el archivo no existe o no se puede leer")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: path, reason: "no está en UTF-8")
        }
        return text
    }

    /// Cross-checks that make a process file coherent: unique codes, coalitions of known parties.
    static func check(_ process: ElectionProcess, catalogs: Catalogs, path: String) throws(LoadError) {
        func unique(_ codes: [String], _ what: String) throws(LoadError) {
            var seen: Set<String> = []
            for code in codes where !seen.insert(code).inserted {
                throw LoadError(file: path, reason: "\(what) «\(code)» está repetido")
            }
        }
        try unique(process.offices.map(\.code), "el cargo")
        try unique(process.parties.map(\.code) + process.coalitions.map(\.code), "el partido o coalición")
        for coalition in process.coalitions {
            for party in coalition.parties where process.party(code: party) == nil {
                throw LoadError(file: path, reason: "la coalición «\(coalition.code)» incluye el partido desconocido «\(party)»")
            }
        }
        guard catalogs.states.contains(key: process.entity) else {
            throw LoadError(file: path, reason: "la entidad «\(process.entity)» no está en el catálogo de entidades")
        }
        guard TimeZone(identifier: process.timeZone) != nil else {
            throw LoadError(file: path, reason: "la zona horaria «\(process.timeZone)» no existe")
        }
        guard process.districts >= 0, process.offices.allSatisfy({ $0.seats > 0 }) else {
            throw LoadError(file: path, reason: "los distritos y escaños deben ser positivos")
        }
        if process.districts == 0, let office = process.offices.first(where: { $0.scope == .district }) {
            throw LoadError(file: path, reason: "el cargo «\(office.code)» se elige por distrito, pero el proceso no tiene distritos (districts: 0)")
        }
        try checkSchedule(process, path: path)
    }

    /// Reminders and reports: reminder days between 0 and 90 without repeats, periodic
    /// reports before election day, the final one after it and within four months.
    static func checkSchedule(_ process: ElectionProcess, path: String) throws(LoadError) {
        let deadlines = process.deadlines
        let key = "deadlines"
        for day in deadlines.reminderDaysBefore where !(0...90).contains(day) {
            throw LoadError(file: path, reason: "«\(key).reminder_days_before» admite días entre 0 y 90, no \(day)")
        }
        guard Set(deadlines.reminderDaysBefore).count == deadlines.reminderDaysBefore.count else {
            throw LoadError(file: path, reason: "«\(key).reminder_days_before» tiene días repetidos")
        }
        for date in process.progressReportDates where date >= process.electionDay {
            throw LoadError(file: path, reason: "«\(key).progress_reports»: el informe del \(date) debe ser anterior a la jornada electoral")
        }
        let final = process.finalReportDate
        guard final > process.electionDay, final <= process.electionDay.addingMonths(4) else {
            throw LoadError(
                file: path,
                reason:
                    "«\(key).final_report» (\(final)) debe caer dentro de los 4 meses posteriores a la jornada electoral")
        }
        guard process.campaignEndDate < process.electionDay else {
            throw LoadError(file: path, reason: "«\(key).campaign_end» debe ser anterior a la jornada electoral")
        }
        guard process.publicationDate < process.electionDay else {
            throw LoadError(
                file: path, reason: "«publication_date» (\(process.publicationDate)) debe ser anterior a la jornada electoral (\(process.electionDay))")
        }
        for date in deadlines.captureDeadlines where date >= process.electionDay {
            throw LoadError(
                file: path, reason: "«\(key).capture_deadlines»: el plazo del \(date) debe ser anterior a la jornada electoral (\(process.electionDay))")
        }
        guard (1...30).contains(deadlines.accountsSentDays) else {
            throw LoadError(file: path, reason: "«\(key).accounts_sent_days» admite de 1 a 30 días naturales, no \(deadlines.accountsSentDays)")
        }
        guard (1...30).contains(deadlines.substituteCaptureDays) else {
            throw LoadError(file: path, reason: "«\(key).substitute_capture_days» admite de 1 a 30 días naturales, no \(deadlines.substituteCaptureDays)")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "falta la clave «\(path(context.codingPath + [key]))»"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "valor de tipo incorrecto en «\(path(context.codingPath))»"
        case DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) en «\(path(context.codingPath))»"
        default:
            return String(describing: error)
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
