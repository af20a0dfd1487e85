import Foundation
import GRDB

extension SQLiteTicketStore {
    /// Anyone who can see a ticket may attach evidence to it until it is closed or rejected.
    public func authorizeAttachment(to ticketID: TicketID, by principal: Principal) async throws -> Ticket {
        let scope = try VisibilityScope(for: principal)
        let ticket = try await pool.read { db in try Self.loadVisibleTicket(ticketID, scope: scope, db: db) }
        try ticket.requireOpenForAttachments()
        return ticket
    }

    /// Records a file already in place, with its ledger event, in one transaction.
    public func recordAttachment(_ info: AttachmentInfo, by principal: Principal, once: IdempotentRecord?) async throws {
        let scope = try VisibilityScope(for: principal)
        guard let ticketID = info.ticketID else { throw IntakeError.invalidInput("attachment \(info.id) names no ticket") }
        try await pool.write { db in
            let ticket = try Self.loadVisibleTicket(ticketID, scope: scope, db: db)
            try ticket.requireOpenForAttachments()
            try db.execute(sql: """
                INSERT INTO attachment (id, ticket_id, media_type, file_name, size, sha256, uploaded_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [info.id, info.ticketID, info.mediaType, info.fileName, info.size, info.sha256,
                                 info.uploadedBy, RowCoding.millis(info.createdAt)])
            let draft = LedgerEntryDraft(actor: principal, occurredAt: info.createdAt, fromStatus: ticket.status, toStatus: ticket.status,
                                         action: .attach, note: nil,
                                         details: ["attachment": info.id, "sha256": info.sha256, "size": String(info.size),
                                                   "media_type": info.mediaType, "file_name": info.fileName])
            _ = try TicketPersistence.appendLedger(ticketID: ticketID, draft: draft, db: db)
            try record(once, db: db)
        }
        changeSignal.notify()
    }

    public func attachment(_ id: String, for principal: Principal) async throws -> AttachmentInfo {
        let scope = try VisibilityScope(for: principal)
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM attachment WHERE id = ?", arguments: [id]) else {
                // Not attached yet: only its uploader knows it exists.
                if let row = try Row.fetchOne(db, sql: "SELECT * FROM unclaimed_attachment WHERE id = ? AND uploaded_by = ?",
                                              arguments: [id, principal.userID]) {
                    return UnclaimedAttachments.info(row)
                }
                throw IntakeError.notFound("attachment \(id)")
            }
            let info = RowCoding.attachment(row)
            _ = try Self.loadVisibleTicket(info.ticketID ?? 0, scope: scope, db: db)
            return info
        }
    }

    public func allAttachmentIDs() async throws -> Set<String> {
        try await pool.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM attachment UNION ALL SELECT id FROM unclaimed_attachment")) }
    }
}
