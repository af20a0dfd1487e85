@testable import GatewayCore
import NIOCore
import Testing
import TownshipProtos

/// The overview's open tickets made from intake's two replies: made again only when a reply's
/// bytes change, each ticket once, overdue first, bounded, and a clear error for bad bytes.
@Suite struct OverviewOpenTicketsTests {
    static func reply(_ tickets: [Township_Intake_V1_Ticket]) throws -> ByteBuffer {
        var response = Township_Intake_V1_ListTicketsResponse()
        response.tickets = tickets
        return ByteBuffer(bytes: try response.serializedBytes() as [UInt8])
    }

    static let overdue = OverdueFirstTests.ticket("t-2", due: 100, overdue: true)
    static let open = [OverdueFirstTests.ticket("t-1"), OverdueFirstTests.ticket("t-2", due: 100, overdue: true),
                       OverdueFirstTests.ticket("t-3", due: 500)]

    static func ids(_ json: [JSONValue]) -> [String] {
        json.map { value in
            guard case .raw(let text) = value, let start = text.range(of: #""id":{"value":""#) else { return "?" }
            return String(text[start.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test func equalBytesReuseTheListAndChangedBytesMakeItAgain() throws {
        let memo = OverviewOpenTickets(capacity: 4, ticketJSON: ProtoJSONMemo(capacity: 16))
        let first = try memo.json(overdue: Self.reply([Self.overdue]), open: Self.reply(Self.open), audience: "leader")
        #expect(Self.ids(first) == ["t-2", "t-3", "t-1"])
        #expect(first.map { $0.render() } == (try IntakeBackend.overdueFirst([Self.overdue, Self.open[0], Self.open[2]]).map { try ProtoJSON.encode($0) }))
        // Equal bytes in new buffers: reused.
        let again = try memo.json(overdue: Self.reply([Self.overdue]), open: Self.reply(Self.open), audience: "leader")
        #expect(again.map { $0.render() } == first.map { $0.render() })
        #expect(memo.timesMade == 1)
        // A ticket changed in one reply: made again, showing the change.
        var replied = Self.open
        replied[2].deadline.overdue = true
        let changed = try memo.json(overdue: Self.reply([Self.overdue]), open: Self.reply(replied), audience: "leader")
        #expect(memo.timesMade == 2)
        #expect(Self.ids(changed) == ["t-2", "t-3", "t-1"])
        #expect(changed[1].render() == (try ProtoJSON.encode(replied[2])))
        // Another audience never gets this one's list.
        _ = try memo.json(overdue: Self.reply([Self.overdue]), open: Self.reply(replied), audience: "admin")
        #expect(memo.timesMade == 3)
    }

    @Test func bytesThatAreNotAListAreAClearError() throws {
        let memo = OverviewOpenTickets(capacity: 4, ticketJSON: ProtoJSONMemo(capacity: 16))
        let error = #expect(throws: GatewayError.self) {
            try memo.json(overdue: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF]), open: Self.reply(Self.open), audience: "leader")
        }
        #expect(error?.message.contains("not a valid ListTicketsResponse") == true)
        #expect(memo.count == 0)
    }

    @Test func aFullMemoStartsAfresh() throws {
        let memo = OverviewOpenTickets(capacity: 3, ticketJSON: ProtoJSONMemo(capacity: 16))
        for index in 0..<10 {
            _ = try memo.json(overdue: Self.reply([]), open: Self.reply(Self.open), audience: "audience-\(index)")
            #expect(memo.count <= 3)
        }
    }
}
