import Foundation

/// The kernel's account of this process's threads (Linux `/proc/self/task/*/schedstat`):
/// time on a CPU, and time runnable but waiting for one. A stack that gets fewer req/s at
/// the same CPU per call either waited for the CPU (the machine was busy: high `waiting`)
/// or had nothing to run (its threads slept on one another: both low).
struct SchedulerTime {
    var runningNanoseconds: Double = 0
    var waitingNanoseconds: Double = 0

    /// Zero where `/proc` does not have it (not Linux).
    static func now() -> SchedulerTime {
        var total = SchedulerTime()
        let tasks = "/proc/self/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: tasks) else { return total }
        for thread in threads {
            guard let line = try? String(contentsOfFile: "\(tasks)/\(thread)/schedstat", encoding: .utf8) else { continue }
            let fields = line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count >= 2 else { continue }
            total.runningNanoseconds += fields[0]
            total.waitingNanoseconds += fields[1]
        }
        return total
    }

    static func - (after: SchedulerTime, before: SchedulerTime) -> SchedulerTime {
        SchedulerTime(
            runningNanoseconds: after.runningNanoseconds - before.runningNanoseconds,
            waitingNanoseconds: after.waitingNanoseconds - before.waitingNanoseconds)
    }

    static func + (left: SchedulerTime, right: SchedulerTime) -> SchedulerTime {
        SchedulerTime(
            runningNanoseconds: left.runningNanoseconds + right.runningNanoseconds,
            waitingNanoseconds: left.waitingNanoseconds + right.waitingNanoseconds)
    }
}
