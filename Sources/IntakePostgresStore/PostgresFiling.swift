import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

/// Filing a new ticket with as little as possible under the number counter's lock, which is
/// held to commit and so queues every submission of every replica: the id is drawn and the
/// first event hashed before it; then one statement takes the next number, stores the row
/// with its final chain tip and the request id; then the ledger append and the commit.
extension PostgresTicketWrites {
    /// The client request id a submission is filed under, stored with the ticket.
    struct SubmissionRequest {
        var requester: String
        var clientRequestID: String
    }

    /// Files a new ticket: `beforeLedger` (attachments: what must commit with it but needs no
    /// chain) runs after the row is stored and before the first ledger event, the last step.
    static func file(_ draft: Ticket, entry: LedgerEntryDraft, township: String, year: Int, policy: ReminderPolicy, now: Date,
                     request: SubmissionRequest? = nil, _ db: PostgresConnection, _ logger: Logger,
                     beforeLedger: (TicketID) async throws -> Void = { _ in }) async throws -> (ticket: Ticket, event: LedgerEvent) {
        var ticket = draft
        ticket.id = try await db.scalar(Int64.self, "SELECT nextval(pg_get_serial_sequence('ticket', 'id')) AS id", logger)!
        let hash = LedgerHasher.hash(ticketID: ticket.id, sequence: 1, draft: entry, previousHash: LedgerHasher.genesisHash)
        var sql = BoundSQL()
        let (idP, townshipP, yearP) = (sql.bind(ticket.id), sql.bind(township), sql.bind(Int64(year)))
        let values: [(any DatabaseValueConvertible)?] = RowCoding.stateValues(ticket, nextDeadlineCheck: TicketPersistence.nextDeadlineCheck(ticket, policy: policy, now: now))
            + [Int64(1), hash]
        let placeholders = [idP, townshipP, "(SELECT number FROM numbered)"] + values.map { sql.bind($0) }
            + ["array_to_tsvector(\(sql.bind(strings: PostgresSearch.lexemes(ticket.description))))"]
        var requestCTE = ""
        if let request {
            requestCTE = """
                , request AS (INSERT INTO submission_request (requester, client_request_id, ticket_id)
                    VALUES (\(sql.bind(request.requester)), \(sql.bind(request.clientRequestID)), \(idP)))
                """
        }
        // The number as TicketPersistence.formatNumber writes it: year, "-", at least six digits.
        sql.text = """
            WITH counter AS (INSERT INTO ticket_number_counter (township, year, last_value) VALUES (\(townshipP), \(yearP), 1)
                    ON CONFLICT (township, year) DO UPDATE SET last_value = ticket_number_counter.last_value + 1 RETURNING last_value),
                numbered AS (SELECT \(yearP)::text || '-' || lpad(last_value::text, greatest(6, length(last_value::text)), '0') AS number
                    FROM counter)\(requestCTE)
            INSERT INTO ticket (\((["id"] + insertColumns).joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))
            RETURNING number
            """
        ticket.number = try await db.scalar(String.self, sql.query, logger)!
        try await beforeLedger(ticket.id)
        let event = try await appendLedger(ticketID: ticket.id, draft: entry, tip: (0, LedgerHasher.genesisHash), db, logger)
        return (ticket, event)
    }
}
