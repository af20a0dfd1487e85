import Foundation

/// What a configuration key holds in a JSON file. swift-configuration returns the default for a
/// value of the wrong type, so a check of the file is the only place a typo like `"port": "80"`
/// is caught.
public enum ConfigurationValueKind: String, Sendable {
    case string = "a string"
    case integer = "an integer"
    case boolean = "a boolean"
    case stringList = "a list of strings"
}

/// Checks a JSON configuration file against the keys a service knows, for `check-config`
/// commands. Keys starting with "_" (at any depth) are comments and are skipped; nested objects
/// are flattened with dots (`{"rpc": {"port": 1}}` is `rpc.port`).
public enum ConfigurationFileCheck {
    /// Bigger than any configuration we write; a limit so a wrong path cannot exhaust memory.
    public static let maximumFileSize = 1_000_000

    /// Every problem found, each naming its key: unknown keys, values of the wrong kind, and
    /// files that are not a JSON object. Empty when the file is acceptable.
    public static func problems(inFile path: String, knownKeys: [String: ConfigurationValueKind]) -> [String] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int else { return ["cannot read the file"] }
        guard size <= maximumFileSize else { return ["the file exceeds \(maximumFileSize) bytes"] }
        guard let data = FileManager.default.contents(atPath: path) else { return ["cannot read the file"] }
        if let syntax = JSONSyntaxCheck.firstError(in: [UInt8](data)) { return ["not valid JSON: \(syntax)"] }
        let root: JSONNode
        do { root = try JSONDecoder().decode(JSONNode.self, from: data) } catch {
            return ["not valid JSON: \(syntaxError(in: data))"]
        }
        guard case .object(let object) = root else { return ["the top level must be a JSON object"] }
        var problems: [String] = []
        walk(object, prefix: "", knownKeys: knownKeys, problems: &problems)
        return problems
    }

    private static func walk(_ object: [String: JSONNode], prefix: String, knownKeys: [String: ConfigurationValueKind], problems: inout [String]) {
        for (key, value) in object.sorted(by: { $0.key < $1.key }) where !key.hasPrefix("_") {
            let full = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let kind = knownKeys[full] {
                if !value.matches(kind) {
                    problems.append("'\(full)' must be \(kind.rawValue), not \(value.summary)")
                }
            } else if case .object(let nested) = value, knownKeys.keys.contains(where: { $0.hasPrefix(full + ".") }) {
                walk(nested, prefix: full, knownKeys: knownKeys, problems: &problems)
            } else {
                problems.append("unknown key '\(full)' (known: \(knownKeys.keys.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// JSONDecoder on Linux does not say where the JSON breaks; JSONSerialization does.
    private static func syntaxError(in data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return "unsupported structure"
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
        }
    }
}

/// Any JSON value, decoded strictly: `1` is not a boolean and `true` is not a number.
private indirect enum JSONNode: Decodable {
    case null
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([String: JSONNode])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .boolean(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONNode].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONNode].self)) }
    }

    func matches(_ kind: ConfigurationValueKind) -> Bool {
        switch (kind, self) {
        case (.string, .string), (.integer, .integer), (.boolean, .boolean): true
        case (.stringList, .array(let items)): items.allSatisfy { if case .string = $0 { true } else { false } }
        default: false
        }
    }

    /// The value as an operator would recognise it in an error.
    var summary: String {
        switch self {
        case .null: "null"
        case .boolean(let value): "\(value)"
        case .integer(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .array: "a list"
        case .object: "an object"
        }
    }
}
