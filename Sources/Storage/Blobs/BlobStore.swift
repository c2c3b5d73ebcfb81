import Crypto
import Foundation

/// Where files live (photos and their variants, consent documents, reports, exports):
/// content-addressed by SHA-256, written atomically. PostgreSQL keeps each file's hash,
/// size, type and owner; an operator can put an S3-compatible store or a shared volume
/// behind this protocol for several hosts.
public protocol BlobStore: Sendable {
    /// Stores the bytes (a no-op when the same content is already there) and returns its address.
    func put(_ bytes: [UInt8]) async throws -> BlobAddress
    /// The bytes at this address, or nil when absent.
    func get(_ address: BlobAddress) async throws -> [UInt8]?
    /// Removes the content (no error when absent).
    func delete(_ address: BlobAddress) async throws
}

/// A blob's SHA-256, as 64 lowercase hex digits.
public struct BlobAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public let sha256: String

    /// Validates the text: exactly 64 lowercase hex digits (so it can never name a path outside the store).
    public init?(sha256: String) {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        self.sha256 = sha256
    }

    /// The address of these bytes.
    public init(of bytes: [UInt8]) {
        sha256 = Hex.encode(SHA256.hash(data: bytes))
    }

    public var description: String { sha256 }
}

/// A blob store on a local or shared directory: `ROOT/ab/cd/abcd…`, each file written to a
/// temporary name in the same directory, flushed, then renamed (readers never see a partial file).
/// Files are created 0600 and folders 0700 whatever the process umask: unpublished photos and
/// sealed documents are only the service user's to read.
public struct FileBlobStore: BlobStore {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    func path(_ address: BlobAddress) -> String {
        let h = address.sha256
        return "\(root)/\(h.prefix(2))/\(h.dropFirst(2).prefix(2))/\(h)"
    }

    public func put(_ bytes: [UInt8]) async throws -> BlobAddress {
        let address = BlobAddress(of: bytes)
        let target = path(address)
        let fm = FileManager.default
        if fm.fileExists(atPath: target) { return address }
        let directory = (target as NSString).deletingLastPathComponent
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = "\(directory)/.tmp-\(UUID().uuidString)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw BlobStoreError.cannotWrite(temporary) }
        close(descriptor)
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, target) != 0 { throw BlobStoreError.cannotWrite(target) }
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw error
        }
        return address
    }

    /// Stores the bytes like `put`, then flushes the file's directory, so that the new name
    /// survives a crash too: for a blob that replaces another, whose old copy is deleted once
    /// the row names the new one (key rotation).
    public func putDurably(_ bytes: [UInt8]) async throws -> BlobAddress {
        let address = try await put(bytes)
        let directory = (path(address) as NSString).deletingLastPathComponent
        let descriptor = open(directory, O_RDONLY)
        guard descriptor >= 0 else { throw BlobStoreError.cannotWrite(directory) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw BlobStoreError.cannotWrite(directory) }
        return address
    }

    public func get(_ address: BlobAddress) async throws -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path(address)) else { return nil }
        let bytes = [UInt8](data)
        // A corrupted file is worse than a missing one: refuse it.
        guard BlobAddress(of: bytes) == address else { throw BlobStoreError.corrupted(address) }
        return bytes
    }

    public func delete(_ address: BlobAddress) async throws {
        let target = path(address)
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
    }
}

/// A blob store failure.
public enum BlobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWrite(String)
    /// The stored bytes no longer hash to their address.
    case corrupted(BlobAddress)

    /// Spanish explanation for operators.
    public var description: String {
        switch self {
        case .cannotWrite(let path): "No se pudo escribir el archivo \(path) en el almacén de archivos."
        case .corrupted(let address): "El archivo \(address) del almacén de archivos está dañado (su contenido ya no corresponde a su SHA-256)."
        }
    }
}
