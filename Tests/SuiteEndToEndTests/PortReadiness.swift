import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Start-up order made explicit: a program that depends on another starts only once the
/// other accepts connections, so that it never meets a refused connect (and its client's
/// reconnect backoff) because of the order processes happened to be scheduled in.
enum PortReadiness {
    struct NotReady: Error, CustomStringConvertible {
        var description: String
    }

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

    /// Waits until `process` listens on `port`; fails at once if it exits first.
    static func waitUntilListening(_ name: String, process: Process?, port: Int, within limit: Duration = .seconds(30)) async throws {
        _ = try await eventually("\(name) listens on \(port)", within: limit) {
            guard let process, process.isRunning else {
                throw NotReady(description: "\(name) is not running (exit status \(process?.terminationStatus ?? -1))")
            }
            guard accepts(port: port) else { throw NotReady(description: "\(name) does not accept connections on \(port) yet") }
        }
    }
}
