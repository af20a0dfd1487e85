import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

extension PostgresTicketStore {
    /// The demo loader's path: each generated ticket with its whole ledger, in one transaction
    /// per batch and a handful of round trips whatever its size (one per row made 10,000
    /// tickets take longer than `township up` waits). Numbers, ids, hashes and both chains are
    /// computed in memory, as the SQLite `bulkInsert` does; each table then gets its rows in
    /// a few large statements. Same lock order as every write: counters first, head last.
    /// For demo and benchmark data only: it trusts the tickets (they came from `TicketWorkflow`).
    public func bulkInsert(_ batch: [GeneratedTicket]) async throws {
        guard !batch.isEmpty else { return }
        let (township, calendar, policy, now, logger) = (configuration.townshipCode, configuration.calendar,
                                                         configuration.reminderPolicy, clock.now(), self.logger)
        let years = batch.map { calendar.localDate(of: $0.ticket.createdAt).year }
        try await Self.transaction(client, logger) { db in
            var next = try await PostgresBulkRows.reserveNumbers(years: years, township: township, db, logger)
            // Ids up front: every event hash covers its ticket's id.
            let ids = try await db.rows("""
                SELECT nextval(pg_get_serial_sequence('ticket', 'id')) AS id FROM generate_series(1, \(Int64(batch.count)))
                """, logger).map { $0["id"] as Int64 }.sorted()
            var tickets: [PostgresBulkRows.TicketRow] = []
            var events: [PostgresBulkRows.EventRow] = []
            for (i, generated) in batch.enumerated() {
                var ticket = generated.ticket
                ticket.id = ids[i]
                ticket.number = TicketPersistence.formatNumber(year: years[i], value: next[years[i]]!)
                next[years[i]]! += 1
                var previous = LedgerHasher.genesisHash
                for (j, draft) in generated.entries.enumerated() {
                    let hash = LedgerHasher.hash(ticketID: ticket.id, sequence: j + 1, draft: draft, previousHash: previous)
                    events.append(.init(ticketID: ticket.id, sequence: j + 1, draft: draft, previousHash: previous, hash: hash))
                    previous = hash
                }
                tickets.append(.init(ticket: ticket, nextDeadlineCheck: TicketPersistence.nextDeadlineCheck(ticket, policy: policy, now: now),
                                     ledgerLength: generated.entries.count, ledgerHead: previous))
            }
            try await PostgresBulkRows.insertTickets(tickets, township: township, db, logger)
            // The head's lock last and as late as possible: the other replicas' writes wait on it.
            try await PostgresBulkRows.appendEvents(events, db, logger)
        }
    }
}
