import ConocelesCore

/// One place of the demo election to fill with a candidacy: an office's seat (its
/// territory and list position), a party and a formula position.
struct DemoSlot: Sendable {
    var index: Int
    var replica: Int
    var office: Office
    var district: Int?
    var municipality: CatalogEntry?
    var listPosition: Int?
    var party: PoliticalParty
    var position: FormulaPosition

    /// The registration system's key for the slot's candidacy, readable and unique.
    var candidacyID: String {
        var parts = [replica > 0 ? "DEMO\(replica)" : "DEMO", office.code]
        if let district { parts.append("D" + pad(district)) }
        if let municipality { parts.append(municipality.key) }
        if let listPosition { parts.append("L" + pad(listPosition)) }
        parts.append(party.code)
        parts.append(position == .proprietor ? "P" : "S")
        return parts.joined(separator: "-")
    }

    /// Where the candidacy runs, in words ("Guadalajara", "Distrito 5", "Jalisco").
    var placeName: String {
        if let municipality { return municipality.name }
        if let district { return "el distrito \(district)" }
        return "Jalisco"
    }

    private func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : String(number) }

    /// Every slot of `process` at `scale`: each seat of each office (districts 1…n,
    /// list positions 1…seats, municipal seats spread over the catalog's municipalities),
    /// for each party, propietaria/o then suplente.
    static func all(process: ElectionProcess, municipalities: Catalog, scale: DemoScale) -> [DemoSlot] {
        let parties = Array(process.parties.prefix(scale.partyLimit ?? process.parties.count))
        var slots: [DemoSlot] = []
        for replica in 0..<scale.replicas {
            for office in process.offices {
                for seat in seats(of: office, process: process, municipalities: municipalities, limit: scale.seatLimit) {
                    for party in parties {
                        for position in FormulaPosition.allCases {
                            slots.append(
                                DemoSlot(
                                    index: slots.count, replica: replica, office: office, district: seat.district,
                                    municipality: seat.municipality, listPosition: seat.listPosition,
                                    party: party, position: position))
                        }
                    }
                }
            }
        }
        return slots
    }

    private struct Seat { var district: Int?; var municipality: CatalogEntry?; var listPosition: Int? }

    private static func seats(of office: Office, process: ElectionProcess, municipalities: Catalog, limit: Int?) -> [Seat] {
        let count = min(office.seats, limit ?? office.seats)
        switch office.scope {
        case .state:
            return Array(repeating: Seat(), count: count)
        case .district:
            return (1...count).map { Seat(district: ($0 - 1) % max(process.districts, 1) + 1) }
        case .list:
            return (1...count).map { Seat(listPosition: $0) }
        case .municipality:
            let towns = Array(municipalities.entries.prefix(limit ?? municipalities.count))
            guard !towns.isEmpty else { return [] }
            if office.seats <= towns.count || limit != nil {
                // One seat per municipality (presidencia, sindicatura).
                return towns.prefix(count).map { Seat(municipality: $0) }
            }
            // Regidurías: spread over the municipalities, each with list positions 1…k.
            let base = office.seats / towns.count, extra = office.seats % towns.count
            return towns.enumerated().flatMap { index, town in
                (1...(base + (index < extra ? 1 : 0))).map { Seat(municipality: town, listPosition: $0) }
            }
        }
    }
}
