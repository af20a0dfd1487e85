import Logging

/// What one scheduler pass emitted, by kind: the one line an operator sees per pass.
public struct DeadlinePassSummary: Sendable, Hashable {
    public var reminders = 0
    public var overdue = 0
    public var escalations = 0

    public init(_ notices: [DeadlineNotice]) {
        for notice in notices {
            switch notice.kind {
            case .reminder: reminders += 1
            case .overdue: overdue += 1
            case .escalation: escalations += 1
            }
        }
    }

    public var metadata: Logger.Metadata {
        ["reminders": "\(reminders)", "overdue": "\(overdue)", "escalations": "\(escalations)"]
    }
}
