import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// The repository's SMTP sink (`scripts/smtp_sink.py`, aiosmtpd), started for one test on a
/// free port of 127.0.0.1: every accepted message lands in its Maildir; recipients at
/// `rechazado.invalid` get a 550, at `temporal.invalid` a 451; with `user`/`password` it
/// checks SMTP AUTH (and refuses MAIL without it when `authRequired`).
public final class SMTPTestSink: @unchecked Sendable {
    public let port: Int
    /// The Maildir (`new/` holds the delivered messages).
    public let maildir: URL
    private let process: Process
    private let directory: URL

    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `body` with a started sink and stops it afterwards, also on errors.
    public static func with<R>(
        user: String? = nil, password: String? = nil, authRequired: Bool = false,
        _ body: (SMTPTestSink) async throws -> R
    ) async throws -> R {
        let sink = try await start(user: user, password: password, authRequired: authRequired)
        defer { sink.stop() }
        return try await body(sink)
    }

    private init(port: Int, maildir: URL, process: Process, directory: URL) {
        self.port = port
        self.maildir = maildir
        self.process = process
        self.directory = directory
    }

    static func start(user: String?, password: String?, authRequired: Bool) async throws -> SMTPTestSink {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ready = directory.appendingPathComponent("port")
        let maildir = directory.appendingPathComponent("Maildir")
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent(".venv/bin/python")
        var arguments = [
            repositoryRoot.appendingPathComponent("scripts/smtp_sink.py").path,
            "--port", "0", "--maildir", maildir.path, "--ready", ready.path,
        ]
        if let user { arguments += ["--user", user, "--password", password ?? ""] }
        if authRequired { arguments.append("--auth-required") }
        process.arguments = arguments
        let log = directory.appendingPathComponent("sink.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let port = Int(text) {
                return SMTPTestSink(port: port, maildir: maildir, process: process, directory: directory)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw SinkStartError(description: "the SMTP sink did not start: \(output)")
    }

    struct SinkStartError: Error, CustomStringConvertible {
        let description: String
    }

    /// Kills the sink (SIGKILL: a child of the test process may have SIGTERM blocked) and
    /// removes its files.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// One delivered message: its raw text and the envelope recipients aiosmtpd wrote.
    public struct Delivered: Sendable {
        public let raw: String
        /// The `To:` header.
        public var to: String { header("To") ?? "" }
        public var subject: String { header("Subject") ?? "" }

        public func header(_ name: String) -> String? {
            let head = raw.components(separatedBy: "\n\n").first ?? raw
            let prefix = name.lowercased() + ":"
            for line in head.split(separator: "\n") where line.lowercased().hasPrefix(prefix) {
                return line.dropFirst(prefix.count).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return nil
        }
    }

    /// The messages in the Maildir's `new/`, by file name.
    public func delivered() throws -> [Delivered] {
        let new = maildir.appendingPathComponent("new")
        guard FileManager.default.fileExists(atPath: new.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: new, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { Delivered(raw: (try String(contentsOf: $0, encoding: .utf8)).replacingOccurrences(of: "\r\n", with: "\n")) }
    }

    /// Sends `raw` (a whole message) to `recipients` through the sink with Python's smtplib,
    /// as a remote mail server would deliver a bounce.
    public func deliverRaw(_ raw: String, from: String, to recipients: [String]) throws {
        let file = directory.appendingPathComponent("raw-\(UUID().uuidString).eml")
        // On the wire every line ends in CRLF (smtplib sends bytes as they are).
        try raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Self.repositoryRoot.appendingPathComponent(".venv/bin/python")
        process.arguments =
            [
                "-c",
                """
                import smtplib, sys
                with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
                    s.sendmail(sys.argv[2], sys.argv[4:], open(sys.argv[3], "rb").read())
                """, String(port), from, file.path,
            ] + recipients
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SinkStartError(description: "smtplib failed: \(process.terminationStatus)") }
    }
}
