import Imaging
import Testing

@Suite("Report lines for the command line")
struct PhotoCheckReportTests {
    @Test("An accepted photo shows its size and capture date, flagged when stale")
    func accepted() throws {
        let fresh = Fixtures.jpeg(width: 40, height: 20, app1: ExifFixtures.app1(dateTimeOriginal: "2024:03:01 10:32:05"))
        let line = PhotoCheckReport.line(file: "foto.jpg", verdict: PhotoChecker.check(fresh, publicationDate: Fixtures.publicationDate))
        #expect(line == "foto.jpg: aceptada — JPEG de 40 × 20 píxeles, tomada el 2024-03-01 10:32:05")

        let old = Fixtures.jpeg(width: 40, height: 20, app1: ExifFixtures.app1(dateTimeOriginal: "2023:03:01 10:32:05"))
        let oldLine = PhotoCheckReport.line(file: "vieja.jpg", verdict: PhotoChecker.check(old, publicationDate: Fixtures.publicationDate))
        #expect(oldLine.contains("anterior al 2024-01-15"))

        let png = PhotoCheckReport.line(
            file: "foto.png", verdict: PhotoChecker.check(Fixtures.png(width: 8, height: 6), publicationDate: Fixtures.publicationDate))
        #expect(png == "foto.png: aceptada — PNG de 8 × 6 píxeles, sin fecha de captura en los metadatos (la persona debe declararla)")
    }

    @Test("A refused photo shows the Spanish reason and the stable code")
    func refused() {
        let gif = Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20)
        let line = PhotoCheckReport.line(file: "foto.jpg", verdict: PhotoChecker.check(gif, publicationDate: Fixtures.publicationDate))
        #expect(line.hasPrefix("foto.jpg: rechazada — El archivo no es una imagen JPEG ni PNG (parece GIF)."))
        #expect(line.hasSuffix("[unsupported_format]"))
    }
}
