import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC

extension IntakeService {
    /// The claim of a call made with an idempotency key (spec §6): scoped to the caller's TLS
    /// identity, the end user it acts for and the method; the request's digest tells a retry
    /// from a reuse of the key for another request.
    func idempotencyClaim(_ context: RPCContext, principal: IntakeCore.Principal, request: some SwiftProtobuf.Message,
                          key: String? = nil) throws -> IdempotencyClaim? {
        guard let key = key ?? context.idempotencyKey, !key.isEmpty else { return nil }
        let caller = context.peerIdentity ?? "-"
        return IdempotencyClaim(scope: "\(caller) \(principal.role.rawValue):\(principal.userID)", method: context.method, key: key,
                                request: try request.serializedBytes())
    }

    /// Encodes the answer of a submission or workflow action inside its write transaction, so
    /// the reply a retry gets is byte for byte the first one.
    func actionReplyEncoder() -> ActionReplyEncoder {
        let now = clock.now()
        return { outcome in
            var response = Township_Intake_V1_TicketActionResponse()
            response.ticket = TicketMapping.ticket(outcome.view, version: Int64(outcome.event.sequence), now: now)
            response.event = LedgerEventMapping.event(outcome.event)
            return try response.serializedBytes()
        }
    }
}
