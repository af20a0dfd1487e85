/// One stack's result from several measured slices, as if from one window of their summed
/// length: for load generators whose stacks take turns slice by slice, so that a burst of
/// load from elsewhere on a shared machine falls on every stack alike rather than on the one
/// whose whole window it happened to hit.
extension LoadResult {
    /// `slices` are of one stack at one concurrency. The per-call usage figures are averaged
    /// weighted by measured calls (each slice's own figure also counts its warm-up calls).
    public static func merged(_ slices: [LoadResult]) -> LoadResult {
        precondition(!slices.isEmpty, "nothing to merge")
        var latency = ClosedLoopLoad.newHistogram()
        var calls: UInt64 = 0
        var errors: UInt64 = 0
        var refusals: UInt64 = 0
        var seconds = 0.0
        var contextSwitches = 0.0
        var cpuMicros = 0.0
        for slice in slices {
            latency.add(slice.latency)
            calls += slice.calls
            errors += slice.errors
            refusals += slice.refusals
            seconds += slice.seconds
            contextSwitches += slice.contextSwitchesPerCall * Double(slice.calls)
            cpuMicros += slice.cpuMicrosPerCall * Double(slice.calls)
        }
        let perCall = Double(max(calls, 1))
        return LoadResult(
            stack: slices[0].stack, concurrency: slices[0].concurrency, calls: calls, errors: errors, refusals: refusals,
            seconds: seconds, latency: latency,
            contextSwitchesPerCall: contextSwitches / perCall, cpuMicrosPerCall: cpuMicros / perCall)
    }

    /// The process's CPU time per second of the window, in cores (CPU µs per call × calls/s):
    /// how much of the machine this stack got while it ran. On a shared machine two stacks
    /// with the same CPU per call differ in req/s by exactly this share.
    public var coresBusy: Double { cpuMicrosPerCall * requestsPerSecond / 1e6 }
}
