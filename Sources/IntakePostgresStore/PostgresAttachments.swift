import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

/// Attachment records (files live in `AttachmentService`): attached ones, and uploads waiting
/// for the submission that claims them.
enum PostgresAttachments {
    static func claim(_ ids: [String], ticketID: TicketID, by principal: Principal, _ db: PostgresConnection, _ logger: Logger) async throws -> [AttachmentInfo] {
        var claimed: [AttachmentInfo] = []
        for id in ids {
            // DELETE ... RETURNING: two submissions naming one upload cannot both claim it.
            guard let row = try await db.row("""
                DELETE FROM unclaimed_attachment WHERE id = \(id) AND uploaded_by = \(principal.userID) AND uploader_role = \(principal.role.rawValue)
                RETURNING *
                """, logger) else {
                if try await db.row("SELECT 1 AS found FROM attachment WHERE id = \(id)", logger) != nil {
                    throw IntakeError.invalidInput("attachment \(id) already belongs to a ticket")
                }
                throw IntakeError.notFound("attachment \(id) (none waiting that you uploaded)")
            }
            var info = UnclaimedAttachments.info(row)
            info.ticketID = ticketID
            try await insert(info, ticketID: ticketID, db, logger)
            claimed.append(info)
        }
        return claimed
    }

    static func insert(_ info: AttachmentInfo, ticketID: TicketID, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.execute("""
            INSERT INTO attachment (id, ticket_id, media_type, file_name, size, sha256, uploaded_by, created_at)
            VALUES (\(info.id), \(ticketID), \(info.mediaType), \(info.fileName), \(info.size), \(info.sha256), \(info.uploadedBy),
                \(LedgerHasher.milliseconds(info.createdAt)))
            """, logger)
    }
}

extension PostgresTicketStore {
    public func authorizeAttachment(to ticketID: TicketID, by principal: Principal) async throws -> Ticket {
        let scope = try VisibilityScope(for: principal)
        let logger = self.logger
        let ticket = try await client.withConnection { try await PostgresTicketWrites.loadVisibleTicket(ticketID, scope: scope, $0, logger) }
        try ticket.requireOpenForAttachments()
        return ticket
    }

    public func recordAttachment(_ info: AttachmentInfo, by principal: Principal, once: IdempotentRecord?) async throws {
        let scope = try VisibilityScope(for: principal)
        guard let ticketID = info.ticketID else { throw IntakeError.invalidInput("attachment \(info.id) names no ticket") }
        let logger = self.logger
        try await Self.transaction(client, logger) { db in
            let ticket = try await PostgresTicketWrites.loadVisibleTicket(ticketID, scope: scope, forUpdate: true, db, logger)
            try ticket.requireOpenForAttachments()
            try await PostgresAttachments.insert(info, ticketID: ticketID, db, logger)
            let draft = LedgerEntryDraft(actor: principal, occurredAt: info.createdAt, fromStatus: ticket.status, toStatus: ticket.status,
                                         action: .attach, note: nil,
                                         details: ["attachment": info.id, "sha256": info.sha256, "size": String(info.size),
                                                   "media_type": info.mediaType, "file_name": info.fileName])
            _ = try await PostgresTicketWrites.appendLedger(ticketID: ticketID, draft: draft, db, logger)
            try await self.record(once, db)
        }
    }

    public func recordUnclaimedAttachment(_ info: AttachmentInfo, by principal: Principal, once: IdempotentRecord?, limit: Int) async throws {
        let logger = self.logger
        try await Self.transaction(client, logger) { db in
            // Per uploader, so two replicas cannot both admit the limit-th upload.
            try await db.execute("SELECT pg_advisory_xact_lock(hashtext(\("unclaimed|" + principal.role.rawValue + ":" + principal.userID)))", logger)
            guard try await Self.unclaimedCount(by: principal, db, logger) < limit else {
                throw IntakeError.attachment(.tooManyUnclaimed(limit: limit))
            }
            try await db.execute("""
                INSERT INTO unclaimed_attachment (id, uploaded_by, uploader_role, media_type, file_name, size, sha256, created_at)
                VALUES (\(info.id), \(principal.userID), \(principal.role.rawValue), \(info.mediaType), \(info.fileName), \(info.size),
                    \(info.sha256), \(LedgerHasher.milliseconds(info.createdAt)))
                """, logger)
            try await self.record(once, db)
        }
    }

    public func unclaimedAttachmentCount(by principal: Principal) async throws -> Int {
        let logger = self.logger
        return try await client.withConnection { try await Self.unclaimedCount(by: principal, $0, logger) }
    }

    private static func unclaimedCount(by principal: Principal, _ db: PostgresConnection, _ logger: Logger) async throws -> Int {
        Int(try await db.scalar(Int64.self, """
            SELECT COUNT(*) FROM unclaimed_attachment WHERE uploaded_by = \(principal.userID) AND uploader_role = \(principal.role.rawValue)
            """, logger) ?? 0)
    }

    public func expireUnclaimedAttachments(before cutoff: Date) async throws -> [String] {
        let logger = self.logger
        return try await client.withConnection { db in
            try await db.rows("DELETE FROM unclaimed_attachment WHERE created_at < \(LedgerHasher.milliseconds(cutoff)) RETURNING id", logger)
                .map { $0["id"] as String }
        }
    }

    public func attachment(_ id: String, for principal: Principal) async throws -> AttachmentInfo {
        let scope = try VisibilityScope(for: principal)
        let logger = self.logger
        return try await client.withConnection { db in
            guard let row = try await db.row("SELECT * FROM attachment WHERE id = \(id)", logger) else {
                // Not attached yet: only its uploader knows it exists.
                if let row = try await db.row("SELECT * FROM unclaimed_attachment WHERE id = \(id) AND uploaded_by = \(principal.userID)", logger) {
                    return UnclaimedAttachments.info(row)
                }
                throw IntakeError.notFound("attachment \(id)")
            }
            let info = RowCoding.attachment(row)
            _ = try await PostgresTicketWrites.loadVisibleTicket(info.ticketID ?? 0, scope: scope, db, logger)
            return info
        }
    }

    public func allAttachmentIDs() async throws -> Set<String> {
        let logger = self.logger
        return try await client.withConnection { db in
            Set(try await db.rows("SELECT id FROM attachment UNION ALL SELECT id FROM unclaimed_attachment", logger).map { $0["id"] as String })
        }
    }
}
