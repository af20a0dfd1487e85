import NIOCore

/// A REQUEST's metadata entries interpreted under the rules of spec §6. Unknown keys are
/// ignored; a repeated key or a known key with a bad value is the call's INVALID_ARGUMENT.
public struct RequestMetadata: Hashable, Sendable {
    public var traceparent: String?
    public var tracestate: String?
    public var idempotencyKey: String?
    /// An encoded `township.common.v1.Principal`.
    public var principal: ByteBuffer?

    public init(traceparent: String? = nil, tracestate: String? = nil, idempotencyKey: String? = nil, principal: ByteBuffer? = nil) {
        self.traceparent = traceparent
        self.tracestate = tracestate
        self.idempotencyKey = idempotencyKey
        self.principal = principal
    }

    public struct Invalid: Error, Hashable, Sendable { public var reason: String }

    public init(validating entries: [MetadataEntry]) throws(Invalid) {
        var seen = Set<UInt8>()
        for entry in entries {
            guard let key = MetadataKey(rawValue: entry.key) else { continue }
            guard seen.insert(entry.key).inserted else {
                throw Invalid(reason: "metadata key 0x\(String(entry.key, radix: 16)) appears twice")
            }
            switch key {
            case .traceparent:
                guard entry.value.readableBytes == 55, let text = Self.ascii(entry.value, allowSpace: false) else {
                    throw Invalid(reason: "traceparent must be 55 ASCII bytes, got \(entry.value.readableBytes)")
                }
                traceparent = text
            case .tracestate:
                guard entry.value.readableBytes <= 512, let text = Self.ascii(entry.value, allowSpace: true) else {
                    throw Invalid(reason: "tracestate must be at most 512 ASCII bytes")
                }
                tracestate = text
            case .idempotencyKey:
                guard (1...128).contains(entry.value.readableBytes), let text = Self.ascii(entry.value, allowSpace: false) else {
                    throw Invalid(reason: "idempotency-key must be 1 to 128 printable ASCII bytes without spaces")
                }
                idempotencyKey = text
            case .principal:
                guard entry.value.readableBytes <= 4_096 else {
                    throw Invalid(reason: "principal of \(entry.value.readableBytes) bytes exceeds 4096")
                }
                principal = entry.value
            }
        }
    }

    /// The entries to send, in key order.
    public var entries: [MetadataEntry] {
        var result: [MetadataEntry] = []
        if let traceparent { result.append(MetadataEntry(key: .traceparent, value: traceparent)) }
        if let tracestate { result.append(MetadataEntry(key: .tracestate, value: tracestate)) }
        if let idempotencyKey { result.append(MetadataEntry(key: .idempotencyKey, value: idempotencyKey)) }
        if let principal { result.append(MetadataEntry(key: MetadataKey.principal.rawValue, value: principal)) }
        return result
    }

    private static func ascii(_ buffer: ByteBuffer, allowSpace: Bool) -> String? {
        let low: UInt8 = allowSpace ? 0x20 : 0x21
        guard buffer.readableBytesView.allSatisfy({ $0 >= low && $0 <= 0x7E }) else { return nil }
        return String(buffer: buffer)
    }
}

/// The method name rule of spec §4.3: `package.Service/Method`.
public enum MethodName {
    public static func isValid(_ method: String) -> Bool {
        let bytes = Array(method.utf8)
        guard bytes.count <= WireLimits.maxMethodLength else { return false }
        let parts = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, isUpperIdentifier(parts[1]) else { return false }
        let qualified = parts[0].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard qualified.count >= 2, isUpperIdentifier(qualified[qualified.count - 1]) else { return false }
        return qualified.dropLast().allSatisfy(isLowerIdentifier)
    }

    private static func isUpperIdentifier(_ part: ArraySlice<UInt8>) -> Bool {
        guard let first = part.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return false }
        return part.allSatisfy { isAlphanumeric($0) }
    }

    private static func isLowerIdentifier(_ part: ArraySlice<UInt8>) -> Bool {
        guard let first = part.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return part.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
