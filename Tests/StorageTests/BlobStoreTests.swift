import Foundation
import Storage
import Testing

@Suite("FileBlobStore")
struct BlobStoreTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path

    @Test func storesByContentAndReadsBack() async throws {
        let store = FileBlobStore(root: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bytes = Array("fotografía ✓".utf8)
        let a = try await store.put(bytes)
        #expect(a.sha256 == "\(BlobAddress(of: bytes))")
        #expect(try await store.put(bytes) == a, "same content, same address, no second file")
        #expect(try await store.get(a) == bytes)
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { !$0.hasSuffix("/") && $0.count > 10 }
        #expect(files == ["\(a.sha256.prefix(2))/\(a.sha256.dropFirst(2).prefix(2))/\(a.sha256)"])
        try await store.delete(a)
        #expect(try await store.get(a) == nil)
    }

    @Test func aCorruptedFileIsRefused() async throws {
        let store = FileBlobStore(root: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try await store.put([1, 2, 3])
        let path = "\(root)/\(a.sha256.prefix(2))/\(a.sha256.dropFirst(2).prefix(2))/\(a.sha256)"
        try Data([9, 9, 9]).write(to: URL(fileURLWithPath: path))
        await #expect(throws: BlobStoreError.corrupted(a)) { try await store.get(a) }
    }

    @Test(arguments: ["../../etc/passwd", "ABCDEF", String(repeating: "g", count: 64), String(repeating: "A", count: 64), ""])
    func addressesThatAreNotAHashAreRefused(_ text: String) {
        #expect(BlobAddress(sha256: text) == nil)
    }
}
