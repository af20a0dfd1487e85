import Foundation
import GRDB

/// Attachments uploaded without a ticket (intake.proto AttachmentUpload.ticket_id absent): kept
/// in `unclaimed_attachment` until a submission by the same user names them
/// (Submission.attachment_ids), which moves them to `attachment` in the submission's own
/// transaction; deleted if none does within `AttachmentLimits.unclaimedRetention`.
public enum UnclaimedAttachments {
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE unclaimed_attachment (id TEXT PRIMARY KEY, uploaded_by TEXT NOT NULL, uploader_role TEXT NOT NULL,
                media_type TEXT NOT NULL, file_name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
                created_at INTEGER NOT NULL);
            CREATE INDEX unclaimed_attachment_by_age ON unclaimed_attachment(created_at);
            """)
    }

    public static func info(_ row: Row) -> AttachmentInfo {
        AttachmentInfo(id: row["id"], ticketID: nil, mediaType: row["media_type"], fileName: row["file_name"], size: row["size"],
                       sha256: row["sha256"], uploadedBy: row["uploaded_by"], createdAt: RowCoding.date(row["created_at"] as Int64))
    }

    /// Attaches the named uploads to a ticket being filed, in the caller's transaction. Each
    /// must have been uploaded by the same user (and role) and not be attached already.
    static func claim(_ ids: [String], ticketID: TicketID, by principal: Principal, db: Database) throws -> [AttachmentInfo] {
        var claimed: [AttachmentInfo] = []
        for id in ids {
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM unclaimed_attachment WHERE id = ? AND uploaded_by = ? AND uploader_role = ?",
                                             arguments: [id, principal.userID, principal.role.rawValue]) else {
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM attachment WHERE id = ?)", arguments: [id]) == true {
                    throw IntakeError.invalidInput("attachment \(id) already belongs to a ticket")
                }
                throw IntakeError.notFound("attachment \(id) (none waiting that you uploaded)")
            }
            var info = Self.info(row)
            info.ticketID = ticketID
            try db.execute(sql: """
                INSERT INTO attachment (id, ticket_id, media_type, file_name, size, sha256, uploaded_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [info.id, ticketID, info.mediaType, info.fileName, info.size, info.sha256,
                                 info.uploadedBy, RowCoding.millis(info.createdAt)])
            try db.execute(sql: "DELETE FROM unclaimed_attachment WHERE id = ?", arguments: [id])
            claimed.append(info)
        }
        return claimed
    }
}

extension SQLiteTicketStore {
    public func recordUnclaimedAttachment(_ info: AttachmentInfo, by principal: Principal, once: IdempotentRecord?, limit: Int) async throws {
        try await pool.write { db in
            guard try Self.unclaimedCount(by: principal, db: db) < limit else {
                throw IntakeError.attachment(.tooManyUnclaimed(limit: limit))
            }
            try db.execute(sql: """
                INSERT INTO unclaimed_attachment (id, uploaded_by, uploader_role, media_type, file_name, size, sha256, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [info.id, principal.userID, principal.role.rawValue, info.mediaType, info.fileName, info.size,
                                 info.sha256, RowCoding.millis(info.createdAt)])
            try record(once, db: db)
        }
    }

    public func unclaimedAttachmentCount(by principal: Principal) async throws -> Int {
        try await pool.read { db in try Self.unclaimedCount(by: principal, db: db) }
    }

    private static func unclaimedCount(by principal: Principal, db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unclaimed_attachment WHERE uploaded_by = ? AND uploader_role = ?",
                         arguments: [principal.userID, principal.role.rawValue]) ?? 0
    }

    public func expireUnclaimedAttachments(before cutoff: Date) async throws -> [String] {
        try await pool.write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM unclaimed_attachment WHERE created_at < ?", arguments: [RowCoding.millis(cutoff)])
            try db.execute(sql: "DELETE FROM unclaimed_attachment WHERE created_at < ?", arguments: [RowCoding.millis(cutoff)])
            return ids
        }
    }
}
