/// One line of Spanish text per checked photo, as `conoceles photo check` prints it and as staff
/// read it to answer a candidate's question about a refused photo.
public enum PhotoCheckReport {
    /// "foto.jpg: aceptada — JPEG de 2400 × 3200 píxeles, tomada el 2024-03-01 10:32:05" or
    /// "foto.gif: rechazada — El archivo no es una imagen JPEG ni PNG (parece GIF). [unsupported_format]".
    public static func line(file: String, verdict: PhotoVerdict) -> String {
        switch verdict {
        case .accepted(let photo):
            var text = "\(file): aceptada — \(photo.format) de \(photo.size) píxeles"
            if let date = photo.captureDate {
                text += ", tomada el \(date)"
                if photo.isCaptureDateStale {
                    text +=
                        " (anterior al \(photo.oldestAcceptedCaptureDay), la fecha más antigua "
                        + "aceptada: se marca para revisión)"
                }
            } else {
                text += ", sin fecha de captura en los metadatos (la persona debe declararla)"
            }
            if photo.orientation != 1 { text += ", girada según su orientación EXIF" }
            return text
        case .refused(let refusal):
            return "\(file): rechazada — \(refusal.message) [\(refusal.code)]"
        }
    }

    /// Message for a file that could not even be read (missing, no permission).
    public static func unreadable(file: String, reason: String) -> String {
        "\(file): no se pudo leer el archivo (\(reason))"
    }
}
