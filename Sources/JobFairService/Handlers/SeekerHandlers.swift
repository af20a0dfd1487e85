import JobFairCore
import TownshipProtos
import TownshipRPC

/// Seeker profiles and their lists.
extension JobFairService {
    func registerSeekers(_ router: inout RPCRouter) {
        let m = Township_Jobfair_V1_JobFair.self
        handle(&router, m.putSeekerProfile) { req, access in
            let userID: String
            if access.isAdmin {
                guard !req.userID.value.isEmpty, req.userID.value.utf8.count <= 64, req.userID.value.utf8.allSatisfy(WireIDs.allowed.contains) else {
                    throw JobFairError.invalid(field: "user_id.value", "admins name the user (1 to 64 bytes of letters, digits, '.', '_', ':' or '-')")
                }
                userID = req.userID.value
            } else {
                guard access.principal.role == .jobSeeker else { throw access.denied("keep a seeker profile") }
                if !req.userID.value.isEmpty && req.userID.value != access.principal.userID { throw access.denied("write another user's profile") }
                userID = access.principal.userID
            }
            var r = Township_Jobfair_V1_SeekerResponse()
            r.seeker = EntityMapping.seeker(try await store.putSeeker(try mapping.seeker(req.seeker), userID: userID))
            return r
        }
        handle(&router, m.getSeeker) { req, access in
            let requested = try WireIDs.optional(req.seekerID.value, field: "seeker_id", entity: "seeker")
            let id = try await access.seekerID(requested, "read the profile")
            var r = Township_Jobfair_V1_SeekerResponse()
            r.seeker = EntityMapping.seeker(try await store.seeker(id))
            return r
        }
        handle(&router, m.setApplications) { req, access in
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let requested = try WireIDs.optional(req.seekerID.value, field: "seeker_id", entity: "seeker")
            let seekerID = try await access.seekerID(requested, "set the list")
            guard req.positionIds.count <= Seeker.maximumChoices else {
                throw JobFairError.invalid(field: "position_ids", "at most \(Seeker.maximumChoices) positions may be ranked, not \(req.positionIds.count)")
            }
            var ids: [Int] = []
            var errors: [ValidationError] = []
            for (index, wire) in req.positionIds.enumerated() {
                do { ids.append(try WireIDs.required(wire.value, field: "position_ids[\(index)]", entity: "position")) }
                catch JobFairError.notFound(_, let message) { errors.append(.init(field: "position_ids[\(index)]", message: message)) }
                catch JobFairError.invalid(let e) { errors += e }
            }
            guard errors.isEmpty else { throw JobFairError.invalid(errors) }
            let stored = try await store.setApplications(fairID: fairID, seekerID: seekerID, positionIDs: ids)
            return Self.applications(fairID: fairID, seekerID: seekerID, stored)
        }
        handle(&router, m.getApplications) { req, access in
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let requested = try WireIDs.optional(req.seekerID.value, field: "seeker_id", entity: "seeker")
            let seekerID = try await access.seekerID(requested, "read the list")
            return Self.applications(fairID: fairID, seekerID: seekerID, try await store.applications(fairID: fairID, seekerID: seekerID))
        }
    }

    static func applications(fairID: Int, seekerID: Int, _ ids: [Int]) -> Township_Jobfair_V1_ApplicationsResponse {
        var r = Township_Jobfair_V1_ApplicationsResponse()
        r.fairID.value = WireIDs.string(fairID); r.seekerID.value = WireIDs.string(seekerID)
        r.positionIds = ids.map { var p = Township_Jobfair_V1_PositionId(); p.value = WireIDs.string($0); return p }
        return r
    }
}
