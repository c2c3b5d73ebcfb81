import ConocelesConfig
import ConocelesCore
import Imaging

extension PhotoPolicy {
    /// The policy of this deployment: the `photo.*` limits of `config/conoceles.yaml` (size,
    /// pixels, decoder memory) over `PhotoPolicy`'s defaults for the rest (variant sizes,
    /// quality, capture age). The upload, the `photo.check` job and `conoceles photo check`
    /// all use it, so they judge a file alike.
    public init(_ limits: AppConfiguration.PhotoLimits) {
        self.init(maxBytes: limits.maxBytes, maxPixels: limits.maxPixels, maxCoefficientBytes: limits.maxCoefficientBytes)
    }
}
