import Crypto
import Foundation

/// A 256-bit secret (an HMAC key) in its own file, apart from the database it protects: 64
/// hex digits, mode 0600, created on first use and refused when others may read it. Intake's
/// ledger checkpoint key and canteen-meals' ID-number key are both kept this way.
public enum SecretKeyFile {
    public struct Unusable: Error, CustomStringConvertible {
        /// The configuration key naming the file, e.g. `ledger.checkpointKeyFile`.
        public let setting: String
        public let path: String
        public let reason: String
        public var description: String { "\(setting): '\(path)' \(reason)" }
    }

    public static func loadOrCreate(path: String, setting: String) throws -> SymmetricKey {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            let hex = SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() } + "\n"
            // O_EXCL: two processes starting at once never overwrite each other's key.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw Unusable(setting: setting, path: path, reason: "cannot be created: \(String(cString: strerror(errno)))") }
            let written = hex.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            let synced = fsync(fd)
            close(fd)
            guard written == hex.utf8.count, synced == 0 else { throw Unusable(setting: setting, path: path, reason: "cannot be written") }
        }
        if let mode = try fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw Unusable(setting: setting, path: path, reason: "is readable or writable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        guard let text = fm.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }),
              text.count == 64, let bytes = hexBytes(text) else {
            throw Unusable(setting: setting, path: path, reason: "must hold 64 hexadecimal digits")
        }
        return SymmetricKey(data: bytes)
    }

    /// What `check-config` reports before anything is created: the file must be private if it
    /// exists, and creatable if not (`guide` says where the operator reads how to make it).
    public static func problem(path: String, setting: String, guide: String) -> String? {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let mode = (try? fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
            guard mode & 0o077 == 0, fm.isReadableFile(atPath: path) else {
                return "\(setting): '\(path)' must be readable by this user alone (mode \(String(mode, radix: 8)); chmod 600 it)"
            }
            return nil
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard fm.isWritableFile(atPath: parent) else {
            return "\(setting): '\(path)' does not exist and '\(parent)' is not writable: create the key (\(guide))"
        }
        return nil
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var chars = Substring(text)
        while chars.count >= 2 {
            guard let byte = UInt8(chars.prefix(2), radix: 16) else { return nil }
            out.append(byte)
            chars = chars.dropFirst(2)
        }
        return chars.isEmpty ? out : nil
    }
}
