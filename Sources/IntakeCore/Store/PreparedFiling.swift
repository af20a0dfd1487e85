import Foundation
import GRDB

/// A new ticket's rows as far as they are known before its transaction: all but its number and
/// id (allocated in the transaction) and what depends on them (its first event's hash, the
/// chain link, the recorded reply). Built in the caller's task, so that the group commit's
/// single writer thread only binds, steps and hashes: the state's conversion to SQLite values,
/// the next deadline check, the search tokens and the first event's details and most of its
/// canonical encoding are done before the handoff.
struct PreparedFiling: Sendable {
    let draft: Ticket
    let township: String
    let year: Int
    /// The ticket row's values after `township, number` (`TicketPersistence.insertSQL`): its
    /// state and its still empty ledger.
    let stateValues: StatementArguments
    let searchTokens: String
    let firstEvent: PreparedLedgerEntry

    init(_ draft: Ticket, entry: LedgerEntryDraft, township: String, year: Int, policy: ReminderPolicy, now: Date) {
        self.draft = draft
        self.township = township
        self.year = year
        let nextCheck = TicketPersistence.nextDeadlineCheck(draft, policy: policy, now: now)
        stateValues = StatementArguments(RowCoding.stateValues(draft, nextDeadlineCheck: nextCheck) + [0, LedgerHasher.genesisHash])
        searchTokens = ChineseSearchTokenizer.indexText(draft.description)
        firstEvent = PreparedLedgerEntry(entry, sequence: 1, previousHash: LedgerHasher.genesisHash)
    }
}

/// A ledger event whose sequence and previous hash are known, ready but for its ticket's id:
/// its column values and its canonical encoding after the ticket id (`LedgerHasher`).
struct PreparedLedgerEntry: Sendable {
    let draft: LedgerEntryDraft
    let sequence: Int
    let previousHash: String
    /// The values of `TicketPersistence.insertEventSQL`'s columns before `ticket_id`.
    let values: StatementArguments
    let encodingAfterTicketID: [UInt8]

    init(_ draft: LedgerEntryDraft, sequence: Int, previousHash: String) {
        self.draft = draft
        self.sequence = sequence
        self.previousHash = previousHash
        values = [draft.actorUserID, draft.actorRole, RowCoding.millis(draft.occurredAt), draft.fromStatus?.rawValue,
                  draft.toStatus.rawValue, draft.action.rawValue, draft.note, RowCoding.detailsJSON(draft.details),
                  sequence, previousHash]
        encodingAfterTicketID = LedgerHasher.encodingAfterTicketID(sequence: sequence, draft: draft, previousHash: previousHash)
    }

    func hash(ticketID: TicketID) -> String { LedgerHasher.hash(ticketID: ticketID, encodingAfterTicketID: encodingAfterTicketID) }
}
