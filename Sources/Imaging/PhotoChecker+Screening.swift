extension PhotoChecker {
    /// The first, cheapest checks of `check` on their own: not empty, at most `policy.maxBytes`,
    /// JPEG or PNG by magic bytes. An upload runs them before storing anything, so what is
    /// stored is always a file the full check can judge; the refusal is the one `check` gives.
    ///
    /// - Returns: the format, by content.
    public static func screen(_ bytes: [UInt8], policy: PhotoPolicy = PhotoPolicy()) throws(PhotoRefusal) -> ImageFormat {
        guard !bytes.isEmpty else { throw .emptyFile }
        guard bytes.count <= policy.maxBytes else { throw .tooLarge(bytes: bytes.count, limit: policy.maxBytes) }
        switch FormatSniffer.sniff(bytes) {
        case .supported(let format): return format
        case .other(let name): throw .unsupportedFormat(looksLike: name)
        case .unknown: throw .unsupportedFormat(looksLike: nil)
        }
    }
}
