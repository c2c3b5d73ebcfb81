import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Storage
import TestSupport

/// What the photo job tests share: the repository's own process and job definitions, a
/// candidacy, a blob store in a temporary folder and real JPEG files made by libjpeg through
/// the shim's fixture writer (the Imaging tests' corpus, in small).
enum PhotoFixtures {
    /// The repository's root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `config/processes/jalisco-2024.yaml` (publication date 2024-04-01).
    static let process: ElectionProcess = {
        try! ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config").0
    }()

    /// `jobs/`, checked against the kinds this build has workers for.
    static func catalog() throws -> JobCatalog {
        try JobCatalog.load(directory: "\(repositoryRoot)/jobs", knownKinds: WorkerRegistry.kinds)
    }

    /// A blob store in a fresh temporary folder.
    static func blobStore() -> FileBlobStore {
        FileBlobStore(root: NSTemporaryDirectory() + "conoceles-blobs-" + UUID().uuidString)
    }

    /// Registers the process and one candidacy (Gubernatura, PAN); returns its id.
    static func seedCandidacy(_ db: Database) async throws -> String {
        try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
        let candidacy = Candidacy(
            id: "C-\(UUID().uuidString.prefix(8))", processID: process.id, officeCode: "GUB", formulaPosition: .proprietor,
            fullName: "María Fernanda López Ávila", gender: .woman, age: .years(45), postulatingEntity: .party(code: "PAN"))
        try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).register(candidacy, by: .system("test"))
        return candidacy.id
    }

    /// A baseline JPEG of `width` x `height` camera-like pixels (see `TestImages.jpeg`).
    static func jpeg(width: Int = 900, height: Int = 1200, takenAt: String? = nil) -> [UInt8] {
        TestImages.jpeg(width: width, height: height, takenAt: takenAt)
    }

    /// The marker bytes of a JPEG's segments before its first scan (SOS excluded).
    static func markers(_ jpeg: [UInt8]) -> [UInt8] {
        var found: [UInt8] = []
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF, jpeg[i + 1] != 0xDA {
            found.append(jpeg[i + 1])
            i += 2 + (Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3]))
        }
        return found
    }
}
