import Foundation
import IntakeCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension IntakeService {
    static let downloadChunkSize = 64 * 1024

    func registerAttachments(_ router: inout RPCRouter) {
        router.clientStreaming(Township_Intake_V1_Intake.uploadAttachment.path, Township_Intake_V1_UploadAttachmentRequest.self,
                               Township_Intake_V1_UploadAttachmentResponse.self) { requests, ctx in
            try await serve(ctx) { principal in
                try await upload(requests, context: ctx, principal: principal)
            }
        }
        router.serverStreaming(Township_Intake_V1_Intake.downloadAttachment.path, Township_Intake_V1_DownloadAttachmentRequest.self,
                               Township_Intake_V1_DownloadAttachmentResponse.self) { req, writer, ctx in
            try await serve(ctx) { principal in
                try await download(req, writer: writer, principal: principal)
            }
        }
    }

    /// Metadata first, then chunks; size and SHA-256 are checked before anything is recorded.
    /// Any failure, a cancelled call or a dropped connection included, aborts the session: the
    /// partial file is removed and nothing is attached.
    func upload(_ requests: RPCRequestStream<Township_Intake_V1_UploadAttachmentRequest>, context: RPCContext,
                principal: IntakeCore.Principal) async throws -> Township_Intake_V1_UploadAttachmentResponse {
        var iterator = requests.makeAsyncIterator()
        guard let first = try await iterator.next(), case .metadata(let meta)? = first.part else {
            throw ServiceError.make(.invalidArgument, reason: "UPLOAD_PROTOCOL_VIOLATION", "the first message must carry the attachment's metadata",
                                    violations: [(field: "metadata", description: "is required first")])
        }
        // Empty: the client does not know the digest, and only the size is checked (intake.proto).
        guard meta.expectedSha256.isEmpty || meta.expectedSha256.count == 32 else {
            throw ServiceError.invalidArgument(field: "metadata.expected_sha256", "must be empty or the 32-byte SHA-256 of the content")
        }
        // With an idempotency key, the metadata message is the request: a retry gets the first
        // reply, a reuse of the key for other metadata INVALID_ARGUMENT. Either way the bytes the
        // client sends are read and dropped first (up to the declared size), so the answer
        // reaches it as the call's result rather than as a stream cut short.
        let claim = try idempotencyClaim(context, principal: principal, request: first)
        if let claim {
            let recorded: [UInt8]?
            do { recorded = try await store.recordedReply(for: claim) } catch {
                try await Self.drop(&iterator, upTo: meta.declaredSizeBytes)
                throw error
            }
            if let recorded {
                try await Self.drop(&iterator, upTo: meta.declaredSizeBytes)
                return try Township_Intake_V1_UploadAttachmentResponse(serializedBytes: recorded)
            }
        }
        // Absent: the attachment waits to be named in a submission by the same user.
        var ticketID: TicketID?
        if !meta.ticketID.value.isEmpty { ticketID = try Self.ticketID(meta.ticketID, field: "metadata.ticket_id") }
        let session = try await attachments.beginUpload(ticketID: ticketID, declaredSize: meta.declaredSizeBytes,
                                                        mediaType: meta.mediaType, fileName: meta.fileName, by: principal)
        do {
            while let message = try await iterator.next() {
                guard case .chunk(let bytes)? = message.part else {
                    throw ServiceError.make(.invalidArgument, reason: "UPLOAD_PROTOCOL_VIOLATION", "metadata may be sent only once, first")
                }
                try await attachments.appendChunk(bytes, to: session, by: principal)
            }
            try Task.checkCancellation()
            let expected = meta.expectedSha256.isEmpty ? nil : Hex.encode(meta.expectedSha256)
            let once = claim.map { claim in
                UploadIdempotency(claim: claim) { info in
                    var response = Township_Intake_V1_UploadAttachmentResponse()
                    response.attachment = TicketMapping.attachment(info)
                    return try response.serializedBytes()
                }
            }
            let info = try await attachments.finishUpload(session, expectedSHA256: expected, by: principal, once: once)
            var response = Township_Intake_V1_UploadAttachmentResponse()
            response.attachment = TicketMapping.attachment(info)
            return response
        } catch {
            await attachments.abortUpload(session, by: principal)
            throw error
        }
    }

    /// Reads the rest of an upload without keeping it; more than `limit` bytes is refused.
    static func drop(_ iterator: inout RPCRequestStream<Township_Intake_V1_UploadAttachmentRequest>.AsyncIterator, upTo limit: Int64) async throws {
        var received: Int64 = 0
        while let message = try await iterator.next() {
            if case .chunk(let bytes)? = message.part { received += Int64(bytes.count) }
            guard received <= limit else { throw IntakeError.attachment(.exceedsDeclaredSize(declared: limit, received: received)) }
        }
    }

    func download(_ req: Township_Intake_V1_DownloadAttachmentRequest, writer: RPCResponseWriter<Township_Intake_V1_DownloadAttachmentResponse>,
                  principal: IntakeCore.Principal) async throws {
        let id = req.attachmentID.value
        try WireIDs.validate(id, field: "attachment_id")
        guard req.offset >= 0 else { throw ServiceError.invalidArgument(field: "offset", "must not be negative") }
        var offset = req.offset
        var chunk = try await attachments.readChunk(attachmentID: id, offset: offset, maxLength: Self.downloadChunkSize, for: principal)
        var head = Township_Intake_V1_DownloadAttachmentResponse()
        head.info = TicketMapping.attachment(chunk.info)
        try await writer.send(head)
        while !chunk.data.isEmpty {
            var message = Township_Intake_V1_DownloadAttachmentResponse()
            message.chunk = chunk.data
            try await writer.send(message)
            offset += Int64(chunk.data.count)
            if chunk.isLast { break }
            chunk = try await attachments.readChunk(attachmentID: id, offset: offset, maxLength: Self.downloadChunkSize, for: principal)
        }
    }
}
