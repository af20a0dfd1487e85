#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Private key files: only their owner may read or write them, as ssh demands of its keys.
/// Checked wherever a key is loaded (`TLSContext` for every service and the gateway,
/// `DevelopmentCA.load`), so a key left readable by others is refused before it is used.
public enum PrivateKeyFile {
    /// Permission bits that must be clear: read and write for group and others.
    public static let forbiddenPermissions: UInt32 = 0o066

    /// Throws `PrivateKeyPermissionError` if group or others can read or write `path`.
    /// A file that cannot be examined is left to the reader, which reports it better.
    public static func checkPermissions(atPath path: String) throws(PrivateKeyPermissionError) {
        var information = stat()
        guard stat(path, &information) == 0 else { return }
        let mode = UInt32(information.st_mode) & 0o7777
        if mode & forbiddenPermissions != 0 {
            throw PrivateKeyPermissionError(path: path, mode: mode)
        }
    }
}

public struct PrivateKeyPermissionError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    /// The file's permission bits, e.g. 0o644.
    public let mode: UInt32

    public var description: String {
        let octal = String(mode, radix: 8)
        let padded = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
        return "permissions \(padded) for '\(path)' are too open: a private key must not be readable or writable by group or others; run chmod 600 '\(path)'"
    }
}
