import Foundation
import GRDB
import Testing
@testable import IntakeCore

/// What the caller's task prepares before the group commit (`PreparedFiling`) must write and
/// hash exactly what the writer computed itself before.
@Suite struct PreparedFilingTests {
    static func draft(actor: String, role: String, at seconds: Double, from: TicketStatus?, to: TicketStatus,
                      action: TicketActionName, note: String?, details: [String: String]) -> LedgerEntryDraft {
        var draft = LedgerEntryDraft(actor: Principal(userID: actor, role: .admin), occurredAt: Date(timeIntervalSince1970: seconds),
                                     fromStatus: from, toStatus: to, action: action, note: note, details: details)
        draft.actorRole = role
        return draft
    }

    /// Known answers, computed from the canonical encoding's definition (tag, big-endian UInt32
    /// length, bytes per field) outside Swift: stored ledgers keep verifying.
    @Test func theCanonicalEncodingHashesAsItAlwaysDid() {
        let submitted = Self.draft(actor: "admin-1", role: "admin", at: 1_790_000_000, from: nil, to: .submitted, action: .submit,
                                   note: nil, details: ["channel": "hotline", "b": "值"])
        #expect(LedgerHasher.hash(ticketID: 42, sequence: 1, draft: submitted, previousHash: LedgerHasher.genesisHash)
                == "231b76db3b03f8585b7e534f4e157688bdf8323d99f1a1e760ddc40bf47936ac")
        let dispatched = Self.draft(actor: "w-1", role: "worker", at: 1_790_000_000.123, from: .accepted, to: .dispatched,
                                    action: .dispatch, note: "派单", details: [:])
        let previous = String(repeating: "ab", count: 32)
        #expect(LedgerHasher.hash(ticketID: 42, sequence: 3, draft: dispatched, previousHash: previous)
                == "0e3acc84cd2fe75e118805013c35035a6f8aa4fc03d5135ea0ec709f571af11c")
        // Prepared before the ticket has its id, hashed once it has it: the same.
        let prepared = PreparedLedgerEntry(dispatched, sequence: 3, previousHash: previous)
        #expect(prepared.hash(ticketID: 42) == "0e3acc84cd2fe75e118805013c35035a6f8aa4fc03d5135ea0ec709f571af11c")
    }

    /// A prepared filing stores the row, search tokens and first event the unprepared path stored.
    @Test func aPreparedFilingStoresWhatTheWriterUsedToCompute() async throws {
        let h = try await Harness()
        let report = Fixture.report("路灯不亮，晚上很黑")
        let view = try await h.submit(report)
        let id = view.ticket.id
        let read = try await h.sqlite.pool.read { db -> (Ticket, Int, String, LedgerEvent)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ticket WHERE id = ?", arguments: [id]),
                  let event = try Row.fetchOne(db, sql: "SELECT * FROM ledger_event WHERE ticket_id = ?", arguments: [id]) else { return nil }
            return (try RowCoding.ticket(row), row["ledger_length"], row["ledger_head"], try RowCoding.ledgerEvent(event))
        }
        let (stored, length, head, recorded) = try #require(read)
        #expect(TicketView(showing: stored, attachments: [], to: Fixture.admin).ticket == view.ticket)
        #expect(stored.reporter.phone == report.reporter.phone && stored.description == report.description)
        #expect(length == 1 && head == recorded.hash)
        let tokens = try await h.sqlite.pool.read { db in
            try String.fetchOne(db, sql: "SELECT tokens FROM ticket_search WHERE rowid = ?", arguments: [view.ticket.id])
        }
        #expect(tokens == ChineseSearchTokenizer.indexText(report.description))
        #expect(recorded.hash == LedgerHasher.hash(ticketID: view.ticket.id, sequence: 1, draft: recorded.draft,
                                                   previousHash: LedgerHasher.genesisHash))
        #expect(try await h.store.verifyLedger(view.ticket.id, for: Fixture.leader).isIntact)
        #expect(try await h.sqlite.verifyGlobalChain() == .intact(events: 1, checkpointPosition: nil))
    }
}
