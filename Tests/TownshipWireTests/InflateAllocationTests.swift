import NIOCore
import Testing

@testable import TownshipWire

/// Spec §10: a receiver MUST NOT allocate on a peer's word more than the limits allow. The
/// peer declares `uncompressed_len`; inflating it may cost that many bytes, not twice as many.
@Suite struct InflateAllocationTests {
    @Test func inflatingAPayloadOfExactlyTheCapAllocatesAboutTheCap() throws {
        let cap: UInt32 = 16_384
        let message = ByteBuffer(repeating: 0x41, count: Int(cap))
        let compressed = try #require(PayloadCompression.compressIfWorthIt(message))

        let inflated = try PayloadCompression.inflate(compressed.bytes, cap: cap)

        #expect(inflated == message)
        // Today the buffer is sized `declared + 1` (a spare byte to detect overrun), which
        // ByteBuffer rounds up to the next power of two: 32,768 bytes for a 16,384 cap.
        #expect(inflated.capacity <= Int(cap) + 1, "inflating \(cap) bytes allocated \(inflated.capacity)")
    }
}
