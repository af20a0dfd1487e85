import Hummingbird
import SwiftProtobuf
import TownshipProtos
import TownshipRoles

/// Who may call what at the gateway (canteen.proto's table); the service checks again on its
/// data: an operator only at the canteens that list them, a resident only for an elder they
/// are a family member of.
public enum CanteenRoles {
    /// The civil-affairs office and admins: elders, cards, canteens, settlements.
    public static let manage: Set<GatewayRole> = [.departmentStaff, .admin]
    /// Canteen staff at the counter.
    public static let counter: Set<GatewayRole> = [.canteenOperator, .admin]
    /// Menus and the day's reservations.
    public static let kitchen: Set<GatewayRole> = [.canteenOperator, .departmentStaff, .admin]
    /// Ordering a meal for an elder: families, the canteen (phone orders), staff.
    public static let order: Set<GatewayRole> = [.resident, .canteenOperator, .departmentStaff, .admin]
    /// Figures, coverage, siting, settlements.
    public static let figures: Set<GatewayRole> = [.leader, .departmentStaff, .admin]
    /// Canteens, menus, the subsidy table.
    public static let participants: Set<GatewayRole> = [.leader, .departmentStaff, .canteenOperator, .resident, .admin]
    /// One elder: everyone above but a resident only for their own elder (checked by the service).
    public static let readElder: Set<GatewayRole> = participants
}

extension CanteenBackend {
    public func addRoutes(to table: RouteTable) {
        let api = Township_Canteen_V1_CanteenMeals.self
        let base = "/api/canteen-meals"
        // Families, the counter, staff.
        table.add(.get, "\(base)/canteens", roles: CanteenRoles.participants) { _, _, user in
            var request = Township_Canteen_V1_ListCanteensRequest()
            request.page.pageSize = 500
            return try ProtoJSON.response(try await call(api.listCanteens, request, for: user))
        }
        table.add(.get, "\(base)/subsidy-table", roles: CanteenRoles.participants) { _, _, user in
            try ProtoJSON.response(try await call(api.getSubsidyTable, .init(), for: user))
        }
        table.add(.get, "\(base)/canteens/{id}/menu", roles: CanteenRoles.participants) { request, context, user in
            var body = Township_Canteen_V1_GetMenuRequest()
            body.canteenID.value = try context.parameters.require("id")
            if let day = request.uri.queryParameters.get("day") { body.day = try CanteenQuery.day(day) }
            return try ProtoJSON.response(try await call(api.getMenu, body, for: user))
        }
        table.add(.put, "\(base)/canteens/{id}/menu", roles: CanteenRoles.kitchen) { request, context, user in
            var body = try await ProtoJSON.decode(Township_Canteen_V1_PutMenuRequest.self, from: request, context: context)
            body.menu.canteenID.value = try CanteenQuery.sameID(body.menu.canteenID.value, context)
            return try ProtoJSON.response(try await call(api.putMenu, body, for: user))
        }
        table.add(.get, "\(base)/canteens/{id}/reservations", roles: CanteenRoles.kitchen.union([.leader])) { request, context, user in
            var body = Township_Canteen_V1_ListReservationsRequest()
            body.canteenID.value = try context.parameters.require("id")
            if let day = request.uri.queryParameters.get("day") { body.day = try CanteenQuery.day(day) }
            if let cursor = request.uri.queryParameters.get("cursor") { body.page.cursor = cursor }
            return try ProtoJSON.response(try await call(api.listReservations, body, for: user))
        }
        table.add(.post, "\(base)/canteens/{id}/check-ins", roles: CanteenRoles.counter) { request, context, user in
            var body = try await ProtoJSON.decode(Township_Canteen_V1_CheckInRequest.self, from: request, context: context)
            body.canteenID.value = try CanteenQuery.sameID(body.canteenID.value, context)
            guard !body.clientRequestID.isEmpty else {
                throw GatewayError.badRequest("client_request_id is required (a UUID chosen by the till, so a retry records one meal)")
            }
            return try ProtoJSON.response(try await call(api.checkIn, body, for: user), status: .created)
        }
        table.add(.post, "\(base)/canteens/{id}/no-shows", roles: CanteenRoles.counter) { request, context, user in
            var body = try await ProtoJSON.decode(Township_Canteen_V1_RecordNoShowsRequest.self, from: request, context: context)
            body.canteenID.value = try CanteenQuery.sameID(body.canteenID.value, context)
            return try ProtoJSON.response(try await call(api.recordNoShows, body, for: user))
        }
        table.add(.post, "\(base)/reservations", roles: CanteenRoles.order) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Canteen_V1_ReserveMealRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(api.reserveMeal, body, for: user), status: .created)
        }
        table.add(.post, "\(base)/reservations/{id}/cancel", roles: CanteenRoles.order) { _, context, user in
            var body = Township_Canteen_V1_CancelReservationRequest()
            body.reservationID.value = try context.parameters.require("id")
            return try ProtoJSON.response(try await call(api.cancelReservation, body, for: user))
        }
        table.add(.get, "\(base)/elders/{id}", roles: CanteenRoles.readElder) { _, context, user in
            var body = Township_Canteen_V1_GetElderRequest()
            body.elderID.value = try context.parameters.require("id")
            return try ProtoJSON.response(try await call(api.getElder, body, for: user))
        }
        // The civil-affairs office.
        table.add(.post, "\(base)/elders", roles: CanteenRoles.manage) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Canteen_V1_RegisterElderRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(api.registerElder, body, for: user), status: .created)
        }
        table.add(.post, "\(base)/settlements", roles: CanteenRoles.manage) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Canteen_V1_IssueSettlementRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(api.issueSettlement, body, for: user, timeout: .seconds(60)), status: .created)
        }
        // Leaders.
        table.add(.get, "\(base)/settlements/{id}", roles: CanteenRoles.figures) { _, context, user in
            var body = Township_Canteen_V1_GetSettlementRequest()
            body.settlementID.value = try context.parameters.require("id")
            return try ProtoJSON.response(try await call(api.getSettlement, body, for: user))
        }
        table.add(.get, "\(base)/figures", roles: CanteenRoles.figures) { request, _, user in
            var body = Township_Canteen_V1_GetMealFiguresRequest()
            if let day = request.uri.queryParameters.get("day") { body.day = try CanteenQuery.day(day) }
            return try ProtoJSON.response(try await call(api.getMealFigures, body, for: user))
        }
        table.add(.get, "\(base)/coverage", roles: CanteenRoles.figures) { request, _, user in
            var body = Township_Canteen_V1_GetCoverageRequest()
            if let limit = request.uri.queryParameters.get("uncovered") {
                guard let value = Int32(limit), (0...500).contains(value) else { throw GatewayError.badRequest("uncovered must be within 0...500") }
                body.uncoveredLimit = value
            }
            return try ProtoJSON.response(try await call(api.getCoverage, body, for: user))
        }
        table.add(.post, "\(base)/sites", roles: CanteenRoles.figures) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Canteen_V1_ProposeSitesRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(api.proposeSites, body, for: user, timeout: .seconds(60)))
        }
    }
}

/// Query and path parameters of the canteen routes.
enum CanteenQuery {
    /// "YYYY-MM-DD" as a LocalDate (the service checks it is a real day).
    static func day(_ text: String) throws -> Township_Common_V1_LocalDate {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let y = Int32(parts[0]), let m = Int32(parts[1]), let d = Int32(parts[2]) else {
            throw GatewayError.badRequest("day must be YYYY-MM-DD, not '\(text.prefix(32))'")
        }
        var date = Township_Common_V1_LocalDate()
        date.year = y; date.month = m; date.day = d
        return date
    }

    /// The canteen id from the URL; a different one in the body is refused.
    static func sameID(_ inBody: String, _ context: GatewayRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        if !inBody.isEmpty, inBody != id {
            throw GatewayError.badRequest("canteen_id in the body (\(inBody.prefix(64))) differs from the URL (\(id))")
        }
        return id
    }
}
