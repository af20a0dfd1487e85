import Dispatch
import Glibc
import Histogram

/// What one stack did at one concurrency level.
public struct LoadResult: Sendable {
    public let stack: String
    public let concurrency: Int
    public let calls: UInt64
    public let errors: UInt64
    /// Failures the caller classed as the server shedding load (counted apart from errors).
    public let refusals: UInt64
    public let seconds: Double
    /// Round-trip latency in nanoseconds.
    public let latency: Histogram<UInt64>
    /// The whole process's context switches (voluntary + involuntary, every thread) and CPU
    /// time (user + system) over the warm-up and the window, per call completed in them:
    /// what one call costs in thread hand-offs and in CPU, client and server together.
    public let contextSwitchesPerCall: Double
    public let cpuMicrosPerCall: Double

    public var requestsPerSecond: Double { Double(calls) / seconds }
    public func percentileMicros(_ percentile: Double) -> Double { Double(latency.valueAtPercentile(percentile)) / 1_000 }
}

/// A closed loop: `concurrency` workers each issue a call, wait for its answer, and issue the
/// next, for the warm-up and then the measured window. Only calls that both start and end
/// inside the measured window count, so neither the warm-up nor the drain at the end leaks in.
public enum ClosedLoopLoad {
    /// `isRefusal` tells an overload refusal (counted in `refusals`) from an error.
    public static func run(
        stack: String, concurrency: Int, warmUp: Duration, duration: Duration,
        isRefusal: @escaping @Sendable (any Error) -> Bool = { _ in false },
        call: @escaping @Sendable (_ worker: Int) async throws -> Void
    ) async -> LoadResult {
        let usageBefore = ProcessUsage.now()
        let start = DispatchTime.now().uptimeNanoseconds
        let measureFrom = start + nanoseconds(warmUp)
        let measureUntil = measureFrom + nanoseconds(duration)
        let total = await withTaskGroup(of: WorkerTally.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var tally = WorkerTally()
                    while true {
                        let before = DispatchTime.now().uptimeNanoseconds
                        if before >= measureUntil { break }
                        var failure: (any Error)?
                        do { try await call(worker) } catch { failure = error }
                        tally.allCalls += 1
                        let after = DispatchTime.now().uptimeNanoseconds
                        guard before >= measureFrom, after <= measureUntil else { continue }
                        if let failure {
                            if isRefusal(failure) { tally.refusals += 1 } else { tally.errors += 1 }
                        } else {
                            tally.calls += 1
                            _ = tally.histogram.record(after - before)
                        }
                    }
                    return tally
                }
            }
            var merged = WorkerTally()
            for await tally in group { merged.add(tally) }
            return merged
        }
        let usage = ProcessUsage.now() - usageBefore
        let perCall = Double(max(total.allCalls, 1))
        return LoadResult(
            stack: stack, concurrency: concurrency, calls: total.calls, errors: total.errors, refusals: total.refusals,
            seconds: Double(nanoseconds(duration)) / 1e9, latency: total.histogram,
            contextSwitchesPerCall: Double(usage.contextSwitches) / perCall, cpuMicrosPerCall: usage.cpuMicros / perCall)
    }

    /// 1 µs to 60 s at three significant digits.
    public static func newHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }

    public static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}

/// One worker's counts, merged at the end.
private struct WorkerTally: Sendable {
    var histogram = ClosedLoopLoad.newHistogram()
    var calls: UInt64 = 0
    var errors: UInt64 = 0
    var refusals: UInt64 = 0
    /// Every call, warm-up included: the denominator of the per-call usage figures.
    var allCalls: UInt64 = 0

    mutating func add(_ other: WorkerTally) {
        allCalls += other.allCalls
        histogram.add(other.histogram)
        calls += other.calls
        errors += other.errors
        refusals += other.refusals
    }
}

/// `getrusage(RUSAGE_SELF)`: every thread of the process.
struct ProcessUsage {
    var contextSwitches: Int
    var cpuMicros: Double

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func micros(_ time: timeval) -> Double { Double(time.tv_sec) * 1e6 + Double(time.tv_usec) }
        return ProcessUsage(contextSwitches: usage.ru_nvcsw + usage.ru_nivcsw, cpuMicros: micros(usage.ru_utime) + micros(usage.ru_stime))
    }

    static func - (after: ProcessUsage, before: ProcessUsage) -> ProcessUsage {
        ProcessUsage(contextSwitches: after.contextSwitches - before.contextSwitches, cpuMicros: after.cpuMicros - before.cpuMicros)
    }
}
