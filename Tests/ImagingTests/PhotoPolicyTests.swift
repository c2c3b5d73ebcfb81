import Imaging
import Testing

@Suite("Photo policy")
struct PhotoPolicyTests {
    @Test("Defaults are the documented ones and valid")
    func defaults() throws {
        let policy = PhotoPolicy()
        #expect(policy.maxBytes == 716_800)
        #expect(policy.maxPixels == 40_000_000)
        #expect(policy.maxCoefficientBytes == 24 << 20)
        #expect(policy.profileSize == PixelSize(width: 600, height: 800))
        #expect(policy.thumbnailSize == PixelSize(width: 150, height: 200))
        #expect(policy.jpegQuality == 85)
        #expect(policy.maxCaptureAgeMonths == 3)
        try policy.validate()
    }

    @Test(
        "Invalid values name their field",
        arguments: [
            (PhotoPolicy(maxBytes: 0), "maxBytes"), (PhotoPolicy(jpegQuality: 101), "jpegQuality"),
            (PhotoPolicy(maxCoefficientBytes: 0), "maxCoefficientBytes"),
            (PhotoPolicy(thumbnailSize: PixelSize(width: 700, height: 100)), "thumbnailSize"),
            (PhotoPolicy(profileSize: PixelSize(width: 0, height: 800)), "profileSize"),
        ])
    func invalid(policy: PhotoPolicy, field: String) {
        #expect(throws: PhotoPolicy.ValidationError.self) { try policy.validate() }
        do { try policy.validate() } catch { #expect(error.field == field) }
    }

    @Test("The quality setting changes the output")
    func quality() throws {
        let bytes = Fixtures.jpeg(width: 300, height: 400)
        let low = try #require(PhotoChecker.check(bytes, policy: PhotoPolicy(jpegQuality: 30), publicationDate: Fixtures.publicationDate).accepted)
        let high = try #require(PhotoChecker.check(bytes, policy: PhotoPolicy(jpegQuality: 95), publicationDate: Fixtures.publicationDate).accepted)
        #expect(low.profile.jpeg.count < high.profile.jpeg.count)
    }
}
