import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Start-up order made explicit: `township up` starts the gateway only once every service
/// accepts connections, so the gateway's first connect succeeds instead of sending its client
/// into reconnect backoff.
enum PortReadiness {
    /// Whether something accepts TCP connections on 127.0.0.1:`port` now.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    /// Waits until `port` accepts connections while `isRunning` holds, at most `limit`.
    static func waitUntilListening(_ name: String, port: Int, isRunning: () -> Bool, within limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while !accepts(port: port) {
            guard isRunning() else { throw UpCommand.Failure(description: "\(name) exited before it listened on \(port)") }
            guard ContinuousClock.now < deadline else { throw UpCommand.Failure(description: "\(name) did not listen on \(port) within \(limit)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
