/// The problem list's clocks (configurable per deployment; defaults from practice: a
/// proposed solution within 7 days, progress monthly).
public struct DeadlinePolicy: Sendable, Hashable {
    /// Days from claim (or assignment) to the proposed-solution deadline. Default 7.
    public var solutionDays: Int
    /// Hours before that deadline when the department is reminded. Default 48.
    public var reminderHoursBefore: Int
    /// Days after publication an item may stay unclaimed before the office may assign it. Default 3.
    public var claimWindowDays: Int
    /// Days between progress reports once a solution is proposed. Default 30.
    public var progressIntervalDays: Int

    public static let standard = DeadlinePolicy(solutionDays: 7, reminderHoursBefore: 48, claimWindowDays: 3, progressIntervalDays: 30)

    public init(solutionDays: Int, reminderHoursBefore: Int, claimWindowDays: Int, progressIntervalDays: Int) {
        self.solutionDays = solutionDays
        self.reminderHoursBefore = reminderHoursBefore
        self.claimWindowDays = claimWindowDays
        self.progressIntervalDays = progressIntervalDays
    }

    /// Nil when usable, otherwise which setting is wrong and why.
    public var problem: String? {
        if !(1...90).contains(solutionDays) { return "solutionDays must be 1 to 90, not \(solutionDays)" }
        if !(0...(solutionDays * 24 - 1)).contains(reminderHoursBefore) {
            return "reminderHoursBefore must be 0 to \(solutionDays * 24 - 1) (less than the solution deadline), not \(reminderHoursBefore)"
        }
        if !(1...60).contains(claimWindowDays) { return "claimWindowDays must be 1 to 60, not \(claimWindowDays)" }
        if !(1...180).contains(progressIntervalDays) { return "progressIntervalDays must be 1 to 180, not \(progressIntervalDays)" }
        return nil
    }
}
