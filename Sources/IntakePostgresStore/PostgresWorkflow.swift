import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

extension PostgresTicketStore {
    public func submit(_ report: NewTicket, by principal: Principal) async throws -> TicketView {
        let now = clock.now()
        let (draftTicket, entry) = try workflow.submission(report, by: principal, at: now)
        let (township, year, policy, logger) = (configuration.townshipCode, configuration.calendar.localDate(of: now).year,
                                                configuration.reminderPolicy, self.logger)
        let (ticket, attachments) = try await Self.transaction(client, logger) { db in
            var attachments: [AttachmentInfo] = []
            let ticket = try await PostgresTicketWrites.file(draftTicket, entry: entry, township: township, year: year, policy: policy,
                                                             now: now, db, logger) { id in
                attachments = try await PostgresAttachments.claim(report.attachmentIDs, ticketID: id, by: principal, db, logger)
            }.ticket
            return (ticket, attachments)
        }
        submissionLog.filed(ticket, logger: logger)
        return TicketView(showing: ticket, attachments: attachments, to: principal)
    }

    public func perform(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?,
                        by principal: Principal) async throws -> TicketView {
        let scope = try VisibilityScope(for: principal)
        let (workflow, policy, now, logger) = (self.workflow, configuration.reminderPolicy, clock.now(), self.logger)
        let (ticket, attachments) = try await Self.transaction(client, logger) { db in
            let (next, _) = try await Self.apply(action, on: ticketID, note: note, expectedVersion: expectedVersion, by: principal,
                                                 scope: scope, workflow: workflow, policy: policy, now: now, db, logger)
            return (next, try await PostgresTicketWrites.attachments(of: next.id, db, logger))
        }
        logger.info("ticket action", metadata: ["number": "\(ticket.number)", "action": "\(action.name.rawValue)", "status": "\(ticket.status.rawValue)"])
        return TicketView(showing: ticket, attachments: attachments, to: principal)
    }

    /// One workflow step in the caller's transaction: the ticket row locked, the version
    /// checked under that lock (two replicas acting at once: one waits, then sees the new
    /// version), the core's decision, the new state and its ledger event.
    static func apply(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?, by principal: Principal,
                      scope: VisibilityScope, workflow: TicketWorkflow, policy: ReminderPolicy, now: Date,
                      _ db: PostgresConnection, _ logger: Logger) async throws -> (Ticket, LedgerEvent) {
        let row = try await PostgresTicketWrites.loadVisibleRow(ticketID, scope: scope, forUpdate: true, db, logger)
        let current = try RowCoding.ticket(row)
        // The row is locked to commit, so its chain tip read here is the one the append extends.
        let tip: (length: Int, head: String) = (row["ledger_length"], row["ledger_head"])
        if let expectedVersion {
            let version = Int64(tip.length)
            guard version == expectedVersion else {
                throw IntakeError.versionMismatch(ticket: ticketID, current: version, expected: expectedVersion)
            }
        }
        var target: Ticket?
        if case .linkDuplicate(let original) = action {
            target = try await PostgresTicketWrites.loadVisibleTicket(original, scope: scope, db, logger)
        }
        let (next, entry) = try workflow.apply(action, to: current, by: principal, at: now, note: note, duplicateTarget: target)
        try await PostgresTicketWrites.update(next, nextDeadlineCheck: TicketPersistence.nextDeadlineCheck(next, policy: policy, now: now), db, logger)
        let event = try await PostgresTicketWrites.appendLedger(ticketID: next.id, draft: entry, tip: tip, db, logger)
        return (next, event)
    }

    // MARK: Idempotent calls

    public func recordedReply(for claim: IdempotencyClaim) async throws -> [UInt8]? {
        let notBefore = clock.now().addingTimeInterval(-configuration.idempotencyRetention)
        let logger = self.logger
        return try await client.withConnection { try await Self.recordedReply(claim, notBefore: notBefore, $0, logger) }
    }

    static func recordedReply(_ claim: IdempotencyClaim, notBefore: Date, _ db: PostgresConnection, _ logger: Logger) async throws -> [UInt8]? {
        guard let row = try await db.row("""
            SELECT request_digest, reply FROM idempotent_call
            WHERE scope = \(claim.scope) AND method = \(claim.method) AND key = \(claim.key) AND completed_at >= \(LedgerHasher.milliseconds(notBefore))
            """, logger) else { return nil }
        guard (row["request_digest"] as String) == claim.requestDigest else {
            throw IntakeError.invalidInput("idempotency key reused with a different request: '\(claim.key)' was first used for another request to this method; use a new key")
        }
        return [UInt8](row["reply"] as Data)
    }

    static func record(_ claim: IdempotencyClaim, reply: [UInt8], at now: Date, notBefore: Date, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.execute("DELETE FROM idempotent_call WHERE completed_at < \(LedgerHasher.milliseconds(notBefore))", logger)
        try await db.execute("""
            INSERT INTO idempotent_call (scope, method, key, request_digest, reply, completed_at)
            VALUES (\(claim.scope), \(claim.method), \(claim.key), \(claim.requestDigest), \(ByteBuffer(bytes: reply)), \(LedgerHasher.milliseconds(now)))
            ON CONFLICT (scope, method, key) DO UPDATE SET request_digest = excluded.request_digest, reply = excluded.reply,
                completed_at = excluded.completed_at
            """, logger)
    }

    func record(_ once: IdempotentRecord?, _ db: PostgresConnection) async throws {
        guard let once else { return }
        let now = clock.now()
        try await Self.record(once.claim, reply: once.reply, at: now, notBefore: now.addingTimeInterval(-configuration.idempotencyRetention), db, logger)
    }

    public func perform(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?,
                        by principal: Principal, once claim: IdempotencyClaim?, reply: @escaping ActionReplyEncoder) async throws -> IdempotentReply {
        let scope = try VisibilityScope(for: principal)
        let (workflow, policy, now, retention, logger) = (self.workflow, configuration.reminderPolicy, clock.now(),
                                                          configuration.idempotencyRetention, self.logger)
        return try await Self.transaction(client, logger) { db in
            if let claim {
                // Serialises two replicas racing on one key: the second waits, then finds the reply.
                try await db.execute("SELECT pg_advisory_xact_lock(hashtext(\(claim.scope + "|" + claim.method + "|" + claim.key)))", logger)
                if let recorded = try await Self.recordedReply(claim, notBefore: now.addingTimeInterval(-retention), db, logger) {
                    return IdempotentReply(bytes: recorded, replayed: true)
                }
            }
            let (next, event) = try await Self.apply(action, on: ticketID, note: note, expectedVersion: expectedVersion, by: principal,
                                                     scope: scope, workflow: workflow, policy: policy, now: now, db, logger)
            let attachments = try await PostgresTicketWrites.attachments(of: next.id, db, logger)
            let bytes = try reply(ActionOutcome(view: TicketView(showing: next, attachments: attachments, to: principal), event: event))
            if let claim {
                try await Self.record(claim, reply: bytes, at: now, notBefore: now.addingTimeInterval(-retention), db, logger)
            }
            return IdempotentReply(bytes: bytes, replayed: false)
        }
    }

    public func submit(_ report: NewTicket, by principal: Principal, clientRequestID: String, once claim: IdempotencyClaim?,
                       reply: @escaping ActionReplyEncoder) async throws -> IdempotentReply {
        try ClientRequestID.check(clientRequestID)
        let retention = configuration.idempotencyRetention
        let now = clock.now()
        let logger = self.logger
        return try await fileOnce(report, by: principal, clientRequestID: clientRequestID) { db in
            guard let claim else { return nil }
            return try await Self.recordedReply(claim, notBefore: now.addingTimeInterval(-retention), db, logger)
                .map { IdempotentReply(bytes: $0, replayed: true) }
        } answer: { db, ticket, event, attachments, replayed in
            let bytes = try reply(ActionOutcome(view: TicketView(showing: ticket, attachments: attachments, to: principal), event: event))
            if let claim, !replayed {
                try await Self.record(claim, reply: bytes, at: now, notBefore: now.addingTimeInterval(-retention), db, logger)
            }
            return IdempotentReply(bytes: bytes, replayed: replayed)
        }
    }

    public func submit(_ report: NewTicket, by principal: Principal, clientRequestID: String) async throws -> (view: TicketView, replayed: Bool) {
        try ClientRequestID.check(clientRequestID)
        return try await fileOnce(report, by: principal, clientRequestID: clientRequestID) { _ in nil } answer: { _, ticket, _, attachments, replayed in
            (TicketView(showing: ticket, attachments: attachments, to: principal), replayed)
        }
    }

    /// Files the report once per (requester, client request id): under a transaction-scoped
    /// advisory lock on that pair, so a retry through another replica waits for the first
    /// attempt's commit and then reads its ticket back (the primary key would refuse a second
    /// row anyway). `early` may answer before anything is looked up (a recorded reply).
    private func fileOnce<Answer: Sendable>(
        _ report: NewTicket, by principal: Principal, clientRequestID: String,
        early: @escaping @Sendable (PostgresConnection) async throws -> Answer?,
        answer: @escaping @Sendable (PostgresConnection, Ticket, LedgerEvent, [AttachmentInfo], Bool) async throws -> Answer
    ) async throws -> Answer {
        let now = clock.now()
        let (draftTicket, entry) = try workflow.submission(report, by: principal, at: now)
        let (township, year, policy, logger) = (configuration.townshipCode, configuration.calendar.localDate(of: now).year,
                                                configuration.reminderPolicy, self.logger)
        let requester = "\(principal.role.rawValue):\(principal.userID)"
        let (result, filed) = try await Self.transaction(client, logger) { db -> (Answer, Ticket?) in
            try await db.execute("SELECT pg_advisory_xact_lock(hashtext(\(requester + "|" + clientRequestID)))", logger)
            if let early = try await early(db) { return (early, nil) }
            if let existing = try await db.scalar(Int64.self, """
                SELECT ticket_id FROM submission_request WHERE requester = \(requester) AND client_request_id = \(clientRequestID)
                """, logger), let row = try await db.row("SELECT * FROM ticket WHERE id = \(existing)", logger) {
                let ticket = try RowCoding.ticket(row)
                let first = try await PostgresTicketWrites.ledger(of: existing, db, logger).first!
                let attachments = try await PostgresTicketWrites.attachments(of: existing, db, logger)
                return (try await answer(db, ticket, first, attachments, true), nil)
            }
            var attachments: [AttachmentInfo] = []
            let (ticket, event) = try await PostgresTicketWrites.file(draftTicket, entry: entry, township: township, year: year,
                                                                      policy: policy, now: now,
                                                                      request: .init(requester: requester, clientRequestID: clientRequestID),
                                                                      db, logger) { id in
                attachments = try await PostgresAttachments.claim(report.attachmentIDs, ticketID: id, by: principal, db, logger)
            }
            return (try await answer(db, ticket, event, attachments, false), ticket)
        }
        if let filed {
            submissionLog.filed(filed, logger: logger)
        }
        return result
    }
}
