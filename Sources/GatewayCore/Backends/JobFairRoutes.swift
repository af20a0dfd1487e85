import Hummingbird
import SwiftProtobuf
import TownshipProtos
import TownshipRoles

/// Who may reach which job-fair route at the gateway. The job-fair service checks again, on
/// its data (the enterprises an employer manages, a seeker's own profile).
public enum JobFairRoles {
    public static let employer: Set<GatewayRole> = [.employer, .admin]
    public static let seeker: Set<GatewayRole> = [.jobSeeker, .admin]
    public static let outcomes: Set<GatewayRole> = [.employer, .jobSeeker, .admin]
    public static let matches: Set<GatewayRole> = [.employer, .leader, .admin]
    public static let figures: Set<GatewayRole> = [.leader, .admin]
    public static let admin: Set<GatewayRole> = [.admin]
}

/// Requests that name one fair; the gateway puts the id from the URL in them.
protocol FairScopedRequest: Message {
    var fairID: Township_Jobfair_V1_FairId { get set }
}

extension Township_Jobfair_V1_SetApplicationsRequest: FairScopedRequest {}
extension Township_Jobfair_V1_RecordOutcomeRequest: FairScopedRequest {}

extension JobFairBackend {
    public func addRoutes(to table: RouteTable) {
        let jobFair = Township_Jobfair_V1_JobFair.self
        // The catalogue, for everyone signed in.
        table.add(.get, "/api/job-fair/fairs", roles: .everyone) { request, _, user in
            var body = Township_Jobfair_V1_ListFairsRequest()
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(jobFair.listFairs, body, for: user))
        }
        table.add(.get, "/api/job-fair/enterprises", roles: .everyone) { request, _, user in
            var body = Township_Jobfair_V1_ListEnterprisesRequest()
            body.mine = request.uri.queryParameters.get("mine") == "true"
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(jobFair.listEnterprises, body, for: user))
        }
        table.add(.get, "/api/job-fair/fairs/{fair}/positions", roles: .everyone) { request, context, user in
            var body = Township_Jobfair_V1_ListPositionsRequest()
            body.fairID.value = try context.parameters.require("fair")
            if let enterprise = request.uri.queryParameters.get("enterprise") { body.enterpriseID.value = enterprise }
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(jobFair.listPositions, body, for: user))
        }

        // Employers: their positions, applicants and ranking.
        table.add(.post, "/api/job-fair/positions", roles: JobFairRoles.employer) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Jobfair_V1_CreatePositionRequest.self, from: request, context: context)
            guard !body.clientRequestID.isEmpty else {
                throw GatewayError.badRequest("client_request_id is required (chosen by the client, so retries do not add twice)")
            }
            return try ProtoJSON.response(try await call(jobFair.createPosition, body, for: user), status: .created)
        }
        table.add(.put, "/api/job-fair/positions/{id}", roles: JobFairRoles.employer) { request, context, user in
            var body = try await ProtoJSON.decode(Township_Jobfair_V1_UpdatePositionRequest.self, from: request, context: context)
            body.position.id.value = try Self.sameID(body.position.id.value, try context.parameters.require("id"), "position.id")
            return try ProtoJSON.response(try await call(jobFair.updatePosition, body, for: user))
        }
        table.add(.get, "/api/job-fair/positions/{id}/applicants", roles: JobFairRoles.employer) { request, context, user in
            var body = Township_Jobfair_V1_ListApplicantsRequest()
            body.positionID.value = try context.parameters.require("id")
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(jobFair.listApplicants, body, for: user))
        }
        table.add(.put, "/api/job-fair/positions/{id}/ranking", roles: JobFairRoles.employer) { request, context, user in
            var body = try await ProtoJSON.decode(Township_Jobfair_V1_SetRankingRequest.self, from: request, context: context)
            body.positionID.value = try Self.sameID(body.positionID.value, try context.parameters.require("id"), "position_id")
            return try ProtoJSON.response(try await call(jobFair.setRanking, body, for: user))
        }
        table.add(.get, "/api/job-fair/fairs/{fair}/matches", roles: JobFairRoles.matches) { request, context, user in
            var body = Township_Jobfair_V1_ListMatchesRequest()
            body.fairID.value = try context.parameters.require("fair")
            if let enterprise = request.uri.queryParameters.get("enterprise") { body.enterpriseID.value = enterprise }
            body.round = try Self.round(request.uri.queryParameters)
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(jobFair.listMatches, body, for: user))
        }

        // Seekers: their profile, their list, their result and its explanation.
        table.add(.get, "/api/job-fair/me", roles: JobFairRoles.seeker) { _, _, user in
            try ProtoJSON.response(try await call(jobFair.getSeeker, .init(), for: user))
        }
        table.add(.put, "/api/job-fair/me", roles: JobFairRoles.seeker) { request, context, user in
            let body = try await ProtoJSON.decode(Township_Jobfair_V1_PutSeekerProfileRequest.self, from: request, context: context)
            return try ProtoJSON.response(try await call(jobFair.putSeekerProfile, body, for: user))
        }
        table.add(.get, "/api/job-fair/fairs/{fair}/applications", roles: JobFairRoles.seeker) { _, context, user in
            var body = Township_Jobfair_V1_GetApplicationsRequest()
            body.fairID.value = try context.parameters.require("fair")
            return try ProtoJSON.response(try await call(jobFair.getApplications, body, for: user))
        }
        fairScoped(.put, "applications", jobFair.setApplications, JobFairRoles.seeker, table)
        table.add(.get, "/api/job-fair/fairs/{fair}/result", roles: JobFairRoles.seeker) { request, context, user in
            var body = Township_Jobfair_V1_GetSeekerResultRequest()
            body.fairID.value = try context.parameters.require("fair")
            body.round = try Self.round(request.uri.queryParameters)
            if let seeker = request.uri.queryParameters.get("seeker") { body.seekerID.value = seeker }
            return try ProtoJSON.response(try await call(jobFair.getSeekerResult, body, for: user))
        }
        fairScoped(.post, "outcomes", jobFair.recordOutcome, JobFairRoles.outcomes, table)

        // Leaders: rounds, differences, figures; admins run the match.
        table.add(.post, "/api/job-fair/fairs/{fair}/rounds", roles: JobFairRoles.admin) { _, context, user in
            var body = Township_Jobfair_V1_RunMatchRequest()
            body.fairID.value = try context.parameters.require("fair")
            return try ProtoJSON.response(try await call(jobFair.runMatch, body, for: user, timeout: .seconds(60)), status: .created)
        }
        table.add(.get, "/api/job-fair/fairs/{fair}/rounds/{round}", roles: .everyone) { _, context, user in
            var body = Township_Jobfair_V1_GetRoundRequest()
            body.fairID.value = try context.parameters.require("fair")
            body.round = try Self.roundNumber(try context.parameters.require("round"))
            return try ProtoJSON.response(try await call(jobFair.getRound, body, for: user))
        }
        table.add(.get, "/api/job-fair/fairs/{fair}/rounds/{round}/diff", roles: JobFairRoles.figures) { request, context, user in
            var body = Township_Jobfair_V1_GetRoundDiffRequest()
            body.fairID.value = try context.parameters.require("fair")
            body.round = try Self.roundNumber(try context.parameters.require("round"))
            body.page = try Self.page(request.uri.queryParameters)
            return try ProtoJSON.response(try await call(jobFair.getRoundDiff, body, for: user))
        }
        table.add(.get, "/api/job-fair/fairs/{fair}/figures", roles: JobFairRoles.figures) { _, context, user in
            var body = Township_Jobfair_V1_GetFairFiguresRequest()
            body.fairID.value = try context.parameters.require("fair")
            return try ProtoJSON.response(try await call(jobFair.getFairFigures, body, for: user))
        }
    }

    /// `<method> /api/job-fair/fairs/{fair}/<verb>` with the request as the body.
    private func fairScoped<Request: FairScopedRequest, Response: Message>(
        _ method: HTTPRequest.Method, _ verb: String, _ rpc: MethodDescriptor<Request, Response>, _ roles: Set<GatewayRole>, _ table: RouteTable
    ) {
        table.add(method, "/api/job-fair/fairs/{fair}/\(verb)", roles: roles) { request, context, user in
            var body = try await ProtoJSON.decode(Request.self, from: request, context: context)
            body.fairID.value = try Self.sameID(body.fairID.value, try context.parameters.require("fair"), "fair_id")
            return try ProtoJSON.response(try await call(rpc, body, for: user))
        }
    }

    static func sameID(_ inBody: String, _ inURL: String, _ field: String) throws -> String {
        if !inBody.isEmpty && inBody != inURL {
            throw GatewayError.badRequest("\(field) in the body (\(inBody)) differs from the URL (\(inURL))")
        }
        return inURL
    }

    /// "latest" or a round number ≥ 1.
    static func roundNumber(_ text: String) throws -> Int32 {
        if text == "latest" { return 0 }
        guard let number = Int32(text), number >= 1 else { throw GatewayError.badRequest("round must be 'latest' or a number from 1") }
        return number
    }

    static func round(_ query: Parameters) throws -> Int32 {
        try query.get("round").map(roundNumber) ?? 0
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
}
