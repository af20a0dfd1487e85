import NIOCore
import Synchronization
import TownshipProtos
import TownshipRPC

/// The overview's open tickets as JSON, made from intake's two replies (the overdue page and
/// the open page) and made again only when either reply's bytes differ from those it was made
/// from for that audience. Equal bytes are equal messages, so a reused list cannot be stale; a
/// round where nothing changed costs two byte comparisons instead of decoding two hundred tickets,
/// comparing each with `ProtoJSONMemo`'s and sorting them (a sixth of the gateway's work in an
/// uncached round). Bounded: when full, it starts afresh.
final class OverviewOpenTickets: Sendable {
    private struct Entry {
        var overdue: ByteBuffer, open: ByteBuffer
        var json: [JSONValue]
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let made = Atomic<Int>(0)
    let capacity: Int
    /// Each ticket's JSON, kept across changes of the lists.
    let ticketJSON: ProtoJSONMemo<Township_Intake_V1_Ticket>

    init(capacity: Int, ticketJSON: ProtoJSONMemo<Township_Intake_V1_Ticket>) {
        self.capacity = capacity
        self.ticketJSON = ticketJSON
    }

    /// Overdue first, then the open page, each ticket once (`IntakeBackend.overdueFirst`), as JSON.
    func json(overdue: ByteBuffer, open: ByteBuffer, audience: String) throws -> [JSONValue] {
        if let json = entries.withLock({ entries in
            entries[audience].flatMap { $0.overdue == overdue && $0.open == open ? $0.json : nil }
        }) {
            return json
        }
        var seen = Set<String>()
        let tickets = (try Self.decode(overdue).tickets + Self.decode(open).tickets).filter { seen.insert($0.id.value).inserted }
        let json = try IntakeBackend.overdueFirst(tickets).map { ticket in
            JSONValue.raw(try ticketJSON.json(ticket, key: "\(audience)|\(ticket.id.value)"))
        }
        made.add(1, ordering: .relaxed)
        // Copies: a reply may be a slice of a larger buffer, which the memo would keep alive.
        let entry = Entry(overdue: ByteBuffer(bytes: overdue.readableBytesView), open: ByteBuffer(bytes: open.readableBytesView), json: json)
        entries.withLock { entries in
            if entries.count >= capacity, entries[audience] == nil { entries.removeAll(keepingCapacity: true) }
            entries[audience] = entry
        }
        return json
    }

    /// How many times the JSON was made rather than reused (for tests).
    var timesMade: Int { made.load(ordering: .relaxed) }

    var count: Int { entries.withLock { $0.count } }

    private static func decode(_ bytes: ByteBuffer) throws -> Township_Intake_V1_ListTicketsResponse {
        do {
            return try Township_Intake_V1_ListTicketsResponse(serializedBytes: Array(bytes.readableBytesView))
        } catch {
            throw GatewayError(rpc: RPCError(.internal, "intake's answer is not a valid ListTicketsResponse: \(error)"))
        }
    }
}
