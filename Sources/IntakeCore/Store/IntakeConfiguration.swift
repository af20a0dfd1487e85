/// Township-wide settings of the intake core.
public struct IntakeConfiguration: Sendable {
    /// Numbers are unique per township and year.
    public var townshipCode: String
    public var calendar: WorkingCalendar
    public var reminderPolicy: ReminderPolicy
    public var attachmentLimits: AttachmentLimits

    public init(townshipCode: String = "township", calendar: WorkingCalendar = WorkingCalendar(),
                reminderPolicy: ReminderPolicy = ReminderPolicy(), attachmentLimits: AttachmentLimits = AttachmentLimits()) {
        self.townshipCode = townshipCode; self.calendar = calendar
        self.reminderPolicy = reminderPolicy; self.attachmentLimits = attachmentLimits
    }
}
