import Crypto
import Foundation

/// The canonical encoding hashed into the chain. Every field is tagged and length-prefixed
/// (big-endian UInt32) so no two different events encode alike; dates are integer
/// milliseconds since 1970 so the encoding does not depend on formatting. The position is
/// left out on purpose: it is the store's bookkeeping, while sequence and previous hash
/// order the ticket's own history.
public enum LedgerHasher {
    public static let genesisHash = String(repeating: "0", count: 64)
    static let domainTag = Array("township.intake.ledger.v1".utf8)

    public static func canonicalEncoding(ticketID: TicketID, sequence: Int, draft: LedgerEntryDraft, previousHash: String) -> [UInt8] {
        encoding(ticketID: ticketID, after: encodingAfterTicketID(sequence: sequence, draft: draft, previousHash: previousHash))
    }

    /// The canonical encoding up to and with the ticket id (the only field a new ticket learns
    /// in its transaction), followed by `rest`, the fields after it.
    static func encoding(ticketID: TicketID, after rest: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + rest.count)
        appendField(0x00, domainTag, to: &out)
        appendField(0x01, String(ticketID).utf8, to: &out)
        out.append(contentsOf: rest)
        return out
    }

    /// The canonical encoding's fields after the ticket id: computable before the ticket has one.
    static func encodingAfterTicketID(sequence: Int, draft: LedgerEntryDraft, previousHash: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func field(_ tag: UInt8, _ text: String) { appendField(tag, text.utf8, to: &out) }
        field(0x02, String(sequence))
        field(0x03, draft.actorUserID)
        field(0x04, draft.actorRole)
        field(0x05, String(milliseconds(draft.occurredAt)))
        field(0x06, draft.fromStatus?.rawValue ?? "")
        field(0x07, draft.toStatus.rawValue)
        field(0x08, draft.action.rawValue)
        // Absent and empty notes differ.
        if let note = draft.note { field(0x09, note) } else { field(0x0A, "") }
        field(0x0B, String(draft.details.count))
        for key in draft.details.keys.sorted() {
            field(0x0C, key)
            field(0x0D, draft.details[key]!)
        }
        field(0x0E, previousHash)
        return out
    }

    /// Tag, big-endian UInt32 length, bytes.
    private static func appendField(_ tag: UInt8, _ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(tag)
        let n = UInt32(bytes.count)
        out.append(UInt8(n >> 24)); out.append(UInt8((n >> 16) & 0xff)); out.append(UInt8((n >> 8) & 0xff)); out.append(UInt8(n & 0xff))
        out.append(contentsOf: bytes)
    }

    public static func hash(ticketID: TicketID, sequence: Int, draft: LedgerEntryDraft, previousHash: String) -> String {
        hex(SHA256.hash(data: canonicalEncoding(ticketID: ticketID, sequence: sequence, draft: draft, previousHash: previousHash)))
    }

    /// The hash of the event whose encoding after the ticket id is `rest`.
    static func hash(ticketID: TicketID, encodingAfterTicketID rest: [UInt8]) -> String {
        hex(SHA256.hash(data: encoding(ticketID: ticketID, after: rest)))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        for b in digest { chars.append(digits[Int(b >> 4)]); chars.append(digits[Int(b & 0x0f)]) }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Never traps: a date beyond Int64 milliseconds (only a corrupt or hostile value) saturates.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64(exactly: (date.timeIntervalSince1970 * 1000).rounded()) ?? (date.timeIntervalSince1970 < 0 ? .min : .max)
    }
}

extension LedgerEvent {
    public var draft: LedgerEntryDraft {
        var d = LedgerEntryDraft(actor: Principal(userID: actorUserID, role: .system), occurredAt: occurredAt,
                                 fromStatus: fromStatus, toStatus: toStatus, action: action, note: note, details: details)
        d.actorRole = actorRole
        return d
    }
}
