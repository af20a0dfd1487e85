import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension IntakeService {
    func registerQueries(_ router: inout RPCRouter) {
        let methods = Township_Intake_V1_Intake.self
        router.unary(methods.listTickets.path, Township_Intake_V1_ListTicketsRequest.self, Township_Intake_V1_ListTicketsResponse.self) { req, ctx in
            try await serve(ctx) { principal in
                guard req.orderBy == .unspecified || req.orderBy == .createdDesc else {
                    throw ServiceError.invalidArgument(field: "order_by", "only TICKET_ORDER_CREATED_DESC (newest first) is supported")
                }
                let page = try await store.list(try FilterMapping.filter(req.filter), page: try FilterMapping.page(req.page), for: principal)
                let now = clock.now()
                var response = Township_Intake_V1_ListTicketsResponse()
                response.tickets = page.items.map { TicketMapping.ticket($0, version: page.versions[$0.ticket.id] ?? 0, now: now) }
                if let next = page.nextCursor { response.page.nextCursor = next }
                return response
            }
        }
        router.unary(methods.getTicket.path, Township_Intake_V1_GetTicketRequest.self, Township_Intake_V1_GetTicketResponse.self) { req, ctx in
            try await serve(ctx) { principal in
                let id: TicketID
                switch req.key {
                case .ticketID(let wire)?: id = try Self.ticketID(wire)
                case .number(let number)?:
                    guard !number.isEmpty, number.count <= 64 else { throw ServiceError.invalidArgument(field: "number", "must be 1–64 characters") }
                    guard let found = try await store.ticketID(number: number) else {
                        throw ServiceError.notFound(reason: "TICKET_NOT_FOUND", "not found: ticket number \(number)")
                    }
                    id = found
                case nil: throw ServiceError.invalidArgument(field: "key", "ticket_id or number is required")
                }
                let detail = try await store.ticket(id, for: principal)
                var response = Township_Intake_V1_GetTicketResponse()
                response.ticket = TicketMapping.ticket(detail.view, version: Int64(detail.timeline.count), now: clock.now())
                response.timeline = detail.timeline.map(LedgerEventMapping.event)
                return response
            }
        }
        router.unary(methods.getStatistics.path, Township_Intake_V1_GetStatisticsRequest.self, Township_Intake_V1_GetStatisticsResponse.self) { req, ctx in
            try await serve(ctx) { principal in
                var filter = IntakeCore.TicketFilter()
                if req.hasCreated { try TimeRangeMapping.apply(req.created, field: "created", to: &filter) }
                let figures = try await store.statistics(filter, for: principal)
                return StatisticsMapping.response(figures, range: req.hasCreated ? req.created : nil, now: clock.now())
            }
        }
        router.unary(methods.verifyLedger.path, Township_Intake_V1_VerifyLedgerRequest.self, Township_Intake_V1_VerifyLedgerResponse.self) { req, ctx in
            try await serve(ctx) { principal in
                try await verify(req, principal: principal)
            }
        }
    }

    /// One ticket's chain when a ticket is named; otherwise every ticket's, for leaders and admins.
    func verify(_ req: Township_Intake_V1_VerifyLedgerRequest, principal: IntakeCore.Principal) async throws -> Township_Intake_V1_VerifyLedgerResponse {
        var response = Township_Intake_V1_VerifyLedgerResponse()
        response.intact = true
        func check(_ id: TicketID) async throws -> Bool {
            let result = try await store.verifyLedger(id, for: principal)
            response.ticketsChecked += 1
            switch result {
            case .intact(let count, _):
                response.eventsChecked += Int64(count)
                return true
            case .broken(let sequence, let position, let reason):
                response.intact = false
                response.firstBrokenTicketID = TicketMapping.ticketID(id)
                response.firstBrokenPosition = position ?? 0
                response.problem = "ticket \(id), event \(sequence): \(reason)"
                return false
            }
        }
        if !req.ticketID.value.isEmpty {
            _ = try await check(try Self.ticketID(req.ticketID))
        } else {
            guard principal.role == .leader || principal.role == .admin else {
                throw ServiceError.permissionDenied("\(principal.role.rawValue) '\(principal.userID)' may verify single tickets only; the whole ledger is for leaders and admins")
            }
            var after: TicketID = 0
            scan: while true {
                let ids = try await store.ticketIDs(after: after, limit: 1_000)
                if ids.isEmpty { break }
                for id in ids {
                    let intact = try await check(id)
                    if !intact { break scan }
                }
                after = ids.last!
                try Task.checkCancellation()
            }
            // Each ticket's chain can be rewritten whole and consistently; the chain over all
            // events and the latest signed checkpoint cannot, without the key.
            if response.intact, case .broken(let position, let ticketID, let reason) = try await store.verifyGlobalChain() {
                response.intact = false
                response.firstBrokenPosition = position
                if let ticketID { response.firstBrokenTicketID = TicketMapping.ticketID(ticketID) }
                response.problem = String(reason.prefix(256))
            }
        }
        response.verifiedAt = TicketMapping.timestamp(clock.now())
        return response
    }
}
