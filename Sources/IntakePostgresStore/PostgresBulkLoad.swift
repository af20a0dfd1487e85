import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

extension PostgresTicketStore {
    /// The demo loader's path: each generated ticket with its whole ledger, numbered from the
    /// counter, all in one transaction per batch.
    public func bulkInsert(_ batch: [GeneratedTicket]) async throws {
        let (township, calendar, policy, now, logger) = (configuration.townshipCode, configuration.calendar,
                                                         configuration.reminderPolicy, clock.now(), self.logger)
        try await Self.transaction(client, logger) { db in
            for generated in batch {
                var ticket = generated.ticket
                ticket.number = try await PostgresTicketWrites.allocateNumber(township: township, year: calendar.localDate(of: ticket.createdAt).year, db, logger)
                ticket.id = try await PostgresTicketWrites.insert(ticket, township: township,
                                                                  nextDeadlineCheck: TicketPersistence.nextDeadlineCheck(ticket, policy: policy, now: now), db, logger)
                for draft in generated.entries {
                    _ = try await PostgresTicketWrites.appendLedger(ticketID: ticket.id, draft: draft, db, logger)
                }
            }
        }
    }
}
