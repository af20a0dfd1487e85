import Foundation
import Testing
@testable import IntakeCore

@Suite struct LedgerTests {
    /// A closed ticket with 8 events, plus a neighbour ticket so positions interleave.
    func closedTicket(_ kind: StoreKind) async throws -> (Harness, TicketID) {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .closed)
        _ = try await h.submit()
        #expect(try await h.store.verifyLedger(id, for: Fixture.leader) == .intact(eventCount: 8, headHash: try await h.store.timeline(id, for: Fixture.leader).last!.hash))
        return (h, id)
    }

    func unlock(_ h: Harness) throws {
        try h.rawSQL("DROP TRIGGER ledger_event_no_update; DROP TRIGGER ledger_event_no_delete;")
    }

    @Test func theDatabaseRefusesRewrites() async throws {
        let (h, id) = try await closedTicket(.sqlite)
        #expect(throws: (any Error).self) { try h.rawSQL("UPDATE ledger_event SET note = 'x' WHERE ticket_id = ?", [id]) }
        #expect(throws: (any Error).self) { try h.rawSQL("DELETE FROM ledger_event WHERE ticket_id = ?", [id]) }
    }

    @Test func editedEventIsDetected() async throws {
        let (h, id) = try await closedTicket(.sqlite)
        try unlock(h)
        try h.rawSQL("UPDATE ledger_event SET note = '已现场处理完毕（改）' WHERE ticket_id = ? AND sequence = 6", [id])
        guard case .broken(let seq, _, let reason) = try await h.store.verifyLedger(id, for: Fixture.leader) else { Issue.record("not detected"); return }
        #expect(seq == 6 && reason.contains("rewritten"))
        // Changing the actor is caught too.
        let (h2, id2) = try await closedTicket(.sqlite)
        try unlock(h2)
        try h2.rawSQL("UPDATE ledger_event SET actor_user_id = 'someone-else' WHERE ticket_id = ? AND sequence = 2", [id2])
        #expect(try await h2.store.verifyLedger(id2, for: Fixture.leader) == .broken(atSequence: 2, position: try await h2.store.timeline(id2, for: Fixture.admin)[1].position, reason: "content does not match its hash: the event was rewritten"))
    }

    @Test func deletedEventIsDetected() async throws {
        let (h, id) = try await closedTicket(.sqlite)
        try unlock(h)
        try h.rawSQL("DELETE FROM ledger_event WHERE ticket_id = ? AND sequence = 4", [id])
        guard case .broken(let seq, _, let reason) = try await h.store.verifyLedger(id, for: Fixture.leader) else { Issue.record("not detected"); return }
        #expect(seq == 4 && reason.contains("missing"))

        let (h2, id2) = try await closedTicket(.sqlite)
        try unlock(h2)
        try h2.rawSQL("DELETE FROM ledger_event WHERE ticket_id = ? AND sequence = 8", [id2])  // the last one
        guard case .broken(let seq2, _, let reason2) = try await h2.store.verifyLedger(id2, for: Fixture.leader) else { Issue.record("tail deletion not detected"); return }
        #expect(seq2 == 8 && reason2.contains("deleted"))
    }

    @Test func reorderedEventsAreDetected() async throws {
        let (h, id) = try await closedTicket(.sqlite)
        try unlock(h)
        // Swap the sequence numbers of events 3 and 4 (keeping everything else).
        try h.rawSQL("UPDATE ledger_event SET sequence = -1 WHERE ticket_id = ? AND sequence = 3", [id])
        try h.rawSQL("UPDATE ledger_event SET sequence = 3 WHERE ticket_id = ? AND sequence = 4", [id])
        try h.rawSQL("UPDATE ledger_event SET sequence = 4 WHERE ticket_id = ? AND sequence = -1", [id])
        guard case .broken(let seq, _, _) = try await h.store.verifyLedger(id, for: Fixture.leader) else { Issue.record("not detected"); return }
        #expect(seq == 3)

        // Swap positions only (the global order), sequence untouched.
        let (h2, id2) = try await closedTicket(.sqlite)
        try unlock(h2)
        let events = try await h2.store.timeline(id2, for: Fixture.admin)
        try h2.rawSQL("UPDATE ledger_event SET position = -1 WHERE position = ?", [events[4].position])
        try h2.rawSQL("UPDATE ledger_event SET position = ? WHERE position = ?", [events[4].position, events[5].position])
        try h2.rawSQL("UPDATE ledger_event SET position = ? WHERE position = -1", [events[5].position])
        guard case .broken(let seq2, _, let reason2) = try await h2.store.verifyLedger(id2, for: Fixture.leader) else { Issue.record("not detected"); return }
        #expect(seq2 == 6 && reason2.contains("reordered"))
    }

    @Test func statusRewriteOnTheTicketIsDetected() async throws {
        let (h, id) = try await closedTicket(.sqlite)
        try h.rawSQL("UPDATE ticket SET status = 'in_progress' WHERE id = ?", [id])
        #expect(try await h.store.verifyLedger(id, for: Fixture.leader).isIntact == false)
    }

    @Test func canonicalEncodingSeparatesFields() {
        let p = Principal(userID: "a", role: .admin)
        let d1 = LedgerEntryDraft(actor: p, occurredAt: Date(timeIntervalSince1970: 1), fromStatus: nil, toStatus: .submitted, action: .submit, note: "ab", details: [:])
        var d2 = d1; d2.note = nil
        var d3 = d1; d3.details = ["a": "b"]
        let hashes = Set([d1, d2, d3].map { LedgerHasher.hash(ticketID: 1, sequence: 1, draft: $0, previousHash: LedgerHasher.genesisHash) })
        #expect(hashes.count == 3)
        #expect(LedgerHasher.hash(ticketID: 1, sequence: 1, draft: d1, previousHash: LedgerHasher.genesisHash)
                != LedgerHasher.hash(ticketID: 2, sequence: 1, draft: d1, previousHash: LedgerHasher.genesisHash))
    }

    @Test(arguments: StoreKind.allCases) func eventsAfterPositionPageWithoutGaps(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        for _ in 0..<5 { _ = try await h.ticket(in: .inProgress) }
        let all = try await h.store.events(after: 0, limit: 1000, for: Fixture.leader)
        #expect(all.count == 5 * 5)
        #expect(all.map(\.position) == Array(1...Int64(all.count)))
        var collected: [LedgerEvent] = []
        var after: Int64 = 0
        while true {
            let page = try await h.store.events(after: after, limit: 7, for: Fixture.leader)
            if page.isEmpty { break }
            collected += page
            after = page.last!.position
        }
        #expect(collected == all)
        let resumed = try await h.store.events(after: 10, limit: 1000, for: Fixture.leader)
        #expect(resumed.first?.position == 11 && resumed.count == all.count - 10)
        #expect(await intakeError { _ = try await h.store.events(after: 0, limit: 0, for: Fixture.leader) } != nil)
    }

    @Test(arguments: StoreKind.allCases) func streamTailsNewEventsAndResumes(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        _ = try await h.ticket(in: .accepted)  // positions 1, 2
        let stream = try h.store.eventStream(after: 1, for: Fixture.leader)
        let reader = Task { () -> [Int64] in
            var seen: [Int64] = []
            for try await event in stream {
                seen.append(event.position)
                if seen.count == 12 { break }
            }
            return seen
        }
        // Writers after the reader started: 10 more events, some from concurrent tasks.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { _ = try await h.ticket(in: .submitted); _ = try await h.submit() } }
            try await group.waitForAll()
        }
        _ = try await h.submit()
        let seen = try await reader.value
        #expect(seen == Array(2...13), "no gaps, no duplicates, in order")

        // Resume from the last position received.
        _ = try await h.submit()
        var resumed: [Int64] = []
        for try await event in try h.store.eventStream(after: 13, for: Fixture.leader) {
            resumed.append(event.position)
            break
        }
        #expect(resumed == [14])
    }
}

@Suite struct LedgerStreamCancellationTests {
    @Test(arguments: StoreKind.allCases) func waitingTailStopsWhenCancelled(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        // A poll far longer than any scheduling delay, so only cancellation can wake it.
        let stream = try h.store.eventStream(after: 0, for: Fixture.leader, pollInterval: .seconds(120))
        let reader = Task { () -> Int in
            var n = 0
            do { for try await _ in stream { n += 1 } } catch is CancellationError {}
            return n
        }
        // Until the tail is waiting for a change (an event, not a delay).
        while h.store.eventWaiterCount == 0 { await Task.yield() }
        let start = ContinuousClock.now
        reader.cancel()
        #expect(try await reader.value == 0)
        #expect(ContinuousClock.now - start < .seconds(60), "woken by cancellation, not by the poll timeout")
    }
}

@Suite struct LedgerDetailsEncodingTests {
    @Test func detailsJSONRoundTrips() throws {
        let details = ["quote\"key": "line\nbreak\ttab\\slash", "ctl": "\u{1}\u{1f}", "中文": "临时用电", "": ""]
        let json = RowCoding.detailsJSON(details)
        #expect(try JSONDecoder().decode([String: String].self, from: Data(json.utf8)) == details)
        #expect(RowCoding.detailsJSON(["b": "1", "a": "2"]) == #"{"a":"2","b":"1"}"#)
    }
}
