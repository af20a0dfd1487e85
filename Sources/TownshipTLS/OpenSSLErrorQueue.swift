import COpenSSL

/// OpenSSL's error queue is per thread and shared by every connection on an event loop:
/// clear it before each call, drain it after a failure so the next caller starts clean.
enum OpenSSLErrorQueue {
    struct Entry {
        let code: UInt
        var reasonCode: Int32 { ERR_GET_REASON(code) }
        var reason: String {
            if let text = ERR_reason_error_string(code) {
                return String(cString: text)
            }
            return "OpenSSL error 0x\(String(code, radix: 16))"
        }
    }

    static func clear() {
        ERR_clear_error()
    }

    static func drain() -> [Entry] {
        var entries: [Entry] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            entries.append(Entry(code: code))
        }
        return entries
    }

    /// The reasons of the drained queue, first (root cause) first, or `fallback`.
    static func drainedReason(fallback: String) -> String {
        let reasons = drain().map(\.reason)
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}
