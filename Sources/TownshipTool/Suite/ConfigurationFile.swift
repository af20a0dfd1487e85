import Foundation

/// The few keys `township up` keeps in step in configuration files it wrote earlier (an
/// operator's other edits stay): which intake replicas the gateway and enterprise-liaison
/// call, and which database intake uses. Everything else is written once, when absent.
enum ConfigurationFile {
    /// `rpc.port` and `metrics.port` of an existing file, nil when there is none.
    static func ports(in file: URL) -> (rpc: Int, metrics: Int)? {
        guard let object = read(file),
              let rpc = (object["rpc"] as? [String: Any])?["port"] as? Int,
              let metrics = (object["metrics"] as? [String: Any])?["port"] as? Int else { return nil }
        return (rpc, metrics)
    }

    /// Sets `keyPath` (e.g. ["backends", "intake", "endpoints"]) to `value` in `file` when it
    /// holds something else; returns whether the file changed. A file that is not a JSON
    /// object is left alone (its program will name the problem when it reads it).
    @discardableResult
    static func set(_ keyPath: [String], to value: JSONValue, in file: URL) throws -> Bool {
        guard var object = read(file) else { return false }
        let wanted = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value), options: [.fragmentsAllowed])
        guard !isEqual(current(at: keyPath, in: object), wanted) else { return false }
        object = setting(keyPath[...], to: wanted, in: object)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: file, options: .atomic)
        return true
    }

    private static func read(_ file: URL) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    private static func current(at keyPath: [String], in object: [String: Any]) -> Any? {
        var current: Any? = object
        for key in keyPath { current = (current as? [String: Any])?[key] }
        return current
    }

    private static func setting(_ keyPath: ArraySlice<String>, to value: Any, in object: [String: Any]) -> [String: Any] {
        guard let key = keyPath.first else { return object }
        var object = object
        if keyPath.count == 1 {
            object[key] = value
        } else {
            object[key] = setting(keyPath.dropFirst(), to: value, in: object[key] as? [String: Any] ?? [:])
        }
        return object
    }

    /// Equal as JSON (keys sorted), the way the file would be written.
    private static func isEqual(_ a: Any?, _ b: Any) -> Bool {
        guard let a else { return false }
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed]
        return (try? JSONSerialization.data(withJSONObject: a, options: options)) == (try? JSONSerialization.data(withJSONObject: b, options: options))
    }
}
