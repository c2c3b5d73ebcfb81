/// What curl's callbacks see through `CURLOPT_READDATA` / `CURLOPT_XFERINFODATA` during one
/// transfer: the bytes still to upload and the cancellation flag. Used only on the curl thread.
final class TransferContext {
    private let payload: [UInt8]
    private var offset = 0
    let cancellation: CancellationFlag

    init(payload: [UInt8], cancellation: CancellationFlag) {
        self.payload = payload
        self.cancellation = cancellation
    }

    /// Copies the next bytes into curl's buffer; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, payload.count - offset)
        guard count > 0 else { return 0 }
        payload.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
