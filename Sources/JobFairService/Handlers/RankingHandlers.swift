import JobFairCore
import TownshipProtos
import TownshipRPC

/// Applicants of a position and the enterprise's own ranking.
extension JobFairService {
    func registerRankings(_ router: inout RPCRouter) {
        let m = Township_Jobfair_V1_JobFair.self
        handle(&router, m.listApplicants) { req, access in
            let positionID = try WireIDs.required(req.positionID.value, field: "position_id", entity: "position")
            let position = try await store.position(positionID)
            try await access.requireManager(of: position.position.enterpriseID, "see the applicants")
            let (ranked, all) = try await store.applicants(positionID: positionID)
            let (items, page) = try Paging.page(all, req.page, key: "applicants-\(positionID)")
            var r = Township_Jobfair_V1_ListApplicantsResponse()
            r.rankedByEmployer = ranked; r.page = page
            r.applicants = items.map { a in
                var w = Township_Jobfair_V1_Applicant()
                w.seeker = EntityMapping.seeker(a.seeker); w.choiceNumber = Int32(a.choiceNumber)
                w.hardRequirementMissed = a.hardRequirementMissed ?? ""; w.fitScore = Int32(clamping: a.fitScore)
                w.rankingPlace = Int32(a.rankingPlace ?? 0)
                return w
            }
            return r
        }
        handle(&router, m.setRanking) { req, access in
            let positionID = try WireIDs.required(req.positionID.value, field: "position_id", entity: "position")
            let position = try await store.position(positionID)
            try await access.requireManager(of: position.position.enterpriseID, "rank the applicants")
            var ids: [Int]? = nil
            if !req.useFitScore {
                guard req.seekerIds.count <= store.limits.maxRankingLength else {
                    throw JobFairError.invalid(field: "seeker_ids", "at most \(store.limits.maxRankingLength) seekers (jobFair.maxRankingLength), not \(req.seekerIds.count)")
                }
                var parsed: [Int] = []
                var errors: [ValidationError] = []
                for (index, wire) in req.seekerIds.enumerated() {
                    do { parsed.append(try WireIDs.required(wire.value, field: "seeker_ids[\(index)]", entity: "seeker")) }
                    catch JobFairError.notFound(_, let message) { errors.append(.init(field: "seeker_ids[\(index)]", message: "\(message): not an applicant")) }
                    catch JobFairError.invalid(let e) { errors += e }
                }
                guard errors.isEmpty else { throw JobFairError.invalid(errors) }
                ids = parsed
            }
            let count = try await store.setRanking(positionID: positionID, seekerIDs: ids)
            var r = Township_Jobfair_V1_SetRankingResponse()
            r.positionID.value = WireIDs.string(positionID); r.rankedByEmployer = ids != nil; r.rankedCount = Int32(count)
            return r
        }
    }
}
