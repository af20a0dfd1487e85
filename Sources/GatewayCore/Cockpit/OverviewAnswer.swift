import Crypto
import NIOCore

extension OverviewService {
    /// One overview as it goes out: its bytes made once, and gzipped once, for every request it
    /// serves, so a cached hit is a lookup and a write.
    public struct Answer: Sendable {
        public var complete: Bool
        /// Backend rounds made so far (for tests and metrics).
        public var round: Int
        /// The JSON's bytes.
        public var body: ByteBuffer
        /// The same, gzipped, for complete answers (the ones reused from the cache).
        public var gzipped: ByteBuffer?
        /// The strong validator of a complete answer (`ETag`): a digest of what it shows (every
        /// section's status and data, the drill-down lists included), not of when it was made,
        /// so an unchanged overview keeps its ETag, and its bytes, from round to round. nil for
        /// partial answers, which are never reused.
        public var etag: String?
        /// The long lists the compact overview leaves out, by drill-down name
        /// (`OverviewCompaction`), as JSON bytes.
        public var drillDowns: [String: ByteBuffer]

        public var json: String { String(buffer: body) }

        init(json: String, complete: Bool, round: Int, digestOf content: String, drillDowns: [String: ByteBuffer]) {
            self.complete = complete
            self.round = round
            body = ByteBuffer(string: json)
            gzipped = complete ? Gzip.compress(body) : nil
            etag = complete ? Self.etag(of: content) : nil
            self.drillDowns = drillDowns
        }

        /// Members a backend stamps with the time of asking (intake's statistics `computedAt`):
        /// left out of the digest, or every round would be a new version.
        static let volatileMembers = [#""computedAt":""#]

        /// A quoted hex digest (128 bits of SHA-256) of `content` without its volatile members'
        /// values, as `ETag` carries it.
        static func etag(of content: String) -> String {
            let digest = SHA256.hash(data: withoutVolatileValues(Array(content.utf8)))
            let hex = digest.prefix(16).map { byte in
                let digits = Array("0123456789abcdef".utf8)
                return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
            }.joined()
            return "\"\(hex)\""
        }

        /// `bytes` without each volatile member's name and string value (one pass; the bytes
        /// between them are copied in runs, not one by one: the content is ~150 KB a round).
        static func withoutVolatileValues(_ bytes: [UInt8]) -> [UInt8] {
            let patterns = volatileMembers.map { Array($0.utf8) }
            // Every volatile member's pattern starts with the quote of its name.
            let quote = UInt8(ascii: "\"")
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var copiedUpTo = 0
            var index = 0
            scanning: while let start = bytes[index...].firstIndex(of: quote) {
                for pattern in patterns where bytes[start...].starts(with: pattern) {
                    out.append(contentsOf: bytes[copiedUpTo..<start])
                    index = start + pattern.count
                    // Up to the closing quote (the values are timestamps: no escaped quotes).
                    while index < bytes.count, bytes[index] != quote { index += 1 }
                    index = min(index + 1, bytes.count)
                    copiedUpTo = index
                    continue scanning
                }
                index = start + 1
            }
            out.append(contentsOf: bytes[copiedUpTo...])
            return out
        }
    }
}
