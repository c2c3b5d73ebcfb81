import ConocelesCore
import Testing

@Suite("Profile milestones (compliance counting)")
struct ProfileMilestoneTests {
    @Test func everyPublishedVersionCountsAsPublishedAndReturnedAsCaptured() {
        for state in ProfileState.allCases {
            #expect((state.milestone == .published) == state.hasPublishedVersion, "\(state)")
        }
        #expect(ProfileState.returned.milestone == .captured)
        #expect(ProfileState.pending.milestone == ProfileMilestone.none)
    }

    @Test func reachingIsCumulative() {
        #expect(ProfileState.reaching(.none).count == ProfileState.allCases.count)
        #expect(!ProfileState.reaching(.captured).contains(.pending))
        #expect(Set(ProfileState.reaching(.verified)) == Set([.verified] + ProfileState.allCases.filter(\.hasPublishedVersion)))
        for (lower, higher) in zip(ProfileMilestone.allCases, ProfileMilestone.allCases.dropFirst()) {
            #expect(Set(ProfileState.reaching(higher)).isStrictSubset(of: Set(ProfileState.reaching(lower))))
        }
    }
}
