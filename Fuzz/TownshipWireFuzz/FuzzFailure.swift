/// A broken property: trap with a message libFuzzer prints next to the reproducer.
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("TownshipWireFuzz property violated: \(message())", file: file, line: line) }
}

/// Keeps the results of decoding observable, so that -O cannot remove the work.
enum FuzzSink {
    nonisolated(unsafe) static var checksum = 0

    @inline(never)
    static func absorb(_ value: Int) {
        checksum &+= value
    }
}
