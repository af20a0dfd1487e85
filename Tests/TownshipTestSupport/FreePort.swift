#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port on 127.0.0.1 that nothing holds right now, for tests that start executables
/// with a port in their configuration. The kernel picks it (bind to port 0) and the socket is
/// closed again: another process could still take it before ours binds, but none that already
/// holds it — which is how random ports collided when several test runs shared the machine.
public enum FreePort {
    public static func pick() -> Int { pick(1)[0] }

    /// `count` distinct ports: every socket stays bound until all are picked, since the kernel
    /// may hand a just-closed port out again.
    public static func pick(_ count: Int) -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        return (0..<count).map { _ in
            let (fd, port) = bindAny()
            sockets.append(fd)
            return port
        }
    }

    private static func bindAny() -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0, "socket() failed: errno \(errno)")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        precondition(bound == 0, "bind(127.0.0.1:0) failed: errno \(errno)")
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        precondition(named == 0, "getsockname failed: errno \(errno)")
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
