import Foundation
import IntakeCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension IntakeService {
    func registerSubmission(_ router: inout RPCRouter) {
        // The reply is sent as the store recorded it for the idempotency key (encoded once, in
        // the write's transaction): a retry gets the same bytes, and nothing decodes and re-encodes it.
        router.unary(Township_Intake_V1_Intake.submitTicket.path, Township_Intake_V1_SubmitTicketRequest.self,
                     encoded: Township_Intake_V1_TicketActionResponse.self) { request, context in
            try await serve(context) { principal in
                let report = try Self.newTicket(request, principal: principal)
                // The request's own id, else the call's idempotency key: a retry of either finds the first ticket.
                let requestID = request.clientRequestID.isEmpty ? (context.idempotencyKey ?? "") : request.clientRequestID
                guard !requestID.isEmpty else {
                    throw ServiceError.invalidArgument(field: "client_request_id", "is required (it makes retries safe)")
                }
                // The client request id is an idempotency key of its own (spec §6 applies to it too).
                let claim = try idempotencyClaim(context, principal: principal, request: request, key: context.idempotencyKey ?? requestID)
                let reply = try await store.submit(report, by: principal, clientRequestID: requestID, once: claim, reply: actionReplyEncoder())
                return reply.bytes
            }
        }
    }

    static func newTicket(_ request: Township_Intake_V1_SubmitTicketRequest, principal: IntakeCore.Principal) throws -> NewTicket {
        let s = request.submission
        guard request.hasSubmission else { throw ServiceError.invalidArgument(field: "submission", "is required") }
        guard let channel = ProtoEnums.channel(s.channel) else {
            throw ServiceError.invalidArgument(field: "submission.channel", "is required")
        }
        guard !s.place.villageID.value.isEmpty else {
            throw ServiceError.invalidArgument(field: "submission.place.village_id", "is required")
        }
        // An empty name is an anonymous report (intake.proto's Reporter), as Open311 allows.
        for (i, id) in s.attachmentIds.enumerated() {
            try WireIDs.validate(id.value, field: "submission.attachment_ids[\(i)]")
        }
        var location: GeoPoint?
        if s.place.hasLocation { location = GeoPoint(latitude: s.place.location.latitude, longitude: s.place.location.longitude) }
        // A resident files as themselves; staff file on behalf of someone without an account.
        let reporterUser = principal.role == .resident ? principal.userID : nil
        return NewTicket(
            channel: channel,
            reporter: Reporter(
                name: request.reporter.name, phone: request.reporter.phone, userID: reporterUser,
                email: nonEmpty(request.reporter.email), deviceID: nonEmpty(request.reporter.deviceID), accountID: nonEmpty(request.reporter.accountID)),
            villageID: s.place.villageID.value,
            gridID: s.place.gridID.value.isEmpty ? nil : s.place.gridID.value,
            location: location,
            address: s.place.address.isEmpty ? nil : s.place.address,
            categoryID: s.categoryID.value.isEmpty ? nil : s.categoryID.value,
            description: s.problemDescription,
            priority: ProtoEnums.priority(s.priority) ?? .normal,
            attachmentIDs: s.attachmentIds.map(\.value),
            mediaURL: nonEmpty(s.mediaURL), addressID: nonEmpty(s.addressID), zipcode: nonEmpty(s.zipcode))
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
