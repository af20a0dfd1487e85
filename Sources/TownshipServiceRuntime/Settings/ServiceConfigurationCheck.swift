import Foundation

/// The one typed check of a service's configuration, run by `serve` before it starts anything
/// and by `check-config` alone, so a file that checks is a file that serves: unknown keys (a
/// misspelt `tls.certficate`), values of the wrong type (`"rpc.port": "seventeen"`, which the
/// configuration reader would silently replace by the default), malformed JSON (with line,
/// column and what is wrong), and files the settings name that are missing or unreadable.
public enum ServiceConfigurationCheck {
    /// Every problem found, each line naming the file and the key or place at fault.
    public struct Failed: Error, CustomStringConvertible {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
        public init(problems: [String]) { self.problems = problems }
    }

    /// Checks the JSON file (when one is given) against `knownKeys`.
    public static func checkFile(_ configFile: String?, knownKeys: [String: ConfigurationValueKind]) throws {
        guard let configFile else { return }
        let problems = ConfigurationFileCheck.problems(inFile: configFile, knownKeys: knownKeys)
        guard problems.isEmpty else { throw Failed(problems: problems.map { "\(configFile): \($0)" }) }
    }

    /// Checks the `TOWNSHIP_*` variables of known keys: the configuration reader would replace
    /// a value it cannot parse (`TOWNSHIP_RPC_PORT=seventeen`) by the default, silently.
    public static func checkEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                        knownKeys: [String: ConfigurationValueKind]) throws {
        var problems: [String] = []
        for (key, kind) in knownKeys.sorted(by: { $0.key < $1.key }) {
            let name = environmentName(of: key)
            guard let value = environment[name] else { continue }
            switch kind {
            case .integer where Int(value.trimmingCharacters(in: .whitespaces)) == nil:
                problems.append("\(name) (\(key)) must be an integer, not \"\(value)\"")
            case .boolean where !["true", "false", "yes", "no", "1", "0"].contains(value.lowercased()):
                problems.append("\(name) (\(key)) must be true or false, not \"\(value)\"")
            default: break
            }
        }
        guard problems.isEmpty else { throw Failed(problems: problems) }
    }

    /// The variable swift-configuration reads for a key: `rpc.drainSeconds` is
    /// `TOWNSHIP_RPC_DRAIN_SECONDS` (camelCase split, upper case, non-alphanumerics to '_').
    public static func environmentName(of key: String) -> String {
        let components = key.split(separator: ".").map { component -> String in
            var out = ""
            var previous: Character?
            for c in component {
                if let p = previous, p.isLowercase, c.isUppercase { out += "_" }
                out.append(c)
                previous = c
            }
            return out.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        }
        return (["TOWNSHIP"] + components).joined(separator: "_")
    }

    /// Checks that each file the settings name can be read by this process.
    public static func checkReadable(_ files: [(key: String, path: String)]) throws {
        var problems: [String] = []
        for file in files where !FileManager.default.isReadableFile(atPath: file.path) {
            let reason = FileManager.default.fileExists(atPath: file.path) ? "is not readable by this user" : "does not exist"
            problems.append("\(file.key): '\(file.path)' \(reason)")
        }
        guard problems.isEmpty else { throw Failed(problems: problems) }
    }

    /// Checks that the state directory exists and is writable, or can be created.
    public static func checkWritableDirectory(key: String, path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failed(problems: ["\(key): '\(path)' is a file, not a directory"]) }
            guard FileManager.default.isWritableFile(atPath: path) else {
                throw Failed(problems: ["\(key): '\(path)' is not writable by this user"])
            }
            return
        }
        // Created on start: the nearest existing parent must be a writable directory.
        var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: parent.path), parent.path != "/" { parent.deleteLastPathComponent() }
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failed(problems: ["\(key): '\(path)' does not exist and cannot be created ('\(parent.path)' is a file)"])
        }
        guard FileManager.default.isWritableFile(atPath: parent.path) else {
            throw Failed(problems: ["\(key): '\(path)' does not exist and cannot be created ('\(parent.path)' is not writable by this user)"])
        }
    }
}
