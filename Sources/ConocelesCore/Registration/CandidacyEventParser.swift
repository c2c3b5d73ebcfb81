/// Turns the wire form of an event (already decoded from JSON into `Wire`) into a
/// `CandidacyEvent`, collecting every field error with a Spanish message. Whether the
/// office, party or municipality exist is checked later, against the process, by
/// `Candidacy.inconsistencies(with:catalogs:)`: such an event is valid but not applicable.
public enum CandidacyEventParser {
    /// The JSON body, every field optional so that all problems can be reported at once.
    public struct Wire: Sendable, Codable {
        public var id: String?
        public var type: String?
        public var occurredAt: String?
        public var candidacy: WireCandidacy?
        public var candidacyId: String?
        public var replacesCandidacyId: String?

        /// An empty event, to fill field by field (the CSV import).
        public init() {}

        enum CodingKeys: String, CodingKey {
            case id, type, candidacy
            case occurredAt = "occurred_at"
            case candidacyId = "candidacy_id"
            case replacesCandidacyId = "replaces_candidacy_id"
        }
    }

    /// A candidacy as the registration system sends it.
    public struct WireCandidacy: Sendable, Codable {
        public var id: String?
        public var process: String?
        public var office: String?
        public var district: Int?
        public var municipality: String?
        public var listPosition: Int?
        public var formulaPosition: String?
        public var fullName: String?
        public var gender: String?
        public var age: Int?
        public var birthDate: String?
        public var affirmativeAction: String?
        public var postulatedByType: String?
        public var postulatedBy: String?
        public var email: String?
        public var phone: String?
        /// The representative of the party, coalition or independent candidacy, for its
        /// generic account (optional: sent with the first candidacy of each).
        public var representativeEmail: String?

        /// An empty candidacy, to fill field by field (the CSV import).
        public init() {}

        enum CodingKeys: String, CodingKey {
            case id, process, office, district, municipality, gender, age, email, phone
            case representativeEmail = "representative_email"
            case listPosition = "list_position"
            case formulaPosition = "formula_position"
            case fullName = "full_name"
            case birthDate = "birth_date"
            case affirmativeAction = "affirmative_action"
            case postulatedByType = "postulated_by_type"
            case postulatedBy = "postulated_by"
        }
    }

    /// The event, or every problem found.
    public static func parse(_ wire: Wire, processID: String) -> Result<CandidacyEvent, EventValidationErrors> {
        var errors: [EventFieldError] = []
        func missing(_ field: String, _ what: String) {
            errors.append(EventFieldError(field: field, code: "missing", message: "Falta \(what)."))
        }
        func invalid(_ field: String, _ message: String) {
            errors.append(EventFieldError(field: field, code: "invalid", message: message))
        }
        let id = wire.id?.trimmedOfWhiteSpace ?? ""
        if id.isEmpty {
            missing("id", "el identificador del evento")
        } else if id.count > 128 {
            invalid("id", "El identificador del evento no puede pasar de 128 caracteres.")
        }
        var kind: CandidacyEvent.Kind?
        if let type = wire.type {
            kind = CandidacyEvent.Kind(rawValue: type)
            if kind == nil {
                invalid("type", "Tipo de evento desconocido «\(type)»; use \(CandidacyEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        } else {
            missing("type", "el tipo de evento")
        }
        let occurredAt = wire.occurredAt?.trimmedOfWhiteSpace ?? ""
        if occurredAt.isEmpty {
            missing("occurred_at", "la fecha y hora del evento (ISO 8601)")
        } else if !looksLikeTimestamp(occurredAt) {
            invalid("occurred_at", "La fecha y hora «\(occurredAt)» no está en formato ISO 8601 (AAAA-MM-DDThh:mm:ssZ).")
        }

        var candidacy: Candidacy?
        var contact: RegistrationContact?
        var candidacyID = wire.candidacyId?.trimmedOfWhiteSpace ?? ""
        switch kind {
        case .cancelled:
            if candidacyID.isEmpty { candidacyID = wire.candidacy?.id?.trimmedOfWhiteSpace ?? "" }
            if candidacyID.isEmpty { missing("candidacy_id", "el identificador de la candidatura cancelada") }
        case .approved, .updated, .substituted:
            if let wc = wire.candidacy {
                (candidacy, contact) = parseCandidacy(wc, processID: processID, errors: &errors)
                candidacyID = candidacy?.id ?? wc.id ?? ""
            } else {
                missing("candidacy", "la candidatura")
            }
            if kind == .substituted, (wire.replacesCandidacyId?.trimmedOfWhiteSpace ?? "").isEmpty {
                missing("replaces_candidacy_id", "la candidatura que se sustituye")
            }
        case nil:
            break
        }
        guard errors.isEmpty, let kind else { return .failure(EventValidationErrors(fields: errors)) }
        if var substitute = candidacy, kind == .substituted {
            substitute.replacesCandidacyID = wire.replacesCandidacyId?.trimmedOfWhiteSpace
            candidacy = substitute
        }
        return .success(
            CandidacyEvent(
                id: id, kind: kind, occurredAt: occurredAt, candidacyID: candidacyID, candidacy: candidacy,
                replacesCandidacyID: kind == .substituted ? wire.replacesCandidacyId?.trimmedOfWhiteSpace : nil, contact: contact))
    }

    static func parseCandidacy(_ wc: WireCandidacy, processID: String, errors: inout [EventFieldError]) -> (Candidacy?, RegistrationContact?) {
        let before = errors.count
        func missing(_ field: String, _ what: String) {
            errors.append(EventFieldError(field: "candidacy.\(field)", code: "missing", message: "Falta \(what)."))
        }
        func invalid(_ field: String, _ message: String) {
            errors.append(EventFieldError(field: "candidacy.\(field)", code: "invalid", message: message))
        }
        let id = wc.id?.trimmedOfWhiteSpace ?? ""
        if id.isEmpty { missing("id", "el identificador de la candidatura") }
        if let process = wc.process, process != processID {
            invalid("process", "La candidatura es del proceso «\(process)», no de «\(processID)».")
        }
        let office = wc.office?.trimmedOfWhiteSpace ?? ""
        if office.isEmpty { missing("office", "el cargo") }
        let name = wc.fullName?.trimmedOfWhiteSpace ?? ""
        if name.isEmpty {
            missing("full_name", "el nombre completo")
        } else if name.count > 200 {
            invalid("full_name", "El nombre no puede pasar de 200 caracteres.")
        }
        let formula = wc.formulaPosition.flatMap(FormulaPosition.init(rawValue:))
        if wc.formulaPosition == nil {
            missing("formula_position", "si es propietario o suplente")
        } else if formula == nil {
            invalid("formula_position", "Use «propietario» o «suplente».")
        }
        let gender = wc.gender.flatMap(Gender.init(rawValue:))
        if wc.gender == nil { missing("gender", "el género") } else if gender == nil { invalid("gender", "Use «mujer», «hombre» o «no_binaria».") }
        var age: CandidateAge?
        if let text = wc.birthDate {
            if let date = LocalDate(text) { age = .birthDate(date) } else { invalid("birth_date", "La fecha de nacimiento «\(text)» no es AAAA-MM-DD.") }
        } else if let years = wc.age {
            if (18...120).contains(years) { age = .years(years) } else { invalid("age", "La edad \(years) no es válida (18 a 120).") }
        } else {
            missing("birth_date", "la fecha de nacimiento (o la edad)")
        }
        var group: IdentityGroup?
        if let text = wc.affirmativeAction, !text.isEmpty {
            group = IdentityGroup(rawValue: text)
            if group == nil {
                invalid(
                    "affirmative_action",
                    "Grupo de acción afirmativa desconocido «\(text)»; use \(IdentityGroup.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        var entity: PostulatingEntity?
        if let type = wc.postulatedByType, let code = wc.postulatedBy?.trimmedOfWhiteSpace, !code.isEmpty {
            if let kind = PostulatingEntity.Kind(rawValue: type) {
                entity = PostulatingEntity(kind: kind, code: code)
            } else {
                invalid("postulated_by_type", "Use partido, coalicion, candidatura_comun o independiente.")
            }
        } else {
            missing("postulated_by", "quién la postula (postulated_by_type y postulated_by)")
        }
        let email = wc.email?.trimmedOfWhiteSpace ?? ""
        if email.isEmpty {
            missing("email", "el correo electrónico para enviar la cuenta")
        } else if !EmailAddress.isValid(email) {
            invalid("email", "El correo «\(email)» no es válido.")
        }
        if let rep = wc.representativeEmail, !rep.isEmpty, !EmailAddress.isValid(rep) {
            invalid("representative_email", "El correo de la representación «\(rep)» no es válido.")
        }
        if let phone = wc.phone, !phone.isEmpty, MexicanPhoneNumber.normalized(phone) == nil {
            invalid("phone", "El teléfono «\(phone)» no es un número mexicano de 10 dígitos.")
        }
        guard errors.count == before, let formula, let gender, let age, let entity else { return (nil, nil) }
        let candidacy = Candidacy(
            id: id, processID: processID, officeCode: office, district: wc.district, municipality: wc.municipality,
            listPosition: wc.listPosition, formulaPosition: formula, fullName: name, gender: gender, age: age,
            affirmativeAction: group, postulatingEntity: entity)
        return (candidacy, RegistrationContact(email: email, phone: wc.phone.flatMap { MexicanPhoneNumber.normalized($0) }))
    }

    /// `YYYY-MM-DDThh:mm:ss` with an optional fraction and a zone (`Z` or `±hh:mm`).
    static func looksLikeTimestamp(_ text: String) -> Bool {
        let chars = Array(text)
        guard chars.count >= 20, LocalDate(String(chars[0..<10])) != nil, chars[10] == "T" || chars[10] == " " else { return false }
        let time = String(chars[11..<19]).split(separator: ":")
        guard time.count == 3, let h = Int(time[0]), let m = Int(time[1]), let s = Int(time[2]),
            (0...23).contains(h), (0...59).contains(m), (0...60).contains(s)
        else { return false }
        var rest = chars[19...]
        if rest.first == "." { rest = rest.dropFirst().drop { $0.isNumber } }
        let zone = String(rest)
        if zone == "Z" { return true }
        let z = Array(zone)
        return z.count == 6 && (z[0] == "+" || z[0] == "-") && z[3] == ":" && Int(String(z[1...2])) != nil && Int(String(z[4...5])) != nil
    }
}
