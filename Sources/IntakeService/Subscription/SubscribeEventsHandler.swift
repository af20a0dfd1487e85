import Foundation
import Synchronization
import IntakeCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension IntakeService {
    /// SubscribeEvents: replays the ledger after `after_position`, then tails it live. Each
    /// message carries its position; a subscriber that reconnects with the last position it
    /// received gets every later event once, in order (the core's stream guarantees no gap).
    /// Without `after_position` the stream starts at the current head (live events only).
    func registerSubscription(_ router: inout RPCRouter) {
        router.serverStreaming(Township_Intake_V1_Intake.subscribeEvents.path, Township_Intake_V1_SubscribeEventsRequest.self,
                               Township_Intake_V1_SubscribeEventsResponse.self) { req, writer, ctx in
            try await serve(ctx) { principal in
                guard req.villageIds.count <= FilterMapping.maxListedValues, req.departmentIds.count <= FilterMapping.maxListedValues else {
                    throw ServiceError.invalidArgument(field: "village_ids", "at most \(FilterMapping.maxListedValues) values per list")
                }
                let head = try await store.ledgerHeadPosition()
                let start = req.hasAfterPosition ? req.afterPosition : head
                guard start >= 0 else { throw ServiceError.invalidArgument(field: "after_position", "must not be negative") }
                guard start <= head else {
                    throw ServiceError.make(.outOfRange, reason: "POSITION_AHEAD",
                                            "after_position \(start) is ahead of the ledger's head \(head)")
                }
                let villages = Set(req.villageIds.map(\.value))
                let departments = Set(req.departmentIds.map(\.value))
                let clock = self.clock
                let sent = Atomic<Int64>(start)
                let store = self.store
                // A subscription never ends on its own: when intake drains (an upgrade, a
                // restart) it ends with UNAVAILABLE and the position to resume from.
                try await ctx.endingWhenDraining({ "intake is shutting down; resume with after_position \(sent.load(ordering: .relaxed))" }) {
                    for try await event in try store.eventStream(after: start, for: principal) {
                        // The ticket as it is now, through the subscriber's own visibility.
                        let detail = try await store.ticket(event.ticketID, for: principal)
                        let ticket = detail.view.ticket
                        if !villages.isEmpty && !villages.contains(ticket.villageID) { continue }
                        if !departments.isEmpty && !departments.contains(ticket.departmentID ?? "") { continue }
                        var message = Township_Intake_V1_SubscribeEventsResponse()
                        message.position = event.position
                        message.event = LedgerEventMapping.event(event)
                        message.ticket = TicketMapping.ticket(detail.view, version: Int64(detail.timeline.count), now: clock.now())
                        try await writer.send(message)
                        sent.store(event.position, ordering: .relaxed)
                    }
                }
            }
        }
    }
}
