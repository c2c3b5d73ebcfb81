import CImagingShim

/// An error reported by the C shim: its status and libjpeg/libpng's English message.
struct ShimFailure: Error, CustomStringConvertible {
    let status: cimg_status
    let message: String

    init(_ status: cimg_status, _ error: cimg_error) {
        self.status = status
        var copy = error
        self.message = withUnsafeBytes(of: &copy.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    var description: String { "cimg status \(status.rawValue): \(message)" }

    /// Runs a shim call that fills a `cimg_error`, throwing when it does not return CIMG_OK.
    static func check(_ body: (UnsafeMutablePointer<cimg_error>) -> cimg_status) throws(ShimFailure) {
        var error = cimg_error()
        let status = body(&error)
        guard status == CIMG_OK else { throw ShimFailure(status, error) }
    }

    /// The refusal a person sees when decoding `format` failed this way.
    func refusal(decoding format: ImageFormat) -> PhotoRefusal {
        switch status {
        case CIMG_ERR_TRUNCATED: .truncated(format, detail: message)
        case CIMG_ERR_NO_MEMORY, CIMG_ERR_ENCODE, CIMG_ERR_ARGUMENT: .processingFailed(detail: message)
        default: .corrupt(format, detail: message)
        }
    }
}
