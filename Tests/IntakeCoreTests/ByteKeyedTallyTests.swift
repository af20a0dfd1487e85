import Testing
@testable import IntakeCore

/// Sums by text key given as bytes: the same sums as a dictionary of strings, with few keys
/// (compared in turn) and with many (past `linearLimit`, looked up by hash).
@Suite struct ByteKeyedTallyTests {
    static func tally(_ keys: [String]) -> (ByteKeyedTally<Int>, [String: Int]) {
        var tally = ByteKeyedTally<Int>()
        var expected: [String: Int] = [:]
        for (index, key) in keys.enumerated() {
            let bytes = Array(key.utf8)
            bytes.withUnsafeBytes { tally.add($0, index + 1) }
            expected[key, default: 0] += index + 1
        }
        return (tally, expected)
    }

    /// The tally's sums by key; a key it holds twice is an issue, not a crash.
    static func sums(_ tally: ByteKeyedTally<Int>) -> [String: Int] {
        let entries = tally.entries
        #expect(Set(entries.map(\.key)).count == entries.count, "a key is held twice")
        return Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: +)
    }

    @Test func fewKeysInAnyOrderIncludingTheEmptyOne() {
        let keys = ["V1", "V2", "V1", "", "村委会", "V2", "", "V10", "V1"]
        let (tally, expected) = Self.tally(keys)
        #expect(Self.sums(tally) == expected)
        #expect(tally.entries.map(\.key) == ["V1", "V2", "", "村委会", "V10"])
    }

    @Test func manyKeysPastTheLinearLimit() {
        let distinct = (0..<(ByteKeyedTally<Int>.linearLimit * 3)).map { "department-\($0)" }
        let keys = distinct + distinct.reversed() + distinct.filter { $0.hasSuffix("7") }
        let (tally, expected) = Self.tally(keys)
        #expect(Self.sums(tally) == expected)
        #expect(tally.entries.count == distinct.count)
    }

    @Test func keysThatShareAPrefixStayApart() {
        let (tally, expected) = Self.tally(["V1", "V10", "V1", "V100", "V"])
        #expect(Self.sums(tally) == expected)
        #expect(Self.sums(tally)["V1"] == 1 + 3)
    }
}
