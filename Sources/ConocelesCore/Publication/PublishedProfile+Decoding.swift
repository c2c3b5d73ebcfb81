extension PublishedProfile.Curricular {
    private enum CodingKeys: String, CodingKey {
        case contact, education, educationStatus, otherTraining
    }

    /// Decodes a published questionnaire. The long texts are read by `CurricularField.texts`
    /// (a text a snapshot predates reads as empty), so a new long text needs no rebuild of
    /// stored snapshots to be read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            contact: try c.decode(PublicContact.self, forKey: .contact),
            education: try c.decodeIfPresent(String.self, forKey: .education),
            educationStatus: try c.decodeIfPresent(String.self, forKey: .educationStatus),
            otherTraining: try c.decode([String].self, forKey: .otherTraining))
        let texts = try decoder.container(keyedBy: StorageKey.self)
        for entry in CurricularField.texts {
            guard let text = entry.text else { continue }
            self[keyPath: text.published] = try texts.decodeIfPresent(String.self, forKey: StorageKey(stringValue: entry.storageKey)) ?? ""
        }
    }

    /// Encodes it under the keys `init(from:)` reads.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(contact, forKey: .contact)
        try c.encodeIfPresent(education, forKey: .education)
        try c.encodeIfPresent(educationStatus, forKey: .educationStatus)
        try c.encode(otherTraining, forKey: .otherTraining)
        var texts = encoder.container(keyedBy: StorageKey.self)
        for entry in CurricularField.texts {
            guard let text = entry.text else { continue }
            try texts.encode(self[keyPath: text.published], forKey: StorageKey(stringValue: entry.storageKey))
        }
    }
}
