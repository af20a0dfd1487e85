import Crypto
import Foundation
import Logging

/// Uploads and downloads of ticket attachments, driven chunk by chunk by the RPC layer.
///
/// Files live outside the database under `directory`: `partial/` while uploading, `files/`
/// once complete. `finishUpload` checks the size and SHA-256, syncs the file, renames it
/// atomically into `files/`, syncs the directory, and only then records it (row + ledger
/// event). Aborts, failed checks, expired sessions and crashes leave nothing attached:
/// partial files are removed, and `cleanUpOnStartup` removes leftovers of a crash (partial
/// files, and complete files whose database record never committed).
public actor AttachmentService {
    public typealias SessionID = String

    struct Session {
        let id: SessionID
        let ticketID: TicketID?
        let owner: Principal
        let declaredSize: Int64
        let mediaType: String
        let fileName: String
        let partialURL: URL
        var handle: FileHandle
        var hasher = SHA256()
        var received: Int64 = 0
        var lastActivity: Date
    }

    let store: any TicketStore
    let limits: AttachmentLimits
    let clock: any IntakeClock
    let partialDirectory: URL
    let filesDirectory: URL
    let idleTimeout: TimeInterval
    let logger: Logger
    var sessions: [SessionID: Session] = [:]

    public init(store: any TicketStore, directory: URL, limits: AttachmentLimits = AttachmentLimits(),
                clock: any IntakeClock = SystemClock(), idleTimeout: TimeInterval = 15 * 60,
                logger: Logger = Logger(label: "intake.attachments")) throws {
        self.store = store; self.limits = limits; self.clock = clock; self.idleTimeout = idleTimeout; self.logger = logger
        partialDirectory = directory.appendingPathComponent("partial", isDirectory: true)
        filesDirectory = directory.appendingPathComponent("files", isDirectory: true)
        try FileManager.default.createDirectory(at: partialDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: filesDirectory, withIntermediateDirectories: true)
    }

    /// Call once before serving: no session survives a restart, so every partial file is stale;
    /// complete files without a database record come from a crash between rename and commit.
    public func cleanUpOnStartup() async throws -> (stalePartialFiles: Int, orphanedFiles: Int) {
        let fm = FileManager.default
        try await expireUnclaimed()
        var partials = 0
        let openPartials = Set(sessions.values.map { $0.partialURL.lastPathComponent })
        for name in try fm.contentsOfDirectory(atPath: partialDirectory.path) where !openPartials.contains(name) {
            try fm.removeItem(at: partialDirectory.appendingPathComponent(name))
            partials += 1
        }
        let recorded = try await store.allAttachmentIDs()
        var orphans = 0
        for name in try fm.contentsOfDirectory(atPath: filesDirectory.path) where !recorded.contains(name) {
            try fm.removeItem(at: filesDirectory.appendingPathComponent(name))
            orphans += 1
        }
        if partials + orphans > 0 { logger.notice("removed \(partials) stale partial and \(orphans) orphaned attachment files") }
        return (partials, orphans)
    }

    /// `ticketID` nil: the attachment waits, for `limits.unclaimedRetention`, to be named in a
    /// submission by the same user; only those who may file tickets upload that way.
    public func beginUpload(ticketID: TicketID?, declaredSize: Int64, mediaType: String, fileName: String,
                            by principal: Principal) async throws -> SessionID {
        expireIdleSessions()
        try await expireUnclaimed()
        guard declaredSize > 0 else { throw IntakeError.invalidInput("declared size must be positive, got \(declaredSize)") }
        guard declaredSize <= limits.maxFileSize else {
            throw IntakeError.attachment(.tooLarge(declared: declaredSize, limit: limits.maxFileSize))
        }
        let type = mediaType.lowercased()
        guard limits.allowedMediaTypes.contains(type) else { throw IntakeError.attachment(.unsupportedMediaType(mediaType)) }
        try Self.validate(fileName: fileName)
        guard sessions.count < limits.maxOpenSessions else { throw IntakeError.attachment(.tooManySessions(limit: limits.maxOpenSessions)) }
        if let ticketID {
            _ = try await store.authorizeAttachment(to: ticketID, by: principal)
        } else {
            try ActionPolicy.authorizeUnattachedUpload(by: principal)
            // Early, so nobody sends megabytes to be refused; the store checks again atomically.
            let inProgress = sessions.values.count { $0.ticketID == nil && $0.owner.userID == principal.userID && $0.owner.role == principal.role }
            let waiting = try await store.unclaimedAttachmentCount(by: principal)
            guard waiting + inProgress < limits.maxUnclaimedPerUploader else {
                throw IntakeError.attachment(.tooManyUnclaimed(limit: limits.maxUnclaimedPerUploader))
            }
        }

        let id = UUID().uuidString.lowercased()
        let url = partialDirectory.appendingPathComponent(id + ".part")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw IntakeError.attachment(.ioFailure("cannot create \(url.lastPathComponent)"))
        }
        let handle = try FileHandle(forWritingTo: url)
        sessions[id] = Session(id: id, ticketID: ticketID, owner: principal, declaredSize: declaredSize, mediaType: type,
                               fileName: fileName, partialURL: url, handle: handle, lastActivity: clock.now())
        return id
    }

    /// Appends the next chunk; returns the bytes received so far. Going past the declared size
    /// discards the upload.
    @discardableResult
    public func appendChunk(_ chunk: Data, to sessionID: SessionID, by principal: Principal) throws -> Int64 {
        var session = try openSession(sessionID, principal)
        guard chunk.count <= limits.maxChunkSize else {
            throw IntakeError.attachment(.chunkTooLarge(size: chunk.count, limit: limits.maxChunkSize))
        }
        let total = session.received + Int64(chunk.count)
        guard total <= session.declaredSize else {
            discard(sessionID)
            throw IntakeError.attachment(.exceedsDeclaredSize(declared: session.declaredSize, received: total))
        }
        do { try session.handle.write(contentsOf: chunk) } catch {
            discard(sessionID)
            throw IntakeError.attachment(.ioFailure("write: \(error)"))
        }
        session.hasher.update(data: chunk)
        session.received = total
        session.lastActivity = clock.now()
        sessions[sessionID] = session
        return total
    }

    /// Completes the upload if size and hash match; the file is in place and recorded when this returns.
    /// `expectedSHA256` nil: the client did not give one, so only the size is checked.
    /// `once`: the call's idempotency key, and how to encode its reply, recorded with the attachment.
    public func finishUpload(_ sessionID: SessionID, expectedSHA256: String?, by principal: Principal,
                             once: UploadIdempotency? = nil) async throws -> AttachmentInfo {
        let session = try openSession(sessionID, principal)
        sessions[sessionID] = nil  // no further chunks, whatever happens next
        let partial = session.partialURL
        func fail(_ error: AttachmentError) throws -> Never {
            try? session.handle.close()
            try? FileManager.default.removeItem(at: partial)
            throw IntakeError.attachment(error)
        }
        guard session.received == session.declaredSize else {
            try fail(.sizeMismatch(declared: session.declaredSize, received: session.received))
        }
        let actual = LedgerHasher.hex(session.hasher.finalize())
        if let expected = expectedSHA256?.lowercased(), actual != expected { try fail(.hashMismatch(expected: expected, actual: actual)) }
        do {
            try session.handle.synchronize()
            try session.handle.close()
        } catch { try fail(.ioFailure("sync: \(error)")) }

        let final = filesDirectory.appendingPathComponent(session.id)
        do {
            try FileSystemOps.atomicRename(from: partial, to: final)
            try FileSystemOps.syncDirectory(filesDirectory)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw IntakeError.attachment(error)
        }
        let info = AttachmentInfo(id: session.id, ticketID: session.ticketID, mediaType: session.mediaType, fileName: session.fileName,
                                  size: session.received, sha256: actual, uploadedBy: principal.userID, createdAt: clock.now())
        do {
            let record = try once.map { IdempotentRecord(claim: $0.claim, reply: try $0.reply(info)) }
            if info.ticketID == nil {
                try await store.recordUnclaimedAttachment(info, by: principal, once: record, limit: limits.maxUnclaimedPerUploader)
            } else {
                try await store.recordAttachment(info, by: principal, once: record)
            }
        } catch {
            // Not recorded, so not attached: take the file back out.
            try? FileManager.default.removeItem(at: final)
            throw error
        }
        return info
    }

    /// Drops an upload; its partial file is removed. Unknown sessions are ignored (idempotent).
    public func abortUpload(_ sessionID: SessionID, by principal: Principal) {
        guard let session = sessions[sessionID], session.owner.userID == principal.userID else { return }
        discard(sessionID)
    }

    public var openSessionCount: Int { sessions.count }

    /// Reads up to `maxLength` bytes at `offset` of a stored attachment.
    public func readChunk(attachmentID: String, offset: Int64, maxLength: Int, for principal: Principal) async throws -> AttachmentChunk {
        let info = try await store.attachment(attachmentID, for: principal)
        guard offset >= 0, offset <= info.size else { throw IntakeError.invalidInput("offset \(offset) outside 0...\(info.size)") }
        guard maxLength > 0 else { throw IntakeError.invalidInput("maxLength must be positive") }
        let length = min(maxLength, limits.maxChunkSize, Int(info.size - offset))
        let url = filesDirectory.appendingPathComponent(info.id)
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            let data = length == 0 ? Data() : (try handle.read(upToCount: length) ?? Data())
            return AttachmentChunk(info: info, offset: offset, data: data, isLast: offset + Int64(data.count) >= info.size)
        } catch {
            throw IntakeError.attachment(.ioFailure("read \(info.id): \(error)"))
        }
    }

    // MARK: -

    func openSession(_ id: SessionID, _ principal: Principal) throws -> Session {
        guard let session = sessions[id] else { throw IntakeError.attachment(.unknownSession(id)) }
        guard session.owner.userID == principal.userID else {
            throw IntakeError.permissionDenied("upload session \(id) belongs to another user")
        }
        return session
    }

    func discard(_ id: SessionID) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        try? session.handle.close()
        try? FileManager.default.removeItem(at: session.partialURL)
    }

    /// Deletes attachments uploaded without a ticket that no submission named in time.
    func expireUnclaimed() async throws {
        let expired = try await store.expireUnclaimedAttachments(before: clock.now().addingTimeInterval(-limits.unclaimedRetention))
        for id in expired { try? FileManager.default.removeItem(at: filesDirectory.appendingPathComponent(id)) }
        if !expired.isEmpty { logger.notice("deleted \(expired.count) attachments no submission named within \(Int(limits.unclaimedRetention)) s") }
    }

    /// An upload the client stopped feeding (a dropped connection) is an interrupted upload.
    public func expireIdleSessions() {
        let cutoff = clock.now().addingTimeInterval(-idleTimeout)
        for (id, s) in sessions where s.lastActivity < cutoff { discard(id) }
    }

    static func validate(fileName: String) throws {
        guard !fileName.isEmpty, fileName.utf8.count <= 255 else {
            throw IntakeError.attachment(.invalidFileName("must be 1–255 bytes"))
        }
        guard !fileName.contains("/"), !fileName.contains("\\"), !fileName.contains("\0"), fileName != ".", fileName != ".." else {
            throw IntakeError.attachment(.invalidFileName("must not contain path separators"))
        }
    }
}

/// An upload made with an idempotency key: the key, and the reply to record with the attachment.
public struct UploadIdempotency: Sendable {
    public var claim: IdempotencyClaim
    public var reply: @Sendable (AttachmentInfo) throws -> [UInt8]
    public init(claim: IdempotencyClaim, reply: @escaping @Sendable (AttachmentInfo) throws -> [UInt8]) {
        self.claim = claim; self.reply = reply
    }
}

/// A piece of a stored attachment.
public struct AttachmentChunk: Sendable, Hashable {
    public var info: AttachmentInfo
    public var offset: Int64
    public var data: Data
    public var isLast: Bool
}
