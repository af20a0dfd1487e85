import Foundation
import GRDB
import IntakeCore
import NIOCore
import SwiftProtobuf
import Testing
import TownshipProtos
import TownshipRPC

/// proto-spec §6: a call with an idempotency key is done once per (caller identity, principal,
/// method, key) within the retention; a retry of the same request gets the first reply.
@Suite("Idempotency keys over live RPC")
struct IdempotencyOverRPCTests {
    func call<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ live: LiveIntake, _ method: MethodDescriptor<Req, Resp>, _ request: Req, as principal: Township_Common_V1_Principal, key: String
    ) async throws -> Resp {
        try await live.gateway.unary(method.path, request, as: Resp.self, options: LiveIntake.options(principal, key: key))
    }

    func acceptRequest(_ id: Township_Common_V1_TicketId, note: String = "") -> Township_Intake_V1_AcceptTicketRequest {
        var r = Township_Intake_V1_AcceptTicketRequest(); r.ticketID = id; r.classification.categoryID.value = "pension"; r.note = note
        return r
    }

    func submitRequest(clientRequestID: String, description: String) -> Township_Intake_V1_SubmitTicketRequest {
        var request = Township_Intake_V1_SubmitTicketRequest()
        request.clientRequestID = clientRequestID
        request.reporter.name = "张三"; request.reporter.phone = "13812345678"
        request.submission.channel = .hotline12345
        request.submission.place.villageID.value = "V1"
        request.submission.problemDescription = description
        return request
    }

    @Test("a workflow action retried with the same key answers the first reply and acts once")
    func workflowRetry() async throws {
        let live = try await LiveIntake()
        do {
            let id = try await live.submit().ticket.id
            let accept = Township_Intake_V1_Intake.acceptTicket
            let first = try await call(live, accept, acceptRequest(id), as: Fixture.workerA, key: "accept-1")
            live.clock.advance(by: 60)
            let retry = try await call(live, accept, acceptRequest(id), as: Fixture.workerA, key: "accept-1")
            #expect(retry == first, "the retry answers the first reply, byte for byte")
            let timeline = try await live.getTicket(id).timeline
            #expect(timeline.map(\.action) == [.submit, .accept], "one ledger event for the two calls")

            // The same key with another request is the caller's mistake.
            let reused = await rpcFailure { _ = try await call(live, accept, acceptRequest(id, note: "另一个"), as: Fixture.workerA, key: "accept-1") }
            #expect(reused?.status == .invalidArgument)
            #expect(reused?.message.contains("idempotency key reused with a different request") == true, "\(reused?.message ?? "-")")

            // The key's scope holds the principal and the method: the same key by someone else,
            // or for another method, is a new call (here refused by the workflow, as it should be).
            let otherUser = await rpcFailure { _ = try await call(live, accept, acceptRequest(id), as: Fixture.leader, key: "accept-1") }
            #expect(otherUser?.status == .failedPrecondition)
            var dispatch = Township_Intake_V1_DispatchTicketRequest(); dispatch.ticketID = id; dispatch.departmentDispatch.departmentID.value = "dept-social"
            let dispatched = try await call(live, Township_Intake_V1_Intake.dispatchTicket, dispatch, as: Fixture.workerA, key: "accept-1")
            #expect(dispatched.ticket.status == .dispatched)

            // Keys are kept 24 hours: after that the same call is a new one.
            live.clock.advance(by: 24 * 3600 + 1)
            let expired = await rpcFailure { _ = try await call(live, accept, acceptRequest(id), as: Fixture.workerA, key: "accept-1") }
            #expect(expired?.status == .failedPrecondition)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("a submission retried with the same key files one ticket; another request under the key is refused")
    func submissionRetry() async throws {
        let live = try await LiveIntake()
        do {
            let request = submitRequest(clientRequestID: "client-7", description: "路灯不亮")
            let submit = Township_Intake_V1_Intake.submitTicket
            let first = try await call(live, submit, request, as: Fixture.admin, key: "submit-1")
            let retry = try await call(live, submit, request, as: Fixture.admin, key: "submit-1")
            #expect(retry == first)
            var changed = request
            changed.submission.problemDescription = "井盖缺失"
            let reused = await rpcFailure { _ = try await call(live, submit, changed, as: Fixture.admin, key: "submit-1") }
            #expect(reused?.status == .invalidArgument)
            // Without a metadata key, client_request_id is the key, with the same rules.
            var other = request
            other.clientRequestID = "client-8"
            let second = try await live.call(submit, other, as: Fixture.admin)
            #expect(try await live.call(submit, other, as: Fixture.admin) == second)
            other.submission.problemDescription = "井盖缺失"
            let byRequestID = await rpcFailure { _ = try await live.call(submit, other, as: Fixture.admin) }
            #expect(byRequestID?.status == .invalidArgument)
            let list = try await live.call(Township_Intake_V1_Intake.listTickets, Township_Intake_V1_ListTicketsRequest(), as: Fixture.admin)
            #expect(list.tickets.count == 2)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("a submission's reply on the wire is the reply recorded for its key, byte for byte, first and retried")
    func submissionReplyBytes() async throws {
        let live = try await LiveIntake()
        do {
            let request = submitRequest(clientRequestID: "client-bytes", description: "井盖缺失")
            let payload = ByteBuffer(bytes: try request.serializedBytes() as [UInt8])
            let path = Township_Intake_V1_Intake.submitTicket.path
            let options = LiveIntake.options(Fixture.admin, key: "submit-bytes")
            let first = Array(try await live.gateway.unary(path, payload, options: options).readableBytesView)
            let retry = Array(try await live.gateway.unary(path, payload, options: options).readableBytesView)
            let recorded = try await DatabaseQueue(path: live.databasePath).read { db in
                try [UInt8](Data.fetchAll(db, sql: "SELECT reply FROM idempotent_call").first ?? Data())
            }
            #expect(!recorded.isEmpty)
            #expect(first == recorded, "the first reply is the recorded bytes")
            #expect(retry == recorded, "the retry answers the same bytes")
            #expect(try Township_Intake_V1_TicketActionResponse(serializedBytes: first).ticket.submission.problemDescription == "井盖缺失")
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("an upload retried with the same key attaches once and answers the first reply")
    func uploadRetry() async throws {
        let live = try await LiveIntake()
        do {
            let id = try await live.submit().ticket.id
            let content = AttachmentsOverRPCTests.content(30_000)
            let path = Township_Intake_V1_Intake.uploadAttachment.path
            func upload(_ metadata: Township_Intake_V1_UploadAttachmentRequest) async throws -> Township_Intake_V1_UploadAttachmentResponse {
                try await live.gateway.clientStreaming(path, ([metadata] + AttachmentsOverRPCTests.chunks(content)).asStream,
                                                       as: Township_Intake_V1_UploadAttachmentResponse.self,
                                                       options: LiveIntake.options(Fixture.workerA, key: "upload-1"))
            }
            let metadata = AttachmentsOverRPCTests.metadata(id, content)
            let first = try await upload(metadata)
            let retry = try await upload(metadata)
            #expect(retry == first)
            let ticket = try await live.getTicket(id)
            #expect(ticket.ticket.attachments.map(\.id) == [first.attachment.id])
            #expect(ticket.timeline.filter { $0.action == .attach }.count == 1)
            var renamed = metadata
            renamed.metadata.fileName = "另一张.jpg"
            let reused = await rpcFailure { _ = try await upload(renamed) }
            #expect(reused?.status == .invalidArgument)
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
