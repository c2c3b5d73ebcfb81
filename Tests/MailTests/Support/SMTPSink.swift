import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A real aiosmtpd, started from the package's `.venv` on a free port of 127.0.0.1, writing
/// every accepted message into a Maildir. Its handler refuses recipients at
/// `rechazado.invalid` (550) and `temporal.invalid` (451), to test error classification.
final class SMTPSink {
    /// Transport security the sink offers.
    enum Security {
        case none
        /// STARTTLS required before MAIL; the certificate is ``certificatePath``.
        case startTLS
        /// Implicit TLS (SMTPS).
        case tls
    }

    let port: Int
    let directory: URL
    /// The self-signed certificate (for 127.0.0.1) when the sink uses TLS.
    let certificatePath: String?
    private let process: Process
    private let exited: AsyncStream<Void>
    private let logURL: URL

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = packageRoot.appendingPathComponent(".venv/bin/python")

    /// Runs `body` with a started sink and stops the sink afterwards, also on errors.
    static func with<R>(security: Security = .none, _ body: (SMTPSink) async throws -> R) async throws -> R {
        let sink = try await start(security: security)
        do {
            let result = try await body(sink)
            await sink.stop()
            return result
        } catch {
            await sink.stop()
            throw error
        }
    }

    private init(port: Int, directory: URL, certificatePath: String?, process: Process, exited: AsyncStream<Void>, logURL: URL) {
        self.port = port
        self.directory = directory
        self.certificatePath = certificatePath
        self.process = process
        self.exited = exited
        self.logURL = logURL
    }

    private static func start(security: Security) async throws -> SMTPSink {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailtests-sink-\(UUID().uuidString)")
        let maildir = directory.appendingPathComponent("Maildir")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try handlerModule.write(to: directory.appendingPathComponent("conoceles_sink.py"), atomically: true, encoding: .utf8)

        var tlsArguments: [String] = []
        var certificatePath: String?
        if security != .none {
            let certificate = directory.appendingPathComponent("cert.pem").path
            let key = directory.appendingPathComponent("key.pem").path
            _ = try await ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/openssl"),
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                ])
            tlsArguments =
                security == .startTLS
                ? ["--tlscert", certificate, "--tlskey", key]
                : ["--smtpscert", certificate, "--smtpskey", key]
            certificatePath = certificate
        }

        let port = try LoopbackSocket.freePort()
        let logURL = directory.appendingPathComponent("aiosmtpd.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = python
        process.arguments =
            ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "conoceles_sink.RecordingMailbox"]
            + tlsArguments + [maildir.path]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "PYTHONPATH": directory.path, "PYTHONDONTWRITEBYTECODE": "1",
        ]) { $1 }
        process.standardOutput = log
        process.standardError = log
        let (exited, exitedContinuation) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in exitedContinuation.finish() }
        try process.run()
        try? log.close()
        let sink = SMTPSink(
            port: port, directory: maildir, certificatePath: certificatePath, process: process,
            exited: exited, logURL: logURL)
        do {
            try await sink.waitUntilListening()
        } catch {
            await sink.stop()
            throw error
        }
        return sink
    }

    /// Polls the port (every 20 ms, at most 20 s) until aiosmtpd accepts connections.
    private func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw SinkError(message: "aiosmtpd exited: \(log)") }
            if LoopbackSocket.acceptsConnections(port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SinkError(message: "aiosmtpd did not listen on \(port) within 20 s: \(log)")
    }

    /// Kills aiosmtpd, waits for its exit without blocking a thread, and removes its files.
    /// SIGKILL, because a child of a Swift test process may inherit a mask that blocks SIGTERM.
    func stop() async {
        kill(process.processIdentifier, SIGKILL)
        for await _ in exited {}
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    /// The delivered messages' files (Maildir `new/`), sorted by name.
    func deliveredFiles() throws -> [URL] {
        let new = directory.appendingPathComponent("new")
        guard FileManager.default.fileExists(atPath: new.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: new, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Every delivered message, parsed by Python's `email` package (an independent decoder).
    func deliveredMessages() async throws -> [ReceivedMail] {
        try await ReceivedMail.parse(try deliveredFiles())
    }

    /// aiosmtpd's output, for failure messages.
    var log: String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    private static let handlerModule = """
        from aiosmtpd.handlers import Mailbox


        class RecordingMailbox(Mailbox):
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.endswith("@rechazado.invalid"):
                    return "550 5.1.1 Mailbox unavailable"
                if address.endswith("@temporal.invalid"):
                    return "451 4.3.0 Try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"
        """
}

struct SinkError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
