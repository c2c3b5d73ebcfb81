import ConocelesConfig
import ConocelesCore
import Imaging

extension PhotoPolicy {
    /// The policy of this deployment: the `photo.*` limits of `config/conoceles.yaml` (size,
    /// pixels, decoder memory), the capture age of the process's `rules`, and `PhotoPolicy`'s
    /// defaults for the rest (variant sizes, quality). The upload, the `photo.check` job and
    /// `conoceles photo check` all use it, so they judge a file alike; completeness reads the
    /// same size limit from the process's rules (`ProcessLoader.load(configuration:)`).
    public init(_ limits: AppConfiguration.PhotoLimits, rules: ValidationRules = .default) {
        self.init(
            maxBytes: limits.maxBytes, maxPixels: limits.maxPixels, maxCoefficientBytes: limits.maxCoefficientBytes,
            maxCaptureAgeMonths: rules.photoMaximumAgeMonths)
    }
}
