import Foundation

/// A one-line progress bar on standard error (redrawn in place on a terminal, a line per
/// update otherwise).
struct ProgressBar: Sendable {
    let label: String
    let interactive = isatty(STDERR_FILENO) != 0

    func show(_ done: Int, of total: Int) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * 30)
        let line =
            "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] \(Int(fraction * 100)) % (\(done)/\(total))"
        if interactive {
            FileHandle.standardError.write(Data("\r\(line)".utf8))
        } else {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
