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

    public init(townshipCode: String = "township", calendar: WorkingCalendar = WorkingCalendar(),
                reminderPolicy: ReminderPolicy = ReminderPolicy(), attachmentLimits: AttachmentLimits = AttachmentLimits()) {
        self.townshipCode = townshipCode; self.calendar = calendar
        self.reminderPolicy = reminderPolicy; self.attachmentLimits = attachmentLimits
    }
}
