import Crypto
import Foundation
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("Attachments over live RPC")
struct AttachmentsOverRPCTests {
    static func metadata(_ ticket: Township_Common_V1_TicketId, _ content: Data, sha: Data? = nil) -> Township_Intake_V1_UploadAttachmentRequest {
        var m = Township_Intake_V1_UploadAttachmentRequest()
        var meta = Township_Intake_V1_AttachmentUpload()
        meta.ticketID = ticket
        meta.fileName = "现场照片.jpg"
        meta.mediaType = "image/jpeg"
        meta.declaredSizeBytes = Int64(content.count)
        meta.expectedSha256 = sha ?? Data(SHA256.hash(data: content))
        m.metadata = meta
        return m
    }

    static func chunks(_ content: Data, size: Int = 10_000) -> [Township_Intake_V1_UploadAttachmentRequest] {
        stride(from: 0, to: content.count, by: size).map { start in
            var m = Township_Intake_V1_UploadAttachmentRequest()
            m.chunk = content.subdata(in: start..<min(start + size, content.count))
            return m
        }
    }

    static func content(_ n: Int) -> Data { Data((0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }) }

    func partialFiles(_ live: LiveIntake) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: live.attachmentsDirectory.appendingPathComponent("partial").path)) ?? []
    }

    @Test("upload in chunks, then download the same bytes")
    func uploadAndDownload() async throws {
        let live = try await LiveIntake()
        do {
            let id = try await live.submit().ticket.id
            let content = Self.content(150_000)
            let messages = [Self.metadata(id, content)] + Self.chunks(content)
            let uploaded = try await live.gateway.clientStreaming(
                Township_Intake_V1_Intake.uploadAttachment.path, messages.asStream, as: Township_Intake_V1_UploadAttachmentResponse.self,
                options: LiveIntake.options(Fixture.workerA))
            #expect(uploaded.attachment.sizeBytes == 150_000)
            let ticket = try await live.getTicket(id)
            #expect(ticket.ticket.attachments.map(\.id) == [uploaded.attachment.id])
            #expect(ticket.timeline.last?.action == .attach)

            var download = Township_Intake_V1_DownloadAttachmentRequest()
            download.attachmentID = uploaded.attachment.id
            var received = Data()
            var sawInfo = false
            for try await part in live.gateway.serverStreaming(Township_Intake_V1_Intake.downloadAttachment.path, download,
                                                               as: Township_Intake_V1_DownloadAttachmentResponse.self,
                                                               options: LiveIntake.options(Fixture.workerA)) {
                switch part.part {
                case .info(let info)?: sawInfo = true; #expect(info.sizeBytes == 150_000)
                case .chunk(let bytes)?: received.append(bytes)
                case nil: Issue.record("empty download message")
                }
            }
            #expect(sawInfo)
            #expect(received == content)
            // Someone who may not see the ticket may not download it either.
            let denied = await rpcFailure {
                for try await _ in live.gateway.serverStreaming(Township_Intake_V1_Intake.downloadAttachment.path, download,
                                                                 as: Township_Intake_V1_DownloadAttachmentResponse.self,
                                                                 options: LiveIntake.options(Fixture.workerB)) {}
            }
            #expect(denied?.status == .permissionDenied)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("a wrong digest, an oversize stream, or a cancelled upload attach nothing and leave no file")
    func refusedAndInterruptedUploads() async throws {
        let live = try await LiveIntake()
        do {
            let id = try await live.submit().ticket.id
            let content = Self.content(50_000)
            let path = Township_Intake_V1_Intake.uploadAttachment.path
            let wrongDigest = await rpcFailure {
                _ = try await live.gateway.clientStreaming(path, ([Self.metadata(id, content, sha: Data(repeating: 1, count: 32))] + Self.chunks(content)).asStream,
                                                           as: Township_Intake_V1_UploadAttachmentResponse.self, options: LiveIntake.options(Fixture.workerA))
            }
            #expect(wrongDigest?.reason == "ATTACHMENT_DIGEST_MISMATCH")
            let tooMuch = await rpcFailure {
                _ = try await live.gateway.clientStreaming(path, ([Self.metadata(id, Self.content(1000))] + Self.chunks(content)).asStream,
                                                           as: Township_Intake_V1_UploadAttachmentResponse.self, options: LiveIntake.options(Fixture.workerA))
            }
            // The server refuses while the client is still sending; the client may then see the
            // call end before it reads the error's details, so only the refusal is certain.
            #expect(tooMuch != nil)
            #expect(tooMuch?.reason == "ATTACHMENT_TOO_LARGE" || tooMuch?.reason == "")
            let chunkFirst = await rpcFailure {
                _ = try await live.gateway.clientStreaming(path, Self.chunks(content).asStream,
                                                           as: Township_Intake_V1_UploadAttachmentResponse.self, options: LiveIntake.options(Fixture.workerA))
            }
            #expect(chunkFirst != nil)
            #expect(chunkFirst?.reason == "UPLOAD_PROTOCOL_VIOLATION" || chunkFirst?.reason == "")

            // Cancel mid-upload: metadata and one chunk sent, then the client goes away.
            let (stream, continuation) = AsyncStream<Township_Intake_V1_UploadAttachmentRequest>.makeStream()
            continuation.yield(Self.metadata(id, content))
            continuation.yield(Self.chunks(content)[0])
            let upload = Task {
                try await live.gateway.clientStreaming(path, stream, as: Township_Intake_V1_UploadAttachmentResponse.self,
                                                       options: LiveIntake.options(Fixture.workerA))
            }
            // Wait until the server holds the partial file, then cancel the call.
            for _ in 0..<200 where partialFiles(live).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            #expect(partialFiles(live).count == 1)
            upload.cancel()
            _ = try? await upload.value
            for _ in 0..<300 where !partialFiles(live).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            #expect(partialFiles(live).isEmpty)
            #expect(await live.attachments.openSessionCount == 0)
            let ticket = try await live.getTicket(id)
            #expect(ticket.ticket.attachments.isEmpty)
            #expect(!ticket.timeline.contains { $0.action == .attach })
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: live.attachmentsDirectory.appendingPathComponent("files").path)) ?? []
            #expect(stored.isEmpty)
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence (client-streaming requests).
    var asStream: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
