@testable import GatewayCore
import Testing
import TownshipProtos

/// The overview's memo of ticket JSON: reused only for an equal message, never stale, bounded.
@Suite struct ProtoJSONMemoTests {
    static func ticket(_ id: String, status: Township_Intake_V1_TicketStatus) -> Township_Intake_V1_Ticket {
        var ticket = Township_Intake_V1_Ticket()
        ticket.id.value = id
        ticket.status = status
        return ticket
    }

    @Test func anEqualMessageGetsTheSameJSONAndAChangedOneItsOwn() throws {
        let memo = ProtoJSONMemo<Township_Intake_V1_Ticket>(capacity: 8)
        let signed = Self.ticket("t-1", status: .signed)
        let first = try memo.json(signed, key: "leader|t-1")
        #expect(first == (try ProtoJSON.encode(signed)))
        #expect(try memo.json(signed, key: "leader|t-1") == first)
        // The same key with a changed ticket: the new ticket's JSON, not the remembered one.
        let replied = Self.ticket("t-1", status: .replied)
        let changed = try memo.json(replied, key: "leader|t-1")
        #expect(changed == (try ProtoJSON.encode(replied)))
        #expect(changed != first)
        #expect(memo.count == 1)
    }

    @Test func aFullMemoStartsAfreshInsteadOfGrowing() throws {
        let memo = ProtoJSONMemo<Township_Intake_V1_Ticket>(capacity: 3)
        for index in 0..<10 {
            let ticket = Self.ticket("t-\(index)", status: .accepted)
            #expect(try memo.json(ticket, key: "k|\(index)") == (try ProtoJSON.encode(ticket)))
            #expect(memo.count <= 3)
        }
    }
}
