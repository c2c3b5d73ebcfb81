extension PhotoChecker {
    /// The decode floor of `check`, for benchmarks: the same header checks and the same single
    /// decode at the same DCT scale, and nothing after it (no resampling, orientation or
    /// encoding). `check` can never be faster than this. Returns the decoded size.
    public static func decodeOnly(_ bytes: [UInt8], policy: PhotoPolicy = PhotoPolicy()) throws(PhotoRefusal) -> PixelSize {
        let plan = try plan(bytes, policy: policy)
        return try decode(bytes, plan, policy: policy).size
    }
}
