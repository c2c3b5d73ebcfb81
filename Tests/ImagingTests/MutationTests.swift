import Foundation
import Imaging
import Testing

@Suite("Randomized mutations of valid photos")
struct MutationTests {
    /// Cases and seed: 10,000 from seed 20240415 by default; the long run sets
    /// `CONOCELES_MUTATION_CASES` (and may set `CONOCELES_MUTATION_SEED`), see docs/RELIABILITY.md.
    static let cases = ProcessInfo.processInfo.environment["CONOCELES_MUTATION_CASES"].flatMap(Int.init) ?? 10_000
    static let seed = ProcessInfo.processInfo.environment["CONOCELES_MUTATION_SEED"].flatMap(UInt64.init) ?? 20_240_415

    @Test("Thousands of mutated files: every one gets a verdict, accepted ones have sound variants")
    func mutations() throws {
        let corpus = MutationCorpus.corpus()
        let policy = PhotoPolicy(maxPixels: 4_000_000)  // mutated headers stay cheap to reject
        var random = SeededRandom(seed: Self.seed)
        let clock = ContinuousClock()
        let start = clock.now
        var accepted = 0
        var refusedCodes: [PhotoRefusal.Code: Int] = [:]
        let cases = Self.cases
        for index in 0..<cases {
            let original = corpus[index % corpus.count]
            var mutated = MutationCorpus.mutate(original, &random)
            if random.next() % 4 == 0 { mutated = MutationCorpus.mutate(mutated, &random) }
            switch PhotoChecker.check(mutated, policy: policy, publicationDate: Fixtures.publicationDate) {
            case .accepted(let photo):
                accepted += 1
                #expect(photo.profile.jpeg.starts(with: [0xFF, 0xD8, 0xFF, 0xE0]))
                #expect(photo.thumbnail.jpeg.starts(with: [0xFF, 0xD8, 0xFF, 0xE0]))
                #expect(photo.profile.size.width <= 600 && photo.profile.size.height <= 800)
            case .refused(let refusal):
                refusedCodes[refusal.code, default: 0] += 1
                #expect(!refusal.message.isEmpty)
            }
        }
        let elapsed = clock.now - start
        print("mutations: \(cases) cases from seed \(Self.seed) in \(elapsed), accepted \(accepted), refused \(refusedCodes)")
        // About 0.05 ms a case in a debug build; the bound catches a hang or a quadratic path.
        #expect(elapsed < .seconds(60 * max(1, cases / 10_000)))
        #expect(accepted > 0 && refusedCodes.values.reduce(0, +) > 0)
    }
}
