import ConocelesCore
import Foundation
import Testing

@testable import Storage

/// The publication's document encoder: the same JSON as `JSONEncoder` for what the documents
/// hold, and `JSONEncoder` itself for what a stream cannot write.
@Suite struct StreamingJSONEncoderTests {
    /// A profile with every optional part present, and texts that need escaping.
    static let full = PublishedProfile(
        id: "JAL-2024-0001", fullName: "María \"La Güera\" Ñúñez \\ Pérez 🌵", officeCode: "DIP-MR", officeName: "Diputación MR",
        entityKind: .party, entityCode: "PA", entityName: "Partido A / B", district: 7, municipality: "039",
        municipalityName: "Guadalajara", listPosition: 3, formulaPosition: .alternate, gender: .nonBinary, ageYears: 41,
        affirmativeAction: .indigenous,
        curricular: .init(
            contact: PublicContact(
                facebook: "https://facebook.com/x?y=1&z=2", webPage: "https://ejemplo.mx/a/b", emails: ["a@b.mx", "c@d.mx"],
                phones: ["3312345678"], campaignHouseAddresses: ["Av. Juárez 1\nCol. Centro\tInt. 2"]),
            education: "Licenciatura", educationStatus: "Titulado", otherTraining: ["Diplomado \u{1}\u{1F} control", ""],
            professionalHistory: String(repeating: "Historia con «comillas» y \r\n saltos. ", count: 40),
            politicalTrajectory: "\u{8}\u{C}", publicOfficeMotivation: "m", firstProposal: "1", secondProposal: "2",
            genderProposal: "g"),
        educationKey: "licenciatura",
        identity: [
            PublicIdentityGroup(group: .indigenous, basis: .consent, details: [.init(label: "Pueblo", value: "Wixárika")]),
            PublicIdentityGroup(group: .disability, basis: .affirmativeAction),
        ],
        photo: .init(sha256: String(repeating: "ab", count: 32), contentType: "image/jpeg", width: 600, height: 800),
        publishedOn: LocalDate("2024-04-02"), republishedOn: LocalDate("2024-05-30"))

    /// A listed candidacy without profile: most optionals nil.
    static let bare = PublishedProfile(
        id: "JAL-2024-0002", fullName: "Juan", officeCode: "GUB", officeName: "Gubernatura", entityKind: .independent,
        entityCode: "IND-1", entityName: "Candidatura independiente", district: nil, municipality: nil, municipalityName: nil,
        listPosition: nil, formulaPosition: .proprietor, gender: nil, ageYears: nil, affirmativeAction: nil, curricular: nil,
        educationKey: nil, identity: [], photo: nil, publishedOn: nil, republishedOn: nil)

    static func object(_ bytes: some Sequence<UInt8>) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test(arguments: [full, bare])
    func aProfileReadsBackAndMatchesFoundation(profile: PublishedProfile) throws {
        let streamed = try #require(try StreamingJSONEncoder.encode(profile))
        #expect(try JSONCoding.decode(PublishedProfile.self, from: Data(streamed)) == profile)
        // The same JSON value as JSONEncoder's (key order aside), nil optionals left out.
        #expect(try Self.object(streamed) == Self.object(JSONCoding.encode(profile)))
        #expect(try StreamingJSONEncoder.encode(profile) == streamed)
    }

    @Test func stringsAreEscapedAsJSONRequires() throws {
        let text = "a\"b\\c/d\n\r\t\u{8}\u{C}\u{0}\u{1F}é🌵"
        let streamed = try #require(try StreamingJSONEncoder.encode([text]))
        #expect(String(decoding: streamed, as: UTF8.self) == #"["a\"b\\c/d\n\r\t\b\f\u0000\u001fé🌵"]"#)
        #expect(try JSONDecoder().decode([String].self, from: Data(streamed)) == [text])
    }

    @Test func numbersDatesAndNestedContainers() throws {
        struct Sample: Codable, Equatable {
            var double = 0.1
            var whole = 2.0
            var negative = -17
            var big = UInt64.max
            var date = Date(timeIntervalSince1970: 1_717_286_400)
            var data = Data([0, 1, 2, 255])
            var nested: [[Int?]] = [[1, nil], [], [3]]
            var flag: Bool? = false
        }
        let streamed = try #require(try StreamingJSONEncoder.encode(Sample()))
        #expect(try JSONCoding.decode(Sample.self, from: Data(streamed)) == Sample())
        #expect(try Self.object(streamed) == Self.object(JSONCoding.encode(Sample())))
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode([Double.nan]) }
    }

    @Test func whatAStreamCannotWriteFallsBackToFoundation() throws {
        struct Empty: Encodable { func encode(to encoder: any Encoder) throws {} }
        struct Twice: Encodable {
            func encode(to encoder: any Encoder) throws {
                var first = encoder.unkeyedContainer()
                try first.encode(1)
                var second = encoder.unkeyedContainer()
                try second.encode(2)
            }
        }
        struct Super: Encodable {
            enum Keys: CodingKey { case a }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(1, forKey: .a)
                var single = container.superEncoder().singleValueContainer()
                try single.encode(2)
            }
        }
        #expect(try StreamingJSONEncoder.encode(["b": 1, "a": 2]) == nil)
        #expect(try StreamingJSONEncoder.encode([["b": 1]]) == nil)
        #expect(try StreamingJSONEncoder.encode([Empty()]) == nil)
        #expect(try StreamingJSONEncoder.encode(Twice()) == nil)
        #expect(try StreamingJSONEncoder.encode(Super()) == nil)
    }

    @Test func theStoredDocumentIsTheStreamedOneAndItsHash() throws {
        let encoded = try PublicationRepository.encode(Self.full)
        let streamed = try #require(try StreamingJSONEncoder.encode(Self.full))
        #expect(Array(encoded.document.utf8) == streamed)
        #expect(try JSONCoding.decode(PublishedProfile.self, from: encoded.document) == Self.full)
    }

    /// Escapes at every offset of the eight-byte scan, and runs without any.
    @Test func escapesAreFoundAtEveryOffset() throws {
        for offset in 0..<20 {
            for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", "é", "🌵"] {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19 - offset)
                let streamed = try #require(try StreamingJSONEncoder.encode([text]))
                #expect(try JSONDecoder().decode([String].self, from: Data(streamed)) == [text])
                #expect(String(decoding: streamed, as: UTF8.self) == String(decoding: try JSONCoding.encode([text]), as: UTF8.self))
                let escaped = CopyRows.escaped(Array(text.utf8))
                #expect(escaped.count == text.utf8.count + (["\\", "\n"].contains(special) ? 1 : 0))
            }
        }
    }

    /// A `COPY` field holds any text: tabs, line breaks and backslashes at any offset come back.
    @Test func copyFieldsRoundTrip() throws {
        for offset in 0..<20 {
            for special in ["\\", "\t", "\n", "\r", "\r\n", "\\N", "x"] {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19 - offset)
                var profile = Self.bare
                profile.fullName = text
                let encoded = try PublicationRepository.encode(profile)
                #expect(!encoded.copyField.contains(UInt8(ascii: "\t")) && !encoded.copyField.contains(UInt8(ascii: "\n")))
                #expect(try JSONCoding.decode(PublishedProfile.self, from: encoded.document) == profile)
            }
        }
    }

    /// The search key folds scalar by scalar when it can, and gives what the character path gives.
    @Test func searchKeysAgreeWithTheCharacterPath() {
        let names = [
            "José Ángel  Núñez", "MARÍA\tÜRSULA\r\nPÉREZ", "Ñandú Çedille", "e\u{301}milio", "Zoë 🌵 Brontë", "  ",
            "Äbc\u{00A0}déf\u{0085}ghî", "a\u{0301}\u{0302}", "ﬁ ligature",
        ]
        for name in names {
            #expect(PublicationRepository.searchKey(name) == PublicationRepository.searchKeyByCharacter(name.lowercased()), "\(name)")
        }
        #expect(PublicationRepository.searchKey("José Ángel  Núñez") == "jose angel nunez")
    }
}
