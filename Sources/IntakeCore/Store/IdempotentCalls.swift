import Crypto
import Foundation
import GRDB

/// A call made safe to retry by its idempotency key (proto-spec §6): within the retention, a
/// call with the same scope, method and key gets the reply recorded for the first one, which
/// did the work; the same key with a different request is refused.
public struct IdempotencyClaim: Sendable, Hashable {
    /// Who called: the caller's TLS identity and the end user it acted for.
    public var scope: String
    /// The method's path.
    public var method: String
    public var key: String
    /// Hex SHA-256 of the request payload.
    public var requestDigest: String

    public init(scope: String, method: String, key: String, request: [UInt8]) {
        self.scope = scope; self.method = method; self.key = key
        requestDigest = LedgerHasher.hex(SHA256.hash(data: request))
    }
}

/// What a workflow action or a submission did: the ticket as its caller sees it, and the event appended.
public struct ActionOutcome: Sendable {
    public var view: TicketView
    public var event: LedgerEvent

    public init(view: TicketView, event: LedgerEvent) { self.view = view; self.event = event }
}

/// A completed call's key and reply, to record with the call's own writes.
public struct IdempotentRecord: Sendable {
    public var claim: IdempotencyClaim
    public var reply: [UInt8]
    public init(claim: IdempotencyClaim, reply: [UInt8]) { self.claim = claim; self.reply = reply }
}

/// The reply a call answered with, and whether it was recorded earlier (a retry).
public struct IdempotentReply: Sendable {
    public var bytes: [UInt8]
    public var replayed: Bool

    public init(bytes: [UInt8], replayed: Bool) { self.bytes = bytes; self.replayed = replayed }
}

/// The `idempotent_call` table: each completed claim with its reply, written in the same
/// transaction as the call's own writes, so a reply is recorded if and only if the work is durable.
enum IdempotentCalls {
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE idempotent_call (scope TEXT NOT NULL, method TEXT NOT NULL, key TEXT NOT NULL,
                request_digest TEXT NOT NULL, reply BLOB NOT NULL, completed_at INTEGER NOT NULL,
                PRIMARY KEY (scope, method, key)) WITHOUT ROWID;
            CREATE INDEX idempotent_call_by_age ON idempotent_call(completed_at);
            """)
    }

    /// v9: the same columns in a rowid table, so each new call (with its reply of a few hundred
    /// bytes) is appended to the table's last page instead of landing at a random place of a
    /// key-ordered tree: there one page of about four replies is dirtied and written to the WAL
    /// per call (measured: 3.6 of the 5.6 pages a submission wrote in a 256-batch). Only the
    /// key index (scope, method, key; unique, as the primary key was) takes random positions,
    /// with entries a tenth of the size.
    static func moveToAppendOrder(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE idempotent_call_appended (scope TEXT NOT NULL, method TEXT NOT NULL, key TEXT NOT NULL,
                request_digest TEXT NOT NULL, reply BLOB NOT NULL, completed_at INTEGER NOT NULL);
            INSERT INTO idempotent_call_appended (scope, method, key, request_digest, reply, completed_at)
                SELECT scope, method, key, request_digest, reply, completed_at FROM idempotent_call ORDER BY completed_at;
            DROP TABLE idempotent_call;
            ALTER TABLE idempotent_call_appended RENAME TO idempotent_call;
            CREATE UNIQUE INDEX idempotent_call_by_key ON idempotent_call(scope, method, key);
            CREATE INDEX idempotent_call_by_age ON idempotent_call(completed_at);
            """)
    }

    /// The reply recorded for `claim` at or after `notBefore`, if any. A key recorded with
    /// another request digest is the caller's mistake, not a retry.
    static func recordedReply(_ claim: IdempotencyClaim, notBefore: Date, db: Database) throws -> [UInt8]? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT request_digest, reply FROM idempotent_call WHERE scope = ? AND method = ? AND key = ? AND completed_at >= ?
            """), arguments: [claim.scope, claim.method, claim.key, RowCoding.millis(notBefore)]) else { return nil }
        return try reply(row, recordedFor: claim)
    }

    /// What a submission's two keys found, in one statement (one step on the writer instead of
    /// two): the reply recorded for its claim within the retention, and the ticket an earlier
    /// submission with its client request id filed.
    static func earlierSubmission(claim: IdempotencyClaim?, notBefore: Date, requester: String, clientRequestID: String,
                                  db: Database) throws -> (reply: [UInt8]?, ticketID: TicketID?) {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT (\(SQLiteTicketStore.submittedTicketSQL)) AS ticket_id, c.request_digest, c.reply
            FROM (SELECT 1) LEFT JOIN idempotent_call c ON c.scope = ? AND c.method = ? AND c.key = ? AND c.completed_at >= ?
            """), arguments: [requester, clientRequestID, claim?.scope, claim?.method, claim?.key, RowCoding.millis(notBefore)])
        guard let row else { return (nil, nil) }
        let ticketID: TicketID? = row["ticket_id"]
        guard let claim, !row.hasNull(atIndex: 1) else { return (nil, ticketID) }
        return (try reply(row, recordedFor: claim), ticketID)
    }

    /// A recorded row's reply, if it was recorded for the same request.
    private static func reply(_ row: Row, recordedFor claim: IdempotencyClaim) throws -> [UInt8] {
        guard (row["request_digest"] as String) == claim.requestDigest else {
            throw IntakeError.invalidInput("idempotency key reused with a different request: '\(claim.key)' was first used for another request to this method; use a new key")
        }
        let reply: Data = row["reply"]
        return [UInt8](reply)
    }

    /// Records the reply of a completed claim. Expired keys are forgotten by `prune`, once per
    /// batch of writes, not here; until then `recordedReply` ignores them, and a new call with
    /// an expired key replaces its row.
    static func record(_ claim: IdempotencyClaim, reply: [UInt8], at now: Date, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO idempotent_call (scope, method, key, request_digest, reply, completed_at) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [claim.scope, claim.method, claim.key, claim.requestDigest, Data(reply), RowCoding.millis(now)])
    }

    /// Forgets at most `limit` keys completed before `notBefore`, oldest first. Run once per
    /// group-commit batch, which records at most `GroupCommit.maxBatch` keys: with `limit` above
    /// that, expired keys are forgotten faster than new ones are recorded, so the table stays
    /// within the retention's keys plus a bounded backlog, and no batch deletes more than `limit`.
    @discardableResult
    static func prune(notBefore: Date, limit: Int, db: Database) throws -> Int {
        try db.cachedStatement(sql: """
            DELETE FROM idempotent_call WHERE rowid IN
                (SELECT rowid FROM idempotent_call WHERE completed_at < ? ORDER BY completed_at LIMIT ?)
            """).execute(arguments: [RowCoding.millis(notBefore), limit])
        return db.changesCount
    }
}

extension SQLiteTicketStore {
    public func recordedReply(for claim: IdempotencyClaim) async throws -> [UInt8]? {
        let notBefore = clock.now().addingTimeInterval(-configuration.idempotencyRetention)
        return try await pool.read { db in try IdempotentCalls.recordedReply(claim, notBefore: notBefore, db: db) }
    }

    /// Records `once` in the caller's write transaction (the call's own writes are in it). These
    /// writes do not go through the group commit, so they prune expired keys themselves.
    func record(_ once: IdempotentRecord?, db: Database) throws {
        guard let once else { return }
        let now = clock.now()
        try IdempotentCalls.record(once.claim, reply: once.reply, at: now, db: db)
        try IdempotentCalls.prune(notBefore: now.addingTimeInterval(-configuration.idempotencyRetention),
                                  limit: configuration.idempotencyPrunePerBatch, db: db)
    }

    public typealias ReplyEncoder = ActionReplyEncoder

    /// `perform`, once per claim: a retry within the retention answers the first reply without
    /// acting again (no second ledger event). `reply` encodes the answer inside the write's
    /// transaction, so what is recorded is exactly what the first caller got.
    public func perform(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?,
                        by principal: Principal, once claim: IdempotencyClaim?, reply: @escaping ReplyEncoder) async throws -> IdempotentReply {
        let scope = try VisibilityScope(for: principal)
        let workflow = self.workflow
        let policy = configuration.reminderPolicy
        let clock = self.clock
        let retention = configuration.idempotencyRetention
        let chainHead = groupCommit.chainHead
        let (answer, ticket) = try await groupCommit.write { db -> (IdempotentReply, Ticket?) in
            let now = clock.now()
            if let claim, let recorded = try IdempotentCalls.recordedReply(claim, notBefore: now.addingTimeInterval(-retention), db: db) {
                return (IdempotentReply(bytes: recorded, replayed: true), nil)
            }
            let (next, event) = try Self.apply(action, on: ticketID, note: note, expectedVersion: expectedVersion, by: principal,
                                               scope: scope, workflow: workflow, policy: policy, now: now, chainHead: chainHead, db: db)
            let outcome = ActionOutcome(view: Self.view(next, attachments: try Self.attachments(of: next.id, db: db), for: principal), event: event)
            let bytes = try reply(outcome)
            if let claim {
                try IdempotentCalls.record(claim, reply: bytes, at: now, db: db)
            }
            return (IdempotentReply(bytes: bytes, replayed: false), next)
        }
        if let ticket {
            changeSignal.notify()
            logger.info("ticket action", metadata: ["number": "\(ticket.number)", "action": "\(action.name.rawValue)", "status": "\(ticket.status.rawValue)"])
        }
        return answer
    }

    /// `submit` with a client request id, once per claim (see `perform(_:on:note:expectedVersion:by:once:reply:)`).
    /// A retry by client request id alone (no claim recorded) answers the ticket as it is now with its submission event.
    public func submit(_ report: NewTicket, by principal: Principal, clientRequestID: String, once claim: IdempotencyClaim?,
                       reply: @escaping ReplyEncoder) async throws -> IdempotentReply {
        try ClientRequestID.check(clientRequestID)
        let now = clock.now()
        // Prepared here, in the caller's task: the writer runs one batch at a time.
        let prepared = try preparedFiling(report, by: principal, at: now)
        let notBefore = now.addingTimeInterval(-configuration.idempotencyRetention)
        let requester = Self.requester(principal)
        let (chainHead, searchRows) = (groupCommit.chainHead, groupCommit.searchRows)
        let (answer, filed) = try await groupCommit.write { db -> (IdempotentReply, Ticket?) in
            let earlier = try IdempotentCalls.earlierSubmission(claim: claim, notBefore: notBefore, requester: requester,
                                                                clientRequestID: clientRequestID, db: db)
            if let recorded = earlier.reply {
                return (IdempotentReply(bytes: recorded, replayed: true), nil)
            }
            if let existingID = earlier.ticketID, let (existing, attachments) = try Self.submitted(existingID, db: db) {
                let first = try Self.ledger(of: existing.id, db: db).first!
                let bytes = try reply(ActionOutcome(view: Self.view(existing, attachments: attachments, for: principal), event: first))
                return (IdempotentReply(bytes: bytes, replayed: true), nil)
            }
            let (ticket, event, attachments) = try Self.fileSubmission(prepared, attachmentIDs: report.attachmentIDs, by: principal,
                                                                       requester: requester, clientRequestID: clientRequestID,
                                                                       chainHead: chainHead, searchRows: searchRows, db: db)
            let bytes = try reply(ActionOutcome(view: Self.view(ticket, attachments: attachments, for: principal), event: event))
            if let claim {
                try IdempotentCalls.record(claim, reply: bytes, at: now, db: db)
            }
            return (IdempotentReply(bytes: bytes, replayed: false), ticket)
        }
        if let filed {
            changeSignal.notify()
            submissionLog.filed(filed, logger: logger)
        }
        return answer
    }
}
