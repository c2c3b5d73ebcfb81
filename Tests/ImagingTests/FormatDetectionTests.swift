import Imaging
import Testing

@Suite("Format detection by content")
struct FormatDetectionTests {
    static let others: [(name: String, bytes: [UInt8], hint: String?)] = [
        ("GIF", Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0] + Array(repeating: 0, count: 30), "GIF"),
        ("WebP", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8) + Array(repeating: 0, count: 24), "WebP"),
        ("HEIC", [0, 0, 0, 0x18] + Array("ftypheic".utf8) + Array(repeating: 0, count: 24), "HEIC"),
        ("AVIF", [0, 0, 0, 0x18] + Array("ftypavif".utf8) + Array(repeating: 0, count: 24), "AVIF"),
        ("SVG", Array("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8), "SVG"),
        ("SVG with BOM", [0xEF, 0xBB, 0xBF] + Array("  <svg width=\"1\"></svg>".utf8), "SVG"),
        ("PDF", Array("%PDF-1.7\n%âãÏÓ\n".utf8), "PDF"),
        ("BMP", Array("BM".utf8) + Array(repeating: 0, count: 60), "BMP"),
        ("TIFF", Array("II*\0".utf8) + Array(repeating: 0, count: 20), "TIFF"),
        ("HTML", Array("<!DOCTYPE html><html><body></body></html>".utf8), "HTML"),
        ("plain text named foto.jpg", Array("esto no es una foto".utf8), nil),
        ("random bytes", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }, nil),
    ]

    @Test("Other formats are refused with a Spanish reason naming them", arguments: others)
    func refusesOtherFormats(name: String, bytes: [UInt8], hint: String?) {
        let refusal = PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).refusal
        #expect(refusal?.code == .unsupportedFormat, "\(name)")
        #expect(refusal?.message.hasPrefix("El archivo no es una imagen JPEG ni PNG") == true)
        if let hint {
            #expect(refusal?.message.contains("(parece \(hint))") == true, "\(refusal?.message ?? "")")
        } else {
            #expect(refusal?.message.contains("parece") == false)
        }
    }

    @Test("The exact wording for a GIF")
    func gifWording() {
        let gif = Self.others[0].bytes
        let message = PhotoChecker.check(gif, publicationDate: Fixtures.publicationDate).refusal?.message ?? ""
        #expect(message.hasPrefix("El archivo no es una imagen JPEG ni PNG (parece GIF)."))
    }

    @Test("An empty file is refused as empty")
    func emptyFile() {
        let refusal = PhotoChecker.check([], publicationDate: Fixtures.publicationDate).refusal
        #expect(refusal?.code == .emptyFile)
        #expect(refusal?.message == "El archivo está vacío (0 bytes).")
    }

    @Test("A PNG is recognised as PNG whatever it would be named, and a JPEG as JPEG")
    func recognisesByContent() {
        let png = PhotoChecker.check(Fixtures.png(width: 8, height: 8), publicationDate: Fixtures.publicationDate)
        let jpeg = PhotoChecker.check(Fixtures.jpeg(width: 8, height: 8), publicationDate: Fixtures.publicationDate)
        #expect(png.accepted?.format == .png)
        #expect(jpeg.accepted?.format == .jpeg)
    }
}
