import ConocelesWeb
import Foundation
import Testing

@Suite("EventSignature")
struct EventSignatureTests {
    let signer = EventSignature(secret: String(repeating: "k", count: 40))
    let body = Array(#"{"id":"evt-1","type":"candidacy.approved"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_717_000_000)

    @Test func aFreshCorrectSignatureIsAccepted() throws {
        let sig = signer.sign(body: body, timestamp: 1_717_000_000)
        try signer.verify(body: body, timestamp: "1717000000", signature: sig, now: now)
        try signer.verify(body: body, timestamp: "1716999750", signature: signer.sign(body: body, timestamp: 1_716_999_750), now: now)
    }

    @Test func refusals() {
        let sig = signer.sign(body: body, timestamp: 1_717_000_000)
        func failure(_ body: [UInt8], _ ts: String?, _ sig: String?) -> EventSignature.Failure? {
            do { try signer.verify(body: body, timestamp: ts, signature: sig, now: now); return nil } catch { return error }
        }
        #expect(failure(body, nil, sig) == .missing)
        #expect(failure(body, "1717000000", nil) == .missing)
        #expect(failure(body, "ayer", sig) == .malformed)
        #expect(failure(body, "1717000000", "md5=abc") == .malformed)
        #expect(failure(body, "1717000000", "sha256=zz") == .malformed)
        #expect(failure(body, "1716999000", signer.sign(body: body, timestamp: 1_716_999_000)) == .stale, "a replay 1000 s later")
        #expect(failure(body + [32], "1717000000", sig) == .mismatch, "body changed")
        #expect(failure(body, "1717000001", sig) == .mismatch, "timestamp changed")
        let other = EventSignature(secret: String(repeating: "x", count: 40)).sign(body: body, timestamp: 1_717_000_000)
        #expect(failure(body, "1717000000", other) == .mismatch, "another secret")
    }
}
