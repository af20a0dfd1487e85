import JobFairCore
import TownshipProtos

typealias JF = Township_Jobfair_V1_JobFair

/// Building a small fair over RPC, as the gateway's users would.
extension LiveJobFair {
    /// A well-formed credit code for enterprise `n` (17 digits and its check character).
    static func creditCode(_ n: Int) -> String {
        let body = "9135010000000" + String(format: "%04d", n)
        return body + String(CreditCode.checkCharacter(forFirst17: body)!)
    }

    func createFair(requestID: String = "fair-1") async throws -> String {
        var r = Township_Jobfair_V1_CreateFairRequest()
        r.clientRequestID = requestID
        r.fair.name = "2026年春季就业招聘会"; r.fair.venue = "镇文化广场"; r.fair.organiser = "镇党建联盟"
        r.fair.startDate.year = 2026; r.fair.startDate.month = 3; r.fair.startDate.day = 14
        r.fair.endDate.year = 2026; r.fair.endDate.month = 3; r.fair.endDate.day = 15
        return try await call(JF.createFair, r, as: Who.admin).fair.id.value
    }

    func enterpriseRequest(_ n: Int, employers: [String], code: String? = nil) -> Township_Jobfair_V1_RegisterEnterpriseRequest {
        var r = Township_Jobfair_V1_RegisterEnterpriseRequest()
        r.clientRequestID = "enterprise-\(n)"
        r.enterprise.name = "闽兴机械制造有限公司\(n)"; r.enterprise.creditCode = code ?? Self.creditCode(n)
        r.enterprise.sector = .manufacturing; r.enterprise.address = "东山村工业路\(n)号"
        r.enterprise.employerUserIds = employers.map { var u = Township_Common_V1_UserId(); u.value = $0; return u }
        return r
    }

    func registerEnterprise(_ n: Int, employers: [String]) async throws -> String {
        try await call(JF.registerEnterprise, enterpriseRequest(n, employers: employers), as: Who.admin).enterprise.id.value
    }

    func positionRequest(fair: String, enterprise: String, title: String, headcount: Int32, skills: [String] = [],
                         requestID: String? = nil) -> Township_Jobfair_V1_CreatePositionRequest {
        var r = Township_Jobfair_V1_CreatePositionRequest()
        r.clientRequestID = requestID ?? "position-\(title)"
        r.position.fairID.value = fair; r.position.enterpriseID.value = enterprise
        r.position.title = title; r.position.headcount = headcount
        r.position.requirements.skills = skills; r.position.requirements.minimumEducation = .juniorSecondary
        r.position.salaryMinimumPerMonth.amountFen = 400_000; r.position.salaryMaximumPerMonth.amountFen = 550_000
        r.position.workLocation.name = "东山村"; r.position.workLocation.eastMetres = 1000
        return r
    }

    func createPosition(fair: String, enterprise: String, title: String, headcount: Int32, skills: [String] = [],
                        by principal: Township_Common_V1_Principal) async throws -> String {
        try await call(JF.createPosition, positionRequest(fair: fair, enterprise: enterprise, title: title, headcount: headcount, skills: skills),
                       as: principal).position.id.value
    }

    func putProfile(as principal: Township_Common_V1_Principal, name: String, skills: [String] = [],
                    education: Township_Jobfair_V1_Education = .seniorSecondary) async throws -> Township_Jobfair_V1_Seeker {
        var r = Township_Jobfair_V1_PutSeekerProfileRequest()
        r.seeker.name = name; r.seeker.phone = "13812345678"; r.seeker.education = education
        r.seeker.experienceYears = 2; r.seeker.skills = skills; r.seeker.languages = ["普通话", "闽南话"]
        r.seeker.location.name = "西坑村"; r.seeker.location.eastMetres = 3000
        return try await call(JF.putSeekerProfile, r, as: principal).seeker
    }

    func setList(fair: String, _ positions: [String], as principal: Township_Common_V1_Principal, seeker: String = "") async throws {
        var r = Township_Jobfair_V1_SetApplicationsRequest()
        r.fairID.value = fair; r.seekerID.value = seeker
        r.positionIds = positions.map { var p = Township_Jobfair_V1_PositionId(); p.value = $0; return p }
        _ = try await call(JF.setApplications, r, as: principal)
    }

    func runMatch(fair: String) async throws -> Township_Jobfair_V1_Round {
        var r = Township_Jobfair_V1_RunMatchRequest()
        r.fairID.value = fair
        return try await call(JF.runMatch, r, as: Who.admin).round
    }

    func result(fair: String, as principal: Township_Common_V1_Principal, round: Int32 = 0) async throws -> Township_Jobfair_V1_SeekerResultResponse {
        var r = Township_Jobfair_V1_GetSeekerResultRequest()
        r.fairID.value = fair; r.round = round
        return try await call(JF.getSeekerResult, r, as: principal)
    }

    func record(fair: String, seeker: String, position: String, _ state: Township_Jobfair_V1_OutcomeState,
                as principal: Township_Common_V1_Principal) async throws -> Township_Jobfair_V1_RecordOutcomeResponse {
        var r = Township_Jobfair_V1_RecordOutcomeRequest()
        r.fairID.value = fair; r.seekerID.value = seeker; r.positionID.value = position; r.state = state
        return try await call(JF.recordOutcome, r, as: principal)
    }

    func figures(fair: String, as principal: Township_Common_V1_Principal = Who.leader) async throws -> Township_Jobfair_V1_GetFairFiguresResponse {
        var r = Township_Jobfair_V1_GetFairFiguresRequest()
        r.fairID.value = fair
        return try await call(JF.getFairFigures, r, as: principal)
    }

    /// A fair with two enterprises (A managed by emp-a, B by emp-b): A's welder (1 place,
    /// wants 电焊) and B's packer (2 places); three seekers who all want the welder first.
    struct SmallFair {
        var fair: String
        var enterpriseA: String
        var enterpriseB: String
        var welder: String
        var packer: String
        var seekers: [String]
    }

    func smallFair() async throws -> SmallFair {
        let fair = try await createFair()
        let a = try await registerEnterprise(1, employers: ["emp-a"])
        let b = try await registerEnterprise(2, employers: ["emp-b"])
        let welder = try await createPosition(fair: fair, enterprise: a, title: "电焊工", headcount: 1, skills: ["电焊"], by: Who.employerA)
        let packer = try await createPosition(fair: fair, enterprise: b, title: "食品包装工", headcount: 2, by: Who.employerB)
        var seekers: [String] = []
        for (principal, skills) in [(Who.seeker1, ["电焊"]), (Who.seeker2, []), (Who.seeker3, ["电焊", "叉车"])] {
            seekers.append(try await putProfile(as: principal, name: "陈伟\(seekers.count + 1)", skills: skills).id.value)
            try await setList(fair: fair, [welder, packer], as: principal)
        }
        return SmallFair(fair: fair, enterpriseA: a, enterpriseB: b, welder: welder, packer: packer, seekers: seekers)
    }
}
