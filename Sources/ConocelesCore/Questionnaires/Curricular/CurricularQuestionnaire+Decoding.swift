/// A JSON key named at run time (the long texts' keys come from `CurricularField`).
struct StorageKey: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

extension CurricularQuestionnaire {
    private enum CodingKeys: String, CodingKey {
        case photo, contact, maximumDegree, degreeStatus, otherTraining, publicationAuthorization
    }

    /// Decodes stored answers. The long texts are read by `CurricularField.texts` (a text a
    /// row predates reads as empty), so a new long text needs no migration of stored rows.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            photo: try c.decodeIfPresent(PhotoReference.self, forKey: .photo),
            contact: try c.decode(PublicContact.self, forKey: .contact),
            maximumDegree: try c.decodeIfPresent(String.self, forKey: .maximumDegree),
            degreeStatus: try c.decodeIfPresent(String.self, forKey: .degreeStatus),
            otherTraining: try c.decode([String].self, forKey: .otherTraining),
            publicationAuthorization: try c.decodeIfPresent(Bool.self, forKey: .publicationAuthorization))
        let texts = try decoder.container(keyedBy: StorageKey.self)
        for entry in CurricularField.texts {
            guard let text = entry.text else { continue }
            self[keyPath: text.answer] = try texts.decodeIfPresent(String.self, forKey: StorageKey(stringValue: entry.storageKey)) ?? ""
        }
    }

    /// Encodes the answers under the keys `init(from:)` reads.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(photo, forKey: .photo)
        try c.encode(contact, forKey: .contact)
        try c.encodeIfPresent(maximumDegree, forKey: .maximumDegree)
        try c.encodeIfPresent(degreeStatus, forKey: .degreeStatus)
        try c.encode(otherTraining, forKey: .otherTraining)
        try c.encodeIfPresent(publicationAuthorization, forKey: .publicationAuthorization)
        var texts = encoder.container(keyedBy: StorageKey.self)
        for entry in CurricularField.texts {
            guard let text = entry.text else { continue }
            try texts.encode(self[keyPath: text.answer], forKey: StorageKey(stringValue: entry.storageKey))
        }
    }
}
