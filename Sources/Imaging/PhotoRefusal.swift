/// Why a photo was refused: a stable English code for programs and a Spanish message for the
/// person, plus an optional technical detail (English, from libjpeg/libpng) for logs only.
public struct PhotoRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible reason code (`too_large`, `unsupported_format`, ...).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code as stored and sent in API problem details (`snake_case`).
        public let rawValue: String
        /// A code; prefer the predefined ones, add new ones here so they stay stable.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw code.
        public var description: String { rawValue }

        /// Zero bytes.
        public static let emptyFile = Code(rawValue: "empty_file")
        /// More bytes than the policy's `maxBytes`.
        public static let tooLarge = Code(rawValue: "too_large")
        /// Neither JPEG nor PNG by content (GIF, WebP, HEIC, SVG, PDF, a renamed file...).
        public static let unsupportedFormat = Code(rawValue: "unsupported_format")
        /// The header declares more pixels than the policy's `maxPixels`.
        public static let tooManyPixels = Code(rawValue: "too_many_pixels")
        /// The file ends before the image does.
        public static let truncated = Code(rawValue: "truncated")
        /// The file is damaged or uses a variant of the format that cannot be read.
        public static let corrupt = Code(rawValue: "corrupt")
        /// The photo was fine but could not be processed (out of memory, encoder failure).
        public static let processingFailed = Code(rawValue: "processing_failed")
    }

    /// The reason, stable across versions.
    public let code: Code
    /// What the person reads, in Spanish.
    public let message: String
    /// Technical detail for logs (English, may be nil); never shown to the person.
    public let detail: String?

    /// A refusal; prefer the factory functions, which word the message consistently.
    public init(code: Code, message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// "code: message (detail)".
    public var description: String {
        "\(code): \(message)" + (detail.map { " (\($0))" } ?? "")
    }

    /// The file has no bytes.
    public static let emptyFile = PhotoRefusal(code: .emptyFile, message: "El archivo está vacío (0 bytes).")

    /// The file has `bytes` bytes, over the `limit` (e.g. an upload refused before it is read whole).
    public static func tooLarge(bytes: Int, limit: Int) -> PhotoRefusal {
        PhotoRefusal(
            code: .tooLarge,
            message: "El archivo pesa \(kilobytes(bytes)) KB y el máximo permitido es "
                + "\(limit / 1024) KB. Reduzca la resolución o la calidad de la foto.",
            detail: "\(bytes) bytes > \(limit)")
    }

    /// Not JPEG nor PNG; `looksLike` names the format recognised, if any ("GIF", "HEIC"...).
    public static func unsupportedFormat(looksLike: String?) -> PhotoRefusal {
        let hint = looksLike.map { " (parece \($0))" } ?? ""
        return PhotoRefusal(
            code: .unsupportedFormat,
            message: "El archivo no es una imagen JPEG ni PNG\(hint). Solo se aceptan fotos "
                + "JPEG o PNG; cambiar la extensión del nombre no cambia el formato.")
    }

    /// The header declares `size`, over `limit` pixels.
    public static func tooManyPixels(_ size: PixelSize, limit: Int) -> PhotoRefusal {
        PhotoRefusal(
            code: .tooManyPixels,
            message: "La imagen mide \(size) píxeles (\(megapixels(size.pixelCount)) megapíxeles) "
                + "y el máximo permitido es \(megapixels(limit)) megapíxeles.",
            detail: "\(size.width)x\(size.height) > \(limit) pixels")
    }

    /// A multi-scan (progressive) JPEG of `size` whose DCT coefficients need `bytes`, over the
    /// policy's `maxCoefficientBytes` (`limit`). Same code as `tooManyPixels`: too big for this
    /// kind of JPEG; the message says a baseline JPEG of the same size is fine.
    public static func progressiveTooLarge(_ size: PixelSize, bytes: Int, limit: Int) -> PhotoRefusal {
        // Megapixels this file's kind (same chroma layout) may have within the limit.
        let allowed = Int(Double(size.pixelCount) * Double(limit) / Double(max(bytes, 1)))
        return PhotoRefusal(
            code: .tooManyPixels,
            message: "La imagen es un JPEG progresivo de \(megapixels(size.pixelCount)) megapíxeles; "
                + "en ese formato el máximo es de \(megapixels(allowed)) megapíxeles. Guárdela como JPEG "
                + "estándar (no progresivo) o redúzcala.",
            detail: "\(bytes) coefficient bytes > \(limit)")
    }

    /// The file ends before the image does.
    public static func truncated(_ format: ImageFormat, detail: String?) -> PhotoRefusal {
        PhotoRefusal(
            code: .truncated,
            message: "La imagen \(format) está incompleta: el archivo termina antes que la imagen. "
                + "Vuelva a exportarla o a copiarla desde el original.",
            detail: detail)
    }

    /// The file is damaged or an unreadable variant of the format.
    public static func corrupt(_ format: ImageFormat, detail: String?) -> PhotoRefusal {
        PhotoRefusal(
            code: .corrupt,
            message: "La imagen \(format) está dañada o usa una variante del formato que no se "
                + "puede leer. Vuelva a guardarla con otro programa.",
            detail: detail)
    }

    /// The photo could not be processed for a reason that is not the person's (memory, encoder).
    public static func processingFailed(detail: String?) -> PhotoRefusal {
        PhotoRefusal(
            code: .processingFailed,
            message: "No se pudo procesar la foto. Inténtelo de nuevo más tarde.",
            detail: detail)
    }

    /// Kilobytes (1,024 bytes) rounded up, so a file just over the limit never reads as equal.
    private static func kilobytes(_ bytes: Int) -> Int { (bytes + 1023) / 1024 }

    /// Megapixels with at most one decimal, with Mexico's decimal point ("40", "12.5").
    private static func megapixels(_ pixels: Int) -> String {
        let tenths = (pixels + 50_000) / 100_000
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
