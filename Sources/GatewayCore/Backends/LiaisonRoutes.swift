import Hummingbird
import SwiftProtobuf
import TownshipProtos
import TownshipRoles

/// The liaison steps that name one item; the gateway puts the id from the URL in them.
protocol LiaisonItemRequest: Message {
    var itemID: Int64 { get set }
}

extension Township_Liaison_V1_RetypeProblemRequest: LiaisonItemRequest {}
extension Township_Liaison_V1_ClaimProblemRequest: LiaisonItemRequest {}
extension Township_Liaison_V1_AssignProblemRequest: LiaisonItemRequest {}
extension Township_Liaison_V1_AnswerProblemRequest: LiaisonItemRequest {}
extension Township_Liaison_V1_ReportProgressRequest: LiaisonItemRequest {}
extension Township_Liaison_V1_ConfirmProblemRequest: LiaisonItemRequest {}
extension Township_Liaison_V1_ClearProblemRequest: LiaisonItemRequest {}
extension Township_Liaison_V1_ReferToIntakeRequest: LiaisonItemRequest {}

/// Who may do what at the gateway. enterprise-liaison checks again on its data (a liaison's
/// own organisations, the claiming department); leaders and admins act as the zone office.
public enum LiaisonRoles {
    public static let read: Set<GatewayRole> = [.liaison, .departmentStaff, .leader, .admin]
    public static let liaison: Set<GatewayRole> = [.liaison]
    public static let office: Set<GatewayRole> = [.leader, .admin]
    public static let department: Set<GatewayRole> = [.departmentStaff]
    public static let confirm: Set<GatewayRole> = [.liaison, .leader, .admin]
    public static let figures: Set<GatewayRole> = [.departmentStaff, .leader, .admin]
}

extension LiaisonBackend {
    public func addRoutes(to table: RouteTable) {
        let m = Township_Liaison_V1_EnterpriseLiaison.self
        table.add(.get, "/api/enterprise-liaison/liaisons", roles: LiaisonRoles.read) { request, _, user in
            var body = Township_Liaison_V1_ListLiaisonsRequest()
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(m.listLiaisons, body, for: user))
        }
        table.add(.post, "/api/enterprise-liaison/liaisons", roles: LiaisonRoles.office) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Liaison_V1_RegisterLiaisonRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(m.registerLiaison, body, for: user))
        }
        table.add(.get, "/api/enterprise-liaison/organisations", roles: LiaisonRoles.read) { request, _, user in
            var body = Township_Liaison_V1_ListOrganisationsRequest()
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(m.listOrganisations, body, for: user))
        }
        table.add(.post, "/api/enterprise-liaison/organisations", roles: LiaisonRoles.office) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Liaison_V1_RegisterOrganisationRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(m.registerOrganisation, body, for: user))
        }
        table.add(.get, "/api/enterprise-liaison/organisations/{id}/assignments", roles: LiaisonRoles.read) { _, context, user in
            var body = Township_Liaison_V1_GetAssignmentHistoryRequest()
            body.organisationID = try context.parameters.require("id")
            return try ProtoJSON.response(try await call(m.getAssignmentHistory, body, for: user))
        }
        table.add(.post, "/api/enterprise-liaison/organisations/{id}/assignments", roles: LiaisonRoles.office) { request, context, user in
            var body = try await ProtoJSON.decode(Township_Liaison_V1_AssignLiaisonRequest.self, from: request, context: context)
            body.organisationID = try context.parameters.require("id")
            return try ProtoJSON.response(try await call(m.assignLiaison, body, for: user))
        }
        table.add(.get, "/api/enterprise-liaison/visits", roles: LiaisonRoles.read) { request, _, user in
            var body = Township_Liaison_V1_ListVisitsRequest()
            body.organisationID = request.uri.queryParameters.get("organisation") ?? ""
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(m.listVisits, body, for: user))
        }
        table.add(.post, "/api/enterprise-liaison/visits", roles: LiaisonRoles.liaison) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Liaison_V1_RecordVisitRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(m.recordVisit, body, for: user), status: .created)
        }
        table.add(.post, "/api/enterprise-liaison/help", roles: LiaisonRoles.liaison) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Liaison_V1_RecordHelpRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(m.recordHelp, body, for: user), status: .created)
        }
        table.add(.get, "/api/enterprise-liaison/problems", roles: LiaisonRoles.read) { request, _, user in
            try ProtoJSON.response(try await call(m.listProblems, try Self.problemQuery(request.uri.queryParameters), for: user))
        }
        table.add(.post, "/api/enterprise-liaison/problems", roles: LiaisonRoles.liaison) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Liaison_V1_FileProblemRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(m.fileProblem, body, for: user), status: .created)
        }
        table.add(.post, "/api/enterprise-liaison/problems/merge", roles: LiaisonRoles.office) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Liaison_V1_MergeProblemsRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(m.mergeProblems, body, for: user), status: .created)
        }
        table.add(.get, "/api/enterprise-liaison/problems/{id}", roles: LiaisonRoles.read) { _, context, user in
            var body = Township_Liaison_V1_GetProblemRequest()
            body.itemID = try Self.itemID(context.parameters.require("id"))
            return try ProtoJSON.response(try await call(m.getProblem, body, for: user))
        }
        step("retype", m.retypeProblem, LiaisonRoles.office, table)
        step("claim", m.claimProblem, LiaisonRoles.department, table)
        step("assign", m.assignProblem, LiaisonRoles.office, table)
        step("answer", m.answerProblem, LiaisonRoles.department, table)
        step("progress", m.reportProgress, LiaisonRoles.department, table)
        step("confirm", m.confirmProblem, LiaisonRoles.confirm, table)
        step("clear", m.clearProblem, LiaisonRoles.office, table)
        step("refer", m.referToIntake, LiaisonRoles.office, table)
        table.add(.post, "/api/enterprise-liaison/lists/{period}/publish", roles: LiaisonRoles.office) { _, context, user in
            var body = Township_Liaison_V1_PublishListRequest()
            body.period = try context.parameters.require("period")
            return try ProtoJSON.response(try await call(m.publishList, body, for: user))
        }
        table.add(.get, "/api/enterprise-liaison/lists/{period}/csv", roles: LiaisonRoles.read) { _, context, user in
            var body = Township_Liaison_V1_ListProblemsRequest()
            body.period = try context.parameters.require("period")
            body.states = [.published, .claimed, .answered, .cleared]
            body.page.pageSize = 500
            var items: [Township_Liaison_V1_ProblemItem] = []
            for _ in 0..<LiaisonListExport.maxPages {
                let page = try await call(m.listProblems, body, for: user)
                items += page.items
                body.page.cursor = page.page.nextCursor
                if body.page.cursor.isEmpty { break }
            }
            guard body.page.cursor.isEmpty else {
                throw GatewayError.badRequest("the \(body.period) list has more than \(LiaisonListExport.maxPages * 500) items: export it by department")
            }
            return Response(status: .ok, headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"problem-list-\(body.period).csv\"",
                .cacheControl: "no-store",
            ], body: ResponseBody(byteBuffer: ByteBuffer(string: LiaisonListExport.csv(items))))
        }
        table.add(.get, "/api/enterprise-liaison/figures", roles: LiaisonRoles.figures) { request, _, user in
            var body = Township_Liaison_V1_GetFiguresRequest()
            body.period = request.uri.queryParameters.get("period") ?? ""
            return try ProtoJSON.response(try await call(m.getFigures, body, for: user))
        }
    }

    /// `POST /api/enterprise-liaison/problems/{id}/<verb>` with the step's request as the body.
    private func step<Request: LiaisonItemRequest>(
        _ verb: String, _ method: MethodDescriptor<Request, Township_Liaison_V1_ProblemResponse>,
        _ roles: Set<GatewayRole>, _ table: RouteTable
    ) {
        table.add(.post, "/api/enterprise-liaison/problems/{id}/\(verb)", roles: roles) { request, context, user in
            let id = try Self.itemID(context.parameters.require("id"))
            var body = try await ProtoJSON.decode(Request.self, from: request, context: context)
            if body.itemID != 0, body.itemID != id {
                throw GatewayError.badRequest("item_id in the body (\(body.itemID)) differs from the URL (\(id))")
            }
            body.itemID = id
            return try ProtoJSON.response(try await call(method, body, for: user))
        }
    }

    static func itemID(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw GatewayError.badRequest("an item id is a positive integer, not '\(text.prefix(32))'") }
        return id
    }

    static func page(_ query: Parameters) throws -> Township_Common_V1_PageRequest {
        var page = Township_Common_V1_PageRequest()
        if let size = query.get("page_size") {
            guard let value = Int32(size), value >= 0 else { throw GatewayError.badRequest("page_size must be a non-negative integer") }
            page.pageSize = value
        }
        if let cursor = query.get("cursor") { page.cursor = cursor }
        return page
    }

    /// `GET /api/enterprise-liaison/problems?period=2026-03-1&state=claimed&type=difficult&department=dept-social`.
    static func problemQuery(_ query: Parameters) throws -> Township_Liaison_V1_ListProblemsRequest {
        var request = Township_Liaison_V1_ListProblemsRequest()
        request.period = query.get("period") ?? ""
        for name in query.getAll("state") {
            let json = "{\"states\":[\(JSONValue.quoted("PROBLEM_STATE_" + name.uppercased()))]}"
            guard let state = (try? Township_Liaison_V1_ListProblemsRequest(jsonString: json))?.states.first else {
                throw GatewayError.badRequest("state '\(name)' is not a problem state (filed, merged, published, claimed, answered, cleared)")
            }
            request.states.append(state)
        }
        for name in query.getAll("type") {
            let json = "{\"types\":[\(JSONValue.quoted("PROBLEM_TYPE_" + name.uppercased()))]}"
            guard let type = (try? Township_Liaison_V1_ListProblemsRequest(jsonString: json))?.types.first else {
                throw GatewayError.badRequest("type '\(name)' is not a problem type (individual, common, difficult)")
            }
            request.types.append(type)
        }
        if let department = query.get("department") { request.departmentID.value = department }
        request.page = try page(query)
        return request
    }
}
