import HTTPTypes
import Hummingbird
import NIOCore

/// The address of the client a request comes from, for counting failed sign-ins. Behind a
/// reverse proxy every request comes from the proxy; a proxy listed in `login.trustedProxies`
/// is believed about the client it forwards for (`Forwarded: for=…`, else `X-Forwarded-For`),
/// anyone else is not (a client could name any address it likes).
enum ClientAddress {
    /// `peer` is the connection's remote address. The forwarding headers are read from the
    /// right (the hop nearest to us) leftwards, past every trusted proxy; the first other
    /// address is the client.
    static func of(peer: String, headers: HTTPFields, trustedProxies: Set<String>) -> String {
        let peer = normalized(peer)
        guard trustedProxies.contains(peer) else { return peer }
        var chain = forwardedFor(headers[values: .forwarded])
        if chain.isEmpty { chain = headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) } }
        for hop in chain.reversed() {
            let address = normalized(hop)
            guard isIPAddress(address) else { return peer }  // a garbled chain: count the proxy
            if !trustedProxies.contains(address) { return address }
        }
        return peer
    }

    /// The `for=` parameters of RFC 7239 `Forwarded` elements, in order.
    static func forwardedFor(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.compactMap { element in
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0].lowercased() == "for" else { continue }
                return parts[1]
            }
            return nil
        }
    }

    /// Without quotes, brackets and port: `"[2001:db8::1]:4711"` → `2001:db8::1`, `192.0.2.1:80` → `192.0.2.1`.
    static func normalized(_ text: String) -> String {
        var value = Substring(text.trimmingCharacters(in: .whitespaces))
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") { return String(value[value.index(after: value.startIndex)..<close]).lowercased() }
        if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") { value = value[..<colon] }
        return value.lowercased()
    }

    static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}

extension HTTPField.Name {
    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
