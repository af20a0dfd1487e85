import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls atomic placement needs that Foundation does not promise.
enum FileSystemOps {
    /// rename(2): atomic within one file system; the destination appears complete or not at all.
    static func atomicRename(from: URL, to: URL) throws(AttachmentError) {
        guard rename(from.path, to.path) == 0 else {
            throw .ioFailure("rename \(from.lastPathComponent) → \(to.lastPathComponent): errno \(errno)")
        }
    }

    /// fsync(2) on a directory so a rename in it survives a crash.
    static func syncDirectory(_ url: URL) throws(AttachmentError) {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw .ioFailure("open directory \(url.path): errno \(errno)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .ioFailure("fsync directory \(url.path): errno \(errno)") }
    }
}
