import Crypto
import Foundation
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

/// intake.proto AttachmentUpload.ticket_id is optional: an upload without it waits to be named
/// in a SubmitTicket by the same user, and is deleted if none names it within 24 hours.
@Suite("Attachments uploaded before their ticket")
struct UnclaimedAttachmentsOverRPCTests {
    func upload(_ live: LiveIntake, _ content: Data, as principal: Township_Common_V1_Principal, withDigest: Bool = true) async throws -> Township_Intake_V1_AttachmentInfo {
        var first = AttachmentsOverRPCTests.metadata(Township_Common_V1_TicketId(), content)
        if !withDigest { first.metadata.expectedSha256 = Data() }
        let messages = [first] + AttachmentsOverRPCTests.chunks(content)
        return try await live.gateway.clientStreaming(
            Township_Intake_V1_Intake.uploadAttachment.path, messages.asStream, as: Township_Intake_V1_UploadAttachmentResponse.self,
            options: LiveIntake.options(principal)).attachment
    }

    func submission(naming ids: [Township_Common_V1_AttachmentId], requestID: String) -> Township_Intake_V1_SubmitTicketRequest {
        var req = Township_Intake_V1_SubmitTicketRequest()
        req.clientRequestID = requestID
        req.reporter.name = "张三"; req.reporter.phone = "13812345678"
        req.submission.channel = .gridPhoto
        req.submission.place.villageID.value = "V1"
        req.submission.problemDescription = "路面塌陷"
        req.submission.attachmentIds = ids
        return req
    }

    @Test("an upload without a ticket is attached by the submission that names it, and by no other")
    func claimedBySubmission() async throws {
        let live = try await LiveIntake()
        do {
            let photo = try await upload(live, AttachmentsOverRPCTests.content(20_000), as: Fixture.workerA)
            // Without a digest only the size is checked (expected_sha256 empty).
            let audio = try await upload(live, AttachmentsOverRPCTests.content(3_000), as: Fixture.workerA, withDigest: false)
            #expect(audio.sizeBytes == 3_000)
            // Someone else cannot claim it.
            let stolen = await rpcFailure {
                _ = try await live.call(Township_Intake_V1_Intake.submitTicket, submission(naming: [photo.id], requestID: "b-1"), as: Fixture.leader)
            }
            #expect(stolen?.status == .notFound && stolen?.reason == "ATTACHMENT_NOT_FOUND")
            let filed = try await live.call(Township_Intake_V1_Intake.submitTicket, submission(naming: [photo.id, audio.id], requestID: "a-1"),
                                            as: Fixture.workerA)
            #expect(filed.ticket.attachments.map(\.id) == [photo.id, audio.id] || filed.ticket.attachments.map(\.id) == [audio.id, photo.id])
            let stored = try await live.getTicket(filed.ticket.id)
            #expect(Set(stored.ticket.attachments.map(\.id.value)) == [photo.id.value, audio.id.value])
            // An attachment belongs to one ticket only.
            let again = await rpcFailure {
                _ = try await live.call(Township_Intake_V1_Intake.submitTicket, submission(naming: [photo.id], requestID: "a-2"), as: Fixture.workerA)
            }
            #expect(again?.status == .invalidArgument)
            #expect(again?.message.contains("already belongs to a ticket") == true)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    /// Without a cap a peer could park files for 24 hours without bound.
    @Test("a user may have one submission's worth of uploads waiting; the next is refused, another user is not")
    func waitingUploadsAreCapped() async throws {
        let live = try await LiveIntake()
        do {
            for _ in 0..<20 { _ = try await upload(live, AttachmentsOverRPCTests.content(100), as: Fixture.workerA) }
            let refused = await rpcFailure { _ = try await upload(live, AttachmentsOverRPCTests.content(100), as: Fixture.workerA) }
            #expect(refused?.status == .resourceExhausted, "\(String(describing: refused))")
            #expect(refused?.message.contains("20 uploads without a ticket") == true)
            let files = try FileManager.default.contentsOfDirectory(atPath: live.attachmentsDirectory.appendingPathComponent("files").path)
            #expect(files.count == 20, "the refused upload left no file")
            _ = try await upload(live, AttachmentsOverRPCTests.content(100), as: Fixture.workerB)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("an upload no submission names within 24 hours is deleted")
    func unclaimedExpire() async throws {
        let live = try await LiveIntake()
        do {
            let photo = try await upload(live, AttachmentsOverRPCTests.content(5_000), as: Fixture.workerA)
            let files = live.attachmentsDirectory.appendingPathComponent("files")
            #expect(FileManager.default.fileExists(atPath: files.appendingPathComponent(photo.id.value).path))
            live.clock.advance(by: 24 * 3600 + 1)
            _ = try await live.attachments.cleanUpOnStartup()
            #expect(!FileManager.default.fileExists(atPath: files.appendingPathComponent(photo.id.value).path))
            let late = await rpcFailure {
                _ = try await live.call(Township_Intake_V1_Intake.submitTicket, submission(naming: [photo.id], requestID: "late"), as: Fixture.workerA)
            }
            #expect(late?.status == .notFound)
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
