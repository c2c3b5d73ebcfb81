import Foundation

/// Runs a program to completion without blocking a cooperative thread; stdout goes to a file
/// (no pipe to fill up) and is returned.
enum ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "\(command) exited with \(status): \(output)" }
    }

    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> Data {
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("mailtests-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let data = try Data(contentsOf: outputURL)
        guard status == 0 else {
            throw Failure(
                command: ([executable.path] + arguments).joined(separator: " "), status: status,
                output: String(decoding: data, as: UTF8.self))
        }
        return data
    }
}
