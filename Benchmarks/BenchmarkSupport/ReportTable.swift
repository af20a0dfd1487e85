import Foundation

/// The printed table of load results, one row per stack and level.
public enum ReportTable {
    public static func header() -> String {
        pad("stack", 28) + pad("conc", 6, right: true) + pad("req/s", 11, right: true)
            + pad("p50 µs", 10, right: true) + pad("p99 µs", 10, right: true) + pad("p999 µs", 10, right: true)
            + pad("calls", 10, right: true) + pad("errors", 8, right: true)
            + pad("ctxsw/call", 12, right: true) + pad("CPU µs/call", 13, right: true)
    }

    public static func row(_ result: LoadResult) -> String {
        pad(result.stack, 28) + pad("\(result.concurrency)", 6, right: true)
            + pad(format(result.requestsPerSecond, 0), 11, right: true)
            + pad(format(result.percentileMicros(50), 0), 10, right: true)
            + pad(format(result.percentileMicros(99), 0), 10, right: true)
            + pad(format(result.percentileMicros(99.9), 0), 10, right: true)
            + pad("\(result.calls)", 10, right: true) + pad("\(result.errors)", 8, right: true)
            + pad(format(result.contextSwitchesPerCall, 2), 12, right: true) + pad(format(result.cpuMicrosPerCall, 1), 13, right: true)
    }

    public static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    public static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let gap = max(0, width - text.count)
        return right ? String(repeating: " ", count: gap) + text : text + String(repeating: " ", count: gap)
    }
}

/// Unbuffered, so each row shows as soon as it is measured even through `tee`.
public func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
