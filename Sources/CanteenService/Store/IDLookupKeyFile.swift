import Crypto
import Foundation

/// The HMAC key of the ID-number digests, in a 0600 file apart from the database (64 hex
/// digits). Created on first use; a key readable by others is refused. Losing it makes every
/// stored digest useless for look-ups, so it is backed up with the configuration.
public enum IDLookupKeyFile {
    public struct Unusable: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "canteen.idLookupKeyFile: '\(path)' \(reason)" }
    }

    public static func loadOrCreate(path: String) throws -> SymmetricKey {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            let hex = SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() } + "\n"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw Unusable(path: path, reason: "cannot be created: \(String(cString: strerror(errno)))") }
            let written = hex.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            let synced = fsync(fd)
            close(fd)
            guard written == hex.utf8.count, synced == 0 else { throw Unusable(path: path, reason: "cannot be written") }
        }
        let attributes = try fm.attributesOfItem(atPath: path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw Unusable(path: path, reason: "is readable or writable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        guard let text = fm.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }),
              text.count == 64, let bytes = hexBytes(text) else {
            throw Unusable(path: path, reason: "must hold 64 hexadecimal digits")
        }
        return SymmetricKey(data: bytes)
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var chars = Array(text.utf8)[...]
        while chars.count >= 2 {
            guard let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            chars = chars.dropFirst(2)
        }
        return chars.isEmpty ? out : nil
    }
}
