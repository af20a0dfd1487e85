import Foundation

/// A stored photo, kiosk video or audio recording attached to a ticket.
public struct AttachmentInfo: Sendable, Hashable {
    public var id: String
    /// Nil while it waits to be named in a submission (uploaded without a ticket).
    public var ticketID: TicketID?
    public var mediaType: String
    public var fileName: String
    public var size: Int64
    /// Lowercase hex SHA-256 of the content.
    public var sha256: String
    public var uploadedBy: UserID
    public var createdAt: Date
}

/// Limits on what a peer may upload.
public struct AttachmentLimits: Sendable, Hashable {
    public var maxFileSize: Int64
    public var maxChunkSize: Int
    public var maxOpenSessions: Int
    public var allowedMediaTypes: Set<String>
    /// How long an attachment uploaded without a ticket waits to be named in a submission
    /// before it is deleted (intake.proto AttachmentUpload.ticket_id: 24 hours).
    public var unclaimedRetention: TimeInterval
    /// Uploads without a ticket one user may have waiting (stored or in progress): without it a
    /// peer could park files for `unclaimedRetention` without bound. One submission's worth.
    public var maxUnclaimedPerUploader: Int
    /// Attachments one submission may name (intake.proto Submission.attachment_ids).
    public static let maxPerSubmission = 20
    public init(maxFileSize: Int64 = 64 * 1024 * 1024, maxChunkSize: Int = 1024 * 1024, maxOpenSessions: Int = 256,
                allowedMediaTypes: Set<String> = AttachmentLimits.defaultMediaTypes, unclaimedRetention: TimeInterval = 24 * 3600,
                maxUnclaimedPerUploader: Int = AttachmentLimits.maxPerSubmission) {
        self.maxFileSize = maxFileSize; self.maxChunkSize = maxChunkSize
        self.maxOpenSessions = maxOpenSessions; self.allowedMediaTypes = allowedMediaTypes
        self.unclaimedRetention = unclaimedRetention
        self.maxUnclaimedPerUploader = maxUnclaimedPerUploader
    }
    public static let defaultMediaTypes: Set<String> = [
        "image/jpeg", "image/png", "image/heic", "image/webp",
        "video/mp4", "video/quicktime", "video/webm",
        "audio/mpeg", "audio/aac", "audio/amr", "audio/wav", "audio/ogg", "audio/mp4",
    ]
}

public enum AttachmentError: Error, Equatable, CustomStringConvertible {
    case tooLarge(declared: Int64, limit: Int64)
    case chunkTooLarge(size: Int, limit: Int)
    case exceedsDeclaredSize(declared: Int64, received: Int64)
    case sizeMismatch(declared: Int64, received: Int64)
    case hashMismatch(expected: String, actual: String)
    case unsupportedMediaType(String)
    case invalidFileName(String)
    case unknownSession(String)
    case tooManySessions(limit: Int)
    case tooManyUnclaimed(limit: Int)
    case ioFailure(String)

    public var description: String {
        switch self {
        case .tooLarge(let d, let l): "attachment: declared size \(d) bytes exceeds the limit of \(l) bytes"
        case .chunkTooLarge(let s, let l): "attachment: chunk of \(s) bytes exceeds the limit of \(l) bytes"
        case .exceedsDeclaredSize(let d, let r): "attachment: received \(r) bytes, more than the declared \(d); upload discarded"
        case .sizeMismatch(let d, let r): "attachment: received \(r) bytes but \(d) were declared; upload discarded"
        case .hashMismatch(let e, let a): "attachment: SHA-256 mismatch (expected \(e), got \(a)); upload discarded"
        case .unsupportedMediaType(let t): "attachment: media type '\(t)' is not accepted"
        case .invalidFileName(let why): "attachment: invalid file name: \(why)"
        case .unknownSession(let id): "attachment: no open upload session '\(id)' (finished, aborted or expired)"
        case .tooManySessions(let l): "attachment: too many open uploads (limit \(l))"
        case .tooManyUnclaimed(let l):
            "attachment: \(l) uploads without a ticket are already waiting for you; name them in a submission (or wait until they expire) before uploading more"
        case .ioFailure(let why): "attachment: storage failure: \(why)"
        }
    }
}
