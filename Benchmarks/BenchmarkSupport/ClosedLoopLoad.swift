import Dispatch
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
        let start = DispatchTime.now().uptimeNanoseconds
        let measureFrom = start + nanoseconds(warmUp)
        let measureUntil = measureFrom + nanoseconds(duration)
        let (histogram, calls, errors) = await withTaskGroup(of: (Histogram<UInt64>, UInt64, UInt64).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var histogram = newHistogram()
                    var calls: UInt64 = 0
                    var errors: UInt64 = 0
                    while true {
                        let before = DispatchTime.now().uptimeNanoseconds
                        if before >= measureUntil { break }
                        var failed = false
                        do { try await call(worker) } catch { failed = true }
                        let after = DispatchTime.now().uptimeNanoseconds
                        guard before >= measureFrom, after <= measureUntil else { continue }
                        if failed {
                            errors += 1
                        } else {
                            calls += 1
                            _ = histogram.record(after - before)
                        }
                    }
                    return (histogram, calls, errors)
                }
            }
            var merged = newHistogram()
            var calls: UInt64 = 0
            var errors: UInt64 = 0
            for await (histogram, workerCalls, workerErrors) in group {
                merged.add(histogram)
                calls += workerCalls
                errors += workerErrors
            }
            return (merged, calls, errors)
        }
        return LoadResult(
            stack: stack, concurrency: concurrency, calls: calls, errors: errors,
            seconds: Double(nanoseconds(duration)) / 1e9, latency: histogram)
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
