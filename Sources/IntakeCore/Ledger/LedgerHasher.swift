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
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func field(_ tag: UInt8, _ bytes: some Collection<UInt8>) {
            out.append(tag)
            let n = UInt32(bytes.count)
            out.append(contentsOf: [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)])
            out.append(contentsOf: bytes)
        }
        func field(_ tag: UInt8, _ text: String) { field(tag, Array(text.utf8)) }
        field(0x00, domainTag)
        field(0x01, String(ticketID))
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

    public static func hash(ticketID: TicketID, sequence: Int, draft: LedgerEntryDraft, previousHash: String) -> String {
        let digest = SHA256.hash(data: canonicalEncoding(ticketID: ticketID, sequence: sequence, draft: draft, previousHash: previousHash))
        return hex(digest)
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
