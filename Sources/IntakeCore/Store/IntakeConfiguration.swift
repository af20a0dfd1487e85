/// Township-wide settings of the intake core.
public struct IntakeConfiguration: Sendable {
    /// Numbers are unique per township and year.
    public var townshipCode: String
    public var calendar: WorkingCalendar
    public var reminderPolicy: ReminderPolicy
    public var attachmentLimits: AttachmentLimits
    /// A search matching more tickets than this walks the list order and probes the matches;
    /// fewer, and it starts from the matches. Only speed depends on it, never results.
    public var commonSearchThreshold = 5_000
    /// Which running tickets the cell-backed statistics read to count the overdue ones: nil, the
    /// fewer of the overdue ones and those not yet due (subtracted from the cells' running
    /// counts). Only speed depends on it, never results; tests force each side.
    public var overdueCountingSide: OverdueCountingSide?
    /// Writes that may wait for the next group commit; one more fails at once with
    /// RESOURCE_EXHAUSTED (`intake.groupCommitQueueLimit`, default 4,096: about 16 full batches).
    public var groupCommitQueueLimit = 4_096
    /// How long a completed call's idempotency key is remembered (proto-spec §6;
    /// `intake.idempotencyKeyHours`, default 24 hours).
    public var idempotencyRetention: Double = 24 * 3600
    /// At most this many expired idempotency keys are forgotten per group-commit batch (oldest
    /// first; default 512, twice the keys a batch can record, so the backlog only shrinks):
    /// bounds the table and each batch's share of the pruning. At least 1.
    public var idempotencyPrunePerBatch = 512
    /// How the SQLite store's connections are tuned (`SQLiteEngineSettings.tuned`; never durability).
    public var sqlite = SQLiteEngineSettings.tuned

    public init(townshipCode: String = "township", calendar: WorkingCalendar = WorkingCalendar(),
                reminderPolicy: ReminderPolicy = ReminderPolicy(), attachmentLimits: AttachmentLimits = AttachmentLimits()) {
        self.townshipCode = townshipCode; self.calendar = calendar
        self.reminderPolicy = reminderPolicy; self.attachmentLimits = attachmentLimits
    }
}

/// The running tickets the overdue figures are counted from (`IntakeConfiguration.overdueCountingSide`).
public enum OverdueCountingSide: Sendable, CaseIterable {
    case overdue, notYetDue
}
