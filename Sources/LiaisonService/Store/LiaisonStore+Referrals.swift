import Foundation
import GRDB
import LiaisonCore

/// A referral waiting in the outbox: the submission exactly as it will be sent on every
/// attempt (same bytes, same idempotency key), so intake files it once.
public struct PendingReferral: Sendable, Hashable {
    public var itemID: Int64
    public var idempotencyKey: String
    public var request: [UInt8]
}

/// A filed referral whose ticket status is to be read again.
public struct OpenReferral: Sendable, Hashable {
    public var itemID: Int64
    public var ticketID: String
}

extension LiaisonStore {
    /// Intake statuses after which a ticket no longer changes: its status is not read again.
    public static let finalTicketStatuses: Set<String> = ["TICKET_STATUS_CLOSED", "TICKET_STATUS_REJECTED", "TICKET_STATUS_DUPLICATE"]

    /// The office refers an item: the referral on the item and its outbox row, in one
    /// transaction. `submission` encodes the ticket's submission from the referred item (done
    /// once, here, so every attempt sends the same request). A repeat changes nothing.
    public func refer(item id: Int64, villageID: String, by actor: ProblemActor, now: Instant,
                      submission: @escaping @Sendable (ProblemItem) throws -> [UInt8]) async throws -> ProblemItem {
        let workflow = self.workflow
        return try await pool.write { db in
            guard let item = try Self.item(db, id) else { throw LiaisonError.notFound(reason: LiaisonReason.itemNotFound, "no item \(id)") }
            let referred = try workflow.refer(item, villageID: villageID, by: actor, now: now)
            guard referred != item else { return item }
            try Self.save(db, referred, isNew: false)
            try db.execute(sql: "INSERT INTO referral_outbox (item_id, idempotency_key, request, created_at_s) VALUES (?, ?, ?, ?)",
                           arguments: [id, Referral.idempotencyKey(itemID: id), Data(try submission(referred)), now.secondsSinceEpoch])
            return referred
        }
    }

    /// The oldest referrals still to be filed, at most `limit`.
    public func pendingReferrals(limit: Int) throws -> [PendingReferral] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT item_id, idempotency_key, request FROM referral_outbox ORDER BY item_id LIMIT ?",
                             arguments: [limit]).map { row in
                PendingReferral(itemID: row["item_id"], idempotencyKey: row["idempotency_key"], request: [UInt8](row["request"] as Data))
            }
        }
    }

    /// Intake filed the ticket: recorded on the item and its timeline, and the outbox row
    /// removed, in one transaction.
    public func referralFiled(item id: Int64, ticketID: String, number: String, status: String, now: Instant) async throws {
        let workflow = self.workflow
        try await pool.write { db in
            guard let item = try Self.item(db, id) else { return }
            let changed = workflow.recordTicket(item, ticketID: ticketID, number: number, status: status, now: now)
            if changed != item { try Self.save(db, changed, isNew: false) }
            try db.execute(sql: "DELETE FROM referral_outbox WHERE item_id = ?", arguments: [id])
        }
    }

    /// A call to intake for the item failed: counted with its error; the outbox row stays.
    public func referralFailed(item id: Int64, error: String, now: Instant) async throws {
        let workflow = self.workflow
        try await pool.write { db in
            guard let item = try Self.item(db, id) else { return }
            try Self.save(db, workflow.recordReferralFailure(item, error: error, now: now), isNew: false)
        }
    }

    /// Filed referrals whose ticket is not final and whose status was last read at or before
    /// `checkedBefore`, oldest check first, at most `limit`.
    public func referralsToRefresh(checkedBefore: Instant, limit: Int) throws -> [OpenReferral] {
        try pool.read { db in
            let finals = Array(Self.finalTicketStatuses)
            let items = try Self.items(db, where: "referral_state = 'submitted' AND (referral_ticket_status IS NULL OR referral_ticket_status NOT IN (?, ?, ?))",
                                       StatementArguments(finals))
            return items.compactMap { item -> (Instant, OpenReferral)? in
                guard let referral = item.referral, let ticketID = referral.ticketID else { return nil }
                let checked = referral.statusCheckedAt ?? referral.requestedAt
                guard checked <= checkedBefore else { return nil }
                return (checked, OpenReferral(itemID: item.id, ticketID: ticketID))
            }
            .sorted { $0.0 < $1.0 }
            .prefix(limit)
            .map(\.1)
        }
    }

    /// The ticket's status as intake reported it now.
    public func referralStatus(item id: Int64, status: String, now: Instant) async throws {
        let workflow = self.workflow
        try await pool.write { db in
            guard let item = try Self.item(db, id) else { return }
            let changed = workflow.recordTicketStatus(item, status: status, now: now)
            if changed != item { try Self.save(db, changed, isNew: false) }
        }
    }
}
