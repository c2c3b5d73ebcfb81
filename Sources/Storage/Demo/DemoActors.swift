import ConocelesCore
import Foundation

/// The fixed accounts of the demo: staff, and one generic account per party.
enum DemoActors {
    static let transparency = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
    static let genderEquality = UUID(uuidString: "00000000-0000-4000-8000-000000000002")!
    static let informatics = UUID(uuidString: "00000000-0000-4000-8000-000000000003")!

    /// Deterministic id of `party`'s generic account in `replica`.
    static func representative(of party: PoliticalParty, replica: Int) -> UUID {
        let code = party.code.utf8.reduce(UInt64(5381)) { ($0 << 5) &+ $0 &+ UInt64($1) }  // djb2: stable across runs
        var random = DemoRandom(seed: code, stream: UInt64(replica))
        return uuid(&random)
    }

    /// A version-4-shaped UUID from `random`.
    static func uuid(_ random: inout DemoRandom) -> UUID {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The staff accounts to create.
    static func staffAccounts() -> [NewAccount] {
        [
            NewAccount(
                username: "demo.transparencia", email: "transparencia@conoceles.example", displayName: "Instancia interna (demo)",
                role: .transparencyStaff, id: transparency),
            NewAccount(
                username: "demo.igualdad", email: "igualdad@conoceles.example", displayName: "Igualdad de género (demo)",
                role: .genderEqualityStaff, id: genderEquality),
            NewAccount(
                username: "demo.informatica", email: "informatica@conoceles.example", displayName: "Informática (demo)",
                role: .itStaff, id: informatics),
        ]
    }
}
