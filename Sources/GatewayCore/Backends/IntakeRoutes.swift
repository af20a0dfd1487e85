import TownshipRoles
import Hummingbird
import SwiftProtobuf
import TownshipProtos

/// The workflow requests that name one ticket; the gateway puts the id from the URL in them.
protocol TicketActionRequest: Message {
    var ticketID: Township_Common_V1_TicketId { get set }
    var hasTicketID: Bool { get }
}

extension Township_Intake_V1_AcceptTicketRequest: TicketActionRequest {}
extension Township_Intake_V1_RejectTicketRequest: TicketActionRequest {}
extension Township_Intake_V1_MarkDuplicateRequest: TicketActionRequest {}
extension Township_Intake_V1_ResolveAtVillageRequest: TicketActionRequest {}
extension Township_Intake_V1_DispatchTicketRequest: TicketActionRequest {}
extension Township_Intake_V1_SignTicketRequest: TicketActionRequest {}
extension Township_Intake_V1_ReturnTicketRequest: TicketActionRequest {}
extension Township_Intake_V1_StartHandlingRequest: TicketActionRequest {}
extension Township_Intake_V1_ReplyTicketRequest: TicketActionRequest {}
extension Township_Intake_V1_RecordFollowUpRequest: TicketActionRequest {}
extension Township_Intake_V1_CloseTicketRequest: TicketActionRequest {}

/// Who may do what at the gateway. The intake service checks again, on its data (a grid
/// worker's own village, the department a ticket is dispatched to, a resident's own tickets).
public enum IntakeRoles {
    public static let submit: Set<GatewayRole> = [.resident, .gridWorker, .leader, .admin]
    public static let read: Set<GatewayRole> = [.resident, .gridWorker, .departmentStaff, .leader, .admin]
    public static let triage: Set<GatewayRole> = [.gridWorker, .leader, .admin]
    public static let department: Set<GatewayRole> = [.departmentStaff]
    public static let handle: Set<GatewayRole> = [.departmentStaff, .gridWorker]
    public static let followUpAndClose: Set<GatewayRole> = [.gridWorker, .leader, .admin]
    public static let figures: Set<GatewayRole> = [.leader, .admin]
}

extension IntakeBackend {
    public func addRoutes(to table: RouteTable) {
        let intake = Township_Intake_V1_Intake.self
        table.add(.post, "/api/intake/tickets", roles: IntakeRoles.submit) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Intake_V1_SubmitTicketRequest.self, from: request, context: context)
            guard !body.clientRequestID.isEmpty else {
                throw GatewayError.badRequest("client_request_id is required (a UUID chosen by the client, so retries do not file twice)")
            }
            let response = try await call(intake.submitTicket, body, for: user, idempotencyKey: body.clientRequestID)
            return try ProtoJSON.response(response, status: .created)
        }
        table.add(.get, "/api/intake/tickets", roles: IntakeRoles.read) { request, _, user in
            let response = try await call(intake.listTickets, try TicketQuery.request(from: request.uri.queryParameters), for: user)
            return try ProtoJSON.response(response)
        }
        table.add(.get, "/api/intake/tickets/{id}", roles: IntakeRoles.read) { request, context, user in
            let key = try context.parameters.require("id")
            var body = Township_Intake_V1_GetTicketRequest()
            if key.wholeMatch(of: /[0-9]{4}-[0-9]{6,}/) != nil { body.number = key } else { body.ticketID.value = key }
            return try ProtoJSON.response(try await call(intake.getTicket, body, for: user))
        }
        action("accept", intake.acceptTicket, IntakeRoles.triage, table)
        action("reject", intake.rejectTicket, IntakeRoles.triage, table)
        action("duplicate", intake.markDuplicate, IntakeRoles.triage, table)
        action("resolve-at-village", intake.resolveAtVillage, IntakeRoles.triage, table)
        action("dispatch", intake.dispatchTicket, IntakeRoles.triage, table)
        action("sign", intake.signTicket, IntakeRoles.department, table)
        action("return", intake.returnTicket, IntakeRoles.department, table)
        action("start", intake.startHandling, IntakeRoles.handle, table)
        action("reply", intake.replyTicket, IntakeRoles.handle, table)
        action("follow-up", intake.recordFollowUp, IntakeRoles.followUpAndClose, table)
        action("close", intake.closeTicket, IntakeRoles.followUpAndClose, table)

        table.add(.get, "/api/intake/statistics", roles: IntakeRoles.figures) { _, _, user in
            try ProtoJSON.response(try await call(intake.getStatistics, .init(), for: user))
        }
        table.add(.post, "/api/intake/ledger/verify", roles: IntakeRoles.figures) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Intake_V1_VerifyLedgerRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(intake.verifyLedger, body, for: user, timeout: .seconds(60)))
        }
        table.add(.get, "/api/intake/villages", roles: .everyone) { _, _, user in
            try ProtoJSON.response(try await call(intake.listVillages, .init(), for: user))
        }
        table.add(.get, "/api/intake/grids", roles: .everyone) { _, _, user in
            try ProtoJSON.response(try await call(intake.listGrids, .init(), for: user))
        }
        table.add(.get, "/api/intake/departments", roles: .everyone) { _, _, user in
            try ProtoJSON.response(try await call(intake.listDepartments, .init(), for: user))
        }
        table.add(.get, "/api/intake/categories", roles: .everyone) { _, _, user in
            try ProtoJSON.response(try await call(intake.listCategories, .init(), for: user))
        }
    }

    /// `POST /api/intake/tickets/{id}/<verb>` with the action's request as the body, and an
    /// optional `Idempotency-Key` header that makes it safe to send again.
    private func action<Request: TicketActionRequest>(
        _ verb: String, _ method: MethodDescriptor<Request, Township_Intake_V1_TicketActionResponse>,
        _ roles: Set<GatewayRole>, _ table: RouteTable
    ) {
        table.add(.post, "/api/intake/tickets/{id}/\(verb)", roles: roles) { request, context, user in
            let id = try context.parameters.require("id")
            var body = try await ProtoJSON.decode(Request.self, from: request, context: context)
            if body.hasTicketID, body.ticketID.value != id {
                throw GatewayError.badRequest("ticket_id in the body (\(body.ticketID.value)) differs from the URL (\(id))")
            }
            body.ticketID.value = id
            let key = try IdempotencyKeyHeader.key(of: request)
            return try ProtoJSON.response(try await call(method, body, for: user, idempotencyKey: key))
        }
    }
}

/// `GET /api/intake/tickets` query parameters as a ListTicketsRequest.
enum TicketQuery {
    static func request(from query: Parameters) throws -> Township_Intake_V1_ListTicketsRequest {
        var request = Township_Intake_V1_ListTicketsRequest()
        for name in query.getAll("status") {
            let json = "{\"statuses\":[\(JSONValue.quoted("TICKET_STATUS_" + name.uppercased()))]}"
            guard let status = (try? Township_Intake_V1_TicketFilter(jsonString: json))?.statuses.first else {
                throw GatewayError.badRequest("status '\(name)' is not a ticket status (submitted, accepted, …, closed)")
            }
            request.filter.statuses.append(status)
        }
        request.filter.villageIds = query.getAll("village").map { id in .with { $0.value = id } }
        request.filter.gridIds = query.getAll("grid").map { id in .with { $0.value = id } }
        request.filter.departmentIds = query.getAll("department").map { id in .with { $0.value = id } }
        request.filter.categoryIds = query.getAll("category").map { id in .with { $0.value = id } }
        if let overdue = query.get("overdue") {
            guard let value = Bool(overdue) else { throw GatewayError.badRequest("overdue must be true or false") }
            request.filter.overdue = value
        }
        if let text = query.get("q") { request.filter.query = text }
        if let order = query.get("order") {
            let json = "{\"orderBy\":\(JSONValue.quoted("TICKET_ORDER_" + order.uppercased()))}"
            guard let value = (try? Township_Intake_V1_ListTicketsRequest(jsonString: json))?.orderBy else {
                throw GatewayError.badRequest("order must be created_desc, created_asc, due_asc or updated_desc")
            }
            request.orderBy = value
        }
        if let size = query.get("page_size") {
            guard let value = Int32(size), value >= 0 else { throw GatewayError.badRequest("page_size must be a non-negative integer") }
            request.page.pageSize = value
        }
        if let cursor = query.get("cursor") { request.page.cursor = cursor }
        if request.filter == Township_Intake_V1_TicketFilter() { request.clearFilter() }
        return request
    }
}
