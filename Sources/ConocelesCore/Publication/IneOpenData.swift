/// INE's open-data layout of the curricular questionnaire (DOMAIN.md "Publication"): its 25
/// columns in order, and a published profile as one row of them, with "No proporcionó" for
/// every empty value. The long texts' columns come from `CurricularField.texts`.
public enum IneOpenData {
    /// The 25 columns, in INE's order.
    public static let columns =
        [
            "PARTIDO_COALICION", "CARGO", "ENTIDAD", "DISTRITO_LOCAL", "CIRCUNSCRIPCION", "MUNICIPIO",
            "NUM_LISTA_O_FORMULA", "NOMBRE_CANDIDATO", "TIPO_CANDIDATO", "EDAD", "SEXO",
            "DIRECCION_CASA_CAMPANA", "TELEFONO", "CORREO_ELECTRONICO", "PAGINA_WEB", "REDES", "ESCOLARIDAD",
            "ESTATUS_ESCOLARIDAD", "CURSOS",
        ] + CurricularField.texts.compactMap(\.openDataColumn)

    /// `profile` as one row of `columns`. Several values in one cell (phones, networks,
    /// courses) are joined with " | ". A candidacy without a published profile has its
    /// registration data and "No proporcionó" elsewhere.
    public static func row(of profile: PublishedProfile, in process: ElectionProcess) -> [String] {
        let c = profile.curricular
        let contact = c?.contact
        let networks = SocialNetwork.allCases.compactMap { network in
            contact?.address(of: network).map { "\(network.label): \($0)" }
        }
        let isList = process.office(code: profile.officeCode)?.scope == .list
        let values: [String?] =
            [
                profile.entityName, profile.officeName, process.entity, profile.district.map(String.init),
                isList ? "1" : nil, profile.municipalityName, profile.listPosition.map(String.init), profile.fullName,
                profile.formulaPosition.label, profile.ageYears.map(String.init), profile.gender?.label,
                joined(contact?.campaignHouseAddresses), joined(contact?.phones), joined(contact?.emails), contact?.webPage,
                joined(networks), c?.education, c?.educationStatus, joined(c?.otherTraining),
            ] + CurricularField.texts.map { entry in entry.text.flatMap { text in c?[keyPath: text.published] } }
        return values.map { value in
            guard let value, !value.isBlank else { return PublicationRules.notProvided }
            return value
        }
    }

    private static func joined(_ values: [String]?) -> String? {
        guard let values, !values.isEmpty else { return nil }
        return values.joined(separator: " | ")
    }
}
