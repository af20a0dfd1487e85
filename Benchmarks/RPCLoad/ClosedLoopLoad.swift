import Dispatch
import Glibc
import Histogram

/// What one stack did at one concurrency level.
struct LoadResult: Sendable {
    let stack: String
    let concurrency: Int
    let calls: UInt64
    let errors: UInt64
    let seconds: Double
    /// Round-trip latency in nanoseconds.
    let latency: Histogram<UInt64>
    /// The whole process's context switches (voluntary + involuntary, every thread) and CPU
    /// time (user + system) over the warm-up and the window, per call completed in them:
    /// what one call costs in thread hand-offs and in CPU, client and server together.
    let contextSwitchesPerCall: Double
    let cpuMicrosPerCall: Double

    var requestsPerSecond: Double { Double(calls) / seconds }
    func percentileMicros(_ percentile: Double) -> Double { Double(latency.valueAtPercentile(percentile)) / 1_000 }
}

/// A closed loop: `concurrency` workers each issue a call, wait for its answer, and issue the
/// next, for the warm-up and then the measured window. Only calls that both start and end
/// inside the measured window count, so neither the warm-up nor the drain at the end leaks in.
enum ClosedLoopLoad {
    static func run(
        stack: String, concurrency: Int, warmUp: Duration, duration: Duration,
        call: @escaping @Sendable (_ worker: Int) async throws -> Void
    ) async -> LoadResult {
        let usageBefore = ProcessUsage.now()
        let start = DispatchTime.now().uptimeNanoseconds
        let measureFrom = start + nanoseconds(warmUp)
        let measureUntil = measureFrom + nanoseconds(duration)
        let (histogram, calls, errors, allCalls) = await withTaskGroup(of: (Histogram<UInt64>, UInt64, UInt64, UInt64).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var histogram = newHistogram()
                    var calls: UInt64 = 0
                    var errors: UInt64 = 0
                    var allCalls: UInt64 = 0
                    while true {
                        let before = DispatchTime.now().uptimeNanoseconds
                        if before >= measureUntil { break }
                        var failed = false
                        do { try await call(worker) } catch { failed = true }
                        allCalls += 1
                        let after = DispatchTime.now().uptimeNanoseconds
                        guard before >= measureFrom, after <= measureUntil else { continue }
                        if failed {
                            errors += 1
                        } else {
                            calls += 1
                            _ = histogram.record(after - before)
                        }
                    }
                    return (histogram, calls, errors, allCalls)
                }
            }
            var merged = newHistogram()
            var calls: UInt64 = 0
            var errors: UInt64 = 0
            var allCalls: UInt64 = 0
            for await (histogram, workerCalls, workerErrors, workerAllCalls) in group {
                merged.add(histogram)
                calls += workerCalls
                errors += workerErrors
                allCalls += workerAllCalls
            }
            return (merged, calls, errors, allCalls)
        }
        let usage = ProcessUsage.now() - usageBefore
        let perCall = Double(max(allCalls, 1))
        return LoadResult(
            stack: stack, concurrency: concurrency, calls: calls, errors: errors,
            seconds: Double(nanoseconds(duration)) / 1e9, latency: histogram,
            contextSwitchesPerCall: Double(usage.contextSwitches) / perCall, cpuMicrosPerCall: usage.cpuMicros / perCall)
    }

    /// 1 µs to 60 s at three significant digits.
    static func newHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
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
