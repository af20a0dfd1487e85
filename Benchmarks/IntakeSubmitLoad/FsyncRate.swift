import Foundation

/// The disk's ceiling for durable commits: how many 4 KiB write + fsync pairs per second a
/// file in `directory` (the database's own) takes, for `seconds`.
enum FsyncRate {
    static func measure(directory: URL, seconds: Double) throws -> Double {
        let path = directory.appendingPathComponent("fsync-probe").path
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { throw ProbeFailed(description: "cannot create \(path): errno \(errno)") }
        defer { close(fd); unlink(path) }
        let page = [UInt8](repeating: 0x5A, count: 4_096)
        let start = Date()
        var syncs = 0
        repeat {
            // The same offset each time, as a WAL's header rewrite: the cost is the flush, not allocation.
            guard pwrite(fd, page, page.count, 0) == page.count, fsync(fd) == 0 else {
                throw ProbeFailed(description: "write or fsync failed on \(path): errno \(errno)")
            }
            syncs += 1
        } while Date().timeIntervalSince(start) < seconds
        return Double(syncs) / Date().timeIntervalSince(start)
    }
}

struct ProbeFailed: Error, CustomStringConvertible {
    var description: String
}
