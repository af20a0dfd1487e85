import Foundation

/// What a tally sums: counts, or a set of ticket figures.
protocol Tallied {
    init()
    mutating func add(_ other: Self)
}

extension Int: Tallied {
    mutating func add(_ other: Int) { self += other }
}

extension TicketFigures: Tallied {}

/// Sums by short text key, for a dimension with few keys (a township's villages, categories,
/// departments), fed with keys as SQLite's bytes (`RawColumns`): a key is compared with the one
/// used last, then with the others in turn, so a row costs neither a `String` nor a hash. Past
/// `linearLimit` keys (data much wider than a township's) it looks keys up in a dictionary.
struct ByteKeyedTally<Value: Tallied> {
    private var keys: [[UInt8]] = []
    private var values: [Value] = []
    private var last = 0
    private var positions: [[UInt8]: Int]?
    static var linearLimit: Int { 64 }

    init() {}

    var isEmpty: Bool { keys.isEmpty }

    mutating func add(_ key: UnsafeRawBufferPointer, _ more: Value) {
        values[position(of: key)].add(more)
    }

    /// Every key, decoded, with its sum.
    var entries: [(key: String, value: Value)] {
        zip(keys, values).map { (String(decoding: $0, as: UTF8.self), $1) }
    }

    private mutating func position(of key: UnsafeRawBufferPointer) -> Int {
        if last < keys.count, keys[last].equals(key) { return last }
        if let positions {
            if let found = positions[Array(key)] {
                last = found
                return found
            }
        } else if let found = keys.firstIndex(where: { $0.equals(key) }) {
            last = found
            return found
        }
        keys.append(Array(key))
        values.append(Value())
        last = keys.count - 1
        if positions != nil {
            positions?[keys[last]] = last
        } else if keys.count > Self.linearLimit {
            positions = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
        }
        return last
    }
}
