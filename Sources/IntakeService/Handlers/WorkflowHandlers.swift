import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension IntakeService {
    func registerWorkflow(_ router: inout RPCRouter) {
        typealias R = Township_Intake_V1_TicketActionResponse
        let methods = Township_Intake_V1_Intake.self
        router.unary(methods.acceptTicket.path, Township_Intake_V1_AcceptTicketRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in
                let c = req.classification
                guard !c.categoryID.value.isEmpty else {
                    throw ServiceError.invalidArgument(field: "classification.category_id", "is required")
                }
                return .accept(Classification(
                    categoryID: c.categoryID.value,
                    villageID: c.place.villageID.value.isEmpty ? nil : c.place.villageID.value,
                    gridID: c.place.gridID.value.isEmpty ? nil : c.place.gridID.value,
                    priority: ProtoEnums.priority(c.priority)))
            }
        }
        router.unary(methods.rejectTicket.path, Township_Intake_V1_RejectTicketRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, "") { _ in
                .reject(reason: req.rejection.reason.isEmpty ? req.note : req.rejection.reason)
            }
        }
        router.unary(methods.markDuplicate.path, Township_Intake_V1_MarkDuplicateRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in
                .linkDuplicate(of: try Self.ticketID(req.duplicateLink.originalID, field: "duplicate_link.original_id"))
            }
        }
        router.unary(methods.resolveAtVillage.path, Township_Intake_V1_ResolveAtVillageRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in .resolveAtVillage }
        }
        router.unary(methods.dispatchTicket.path, Township_Intake_V1_DispatchTicketRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in
                let department = req.departmentDispatch.departmentID.value
                guard !department.isEmpty else {
                    throw ServiceError.invalidArgument(field: "department_dispatch.department_id", "is required")
                }
                return .dispatch(to: department)
            }
        }
        router.unary(methods.signTicket.path, Township_Intake_V1_SignTicketRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in .sign }
        }
        router.unary(methods.returnTicket.path, Township_Intake_V1_ReturnTicketRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, "") { _ in
                let r = req.returnToTriage
                let reason = [r.reason == .unspecified ? "" : "\(r.reason)", r.explanation, req.note]
                    .filter { !$0.isEmpty }.joined(separator: ": ")
                return .returnToTriage(reason: reason)
            }
        }
        router.unary(methods.startHandling.path, Township_Intake_V1_StartHandlingRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in .startHandling }
        }
        router.unary(methods.replyTicket.path, Township_Intake_V1_ReplyTicketRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in
                guard let outcome = ProtoEnums.outcome(req.reply.outcome) else {
                    throw ServiceError.invalidArgument(field: "reply.outcome", "is required")
                }
                return .reply(outcome: outcome, result: req.reply.result)
            }
        }
        router.unary(methods.recordFollowUp.path, Township_Intake_V1_RecordFollowUpRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in
                let comment = req.followUp.comment.isEmpty ? nil : req.followUp.comment
                switch req.followUp.result {
                case .satisfied: return .followUp(satisfied: true, comment: comment)
                case .dissatisfied: return .followUp(satisfied: false, comment: comment)
                case .unreachable:
                    throw ServiceError.invalidArgument(field: "follow_up.result",
                                                       "UNREACHABLE is not recorded as a follow-up: call the resident again")
                case .unspecified, .UNRECOGNIZED:
                    throw ServiceError.invalidArgument(field: "follow_up.result", "is required")
                }
            }
        }
        router.unary(methods.closeTicket.path, Township_Intake_V1_CloseTicketRequest.self, R.self) { req, ctx in
            try await perform(ctx, req, req.ticketID, req.hasExpectedVersion ? req.expectedVersion : nil, req.note) { _ in .close }
        }
    }

    /// One workflow step: resolve the principal, build the action, check the version the caller
    /// expects, let the core decide, answer with the ticket and its new event.
    /// With an idempotency key, a retry of the same request answers the first reply (spec §6).
    func perform(_ context: RPCContext, _ request: some SwiftProtobuf.Message, _ wireID: Township_Common_V1_TicketId,
                 _ expectedVersion: Int64?, _ note: String,
                 _ action: (IntakeCore.Principal) throws -> TicketAction) async throws -> Township_Intake_V1_TicketActionResponse {
        try await serve(context) { principal in
            let id = try Self.ticketID(wireID)
            let step = try action(principal)
            let claim = try idempotencyClaim(context, principal: principal, request: request)
            let reply = try await store.perform(step, on: id, note: note.isEmpty ? nil : note, expectedVersion: expectedVersion,
                                                by: principal, once: claim, reply: actionReplyEncoder())
            return try Township_Intake_V1_TicketActionResponse(serializedBytes: reply.bytes)
        }
    }
}
