@testable import GatewayCore
import Testing
import TownshipProtos

/// The order of the overview's open tickets: escalated, then overdue, then by due time (no
/// deadline last), then as intake listed them.
@Suite struct OverdueFirstTests {
    static func ticket(_ id: String, due: Int64? = nil, overdue: Bool = false, escalated: Bool = false) -> Township_Intake_V1_Ticket {
        var ticket = Township_Intake_V1_Ticket()
        ticket.id.value = id
        if let due {
            ticket.deadline.dueAt.seconds = due
            ticket.deadline.overdue = overdue
            ticket.deadline.escalated = escalated
        }
        return ticket
    }

    @Test func escalatedThenOverdueThenByDueTimeThenListOrder() {
        let listed = [
            Self.ticket("none-1"), Self.ticket("due-300", due: 300), Self.ticket("overdue-200", due: 200, overdue: true),
            Self.ticket("none-2"), Self.ticket("due-100", due: 100), Self.ticket("escalated", due: 900, overdue: true, escalated: true),
            Self.ticket("overdue-50", due: 50, overdue: true), Self.ticket("due-100-later", due: 100),
        ]
        #expect(IntakeBackend.overdueFirst(listed).map(\.id.value) == [
            "escalated", "overdue-50", "overdue-200", "due-100", "due-100-later", "due-300", "none-1", "none-2",
        ])
    }
}
