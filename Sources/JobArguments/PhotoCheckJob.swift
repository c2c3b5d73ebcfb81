import Foundation
import JobQueue

/// Arguments of `photo.check`: the uploaded photo to judge.
public struct PhotoCheckJob: JobArgs, Equatable {
    public static let kind = "photo.check"
    /// The `photos` row, as `PhotoRepository.recordUpload` returned it.
    public let photoID: UUID

    /// The check of photo `photoID`.
    public init(photoID: UUID) {
        self.photoID = photoID
    }

    enum CodingKeys: String, CodingKey {
        case photoID = "photo_id"
    }
}
