import Foundation
import JobFairCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// Match runs, rounds, results, offers and figures.
extension JobFairService {
    func registerRounds(_ router: inout RPCRouter) {
        let m = Township_Jobfair_V1_JobFair.self
        handle(&router, m.runMatch) { req, access in
            try access.requireAdmin("run a match")
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let summary = try await store.runMatch(fairID: fairID)
            logger.info("round stored", metadata: ["fair": "\(fairID)", "round": "\(summary.number)", "matched": "\(summary.matched)"])
            var r = Township_Jobfair_V1_RoundResponse()
            r.round = Self.round(summary)
            return r
        }
        handle(&router, m.getRound) { req, access in
            guard [.admin, .leader, .employer, .jobSeeker].contains(access.principal.role) else { throw access.denied("read rounds") }
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            var r = Township_Jobfair_V1_RoundResponse()
            r.round = Self.round(try await store.round(fairID: fairID, number: try Self.roundNumber(req.round)))
            return r
        }
        handle(&router, m.getRoundDiff) { req, access in
            try access.requireLeaderOrAdmin("read the differences between rounds")
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let (number, changes) = try await store.roundDiff(fairID: fairID, number: try Self.roundNumber(req.round))
            let (items, page) = try Paging.page(changes, req.page, key: "diff-\(fairID)-\(number)")
            var r = Township_Jobfair_V1_GetRoundDiffResponse()
            r.round = Int32(number); r.previousRound = Int32(number - 1); r.page = page
            r.changes = items.map { c in
                var w = Township_Jobfair_V1_RoundChange()
                w.seekerID.value = WireIDs.string(c.seekerID)
                if let p = c.previousPositionID { w.previousPositionID.value = WireIDs.string(p) }
                if let p = c.currentPositionID { w.currentPositionID.value = WireIDs.string(p) }
                return w
            }
            return r
        }
        handle(&router, m.getSeekerResult) { req, access in
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let requested = try WireIDs.optional(req.seekerID.value, field: "seeker_id", entity: "seeker")
            let seekerID = try await access.seekerID(requested, "read the result")
            let result = try await store.seekerResult(fairID: fairID, round: try Self.roundNumber(req.round), seekerID: seekerID)
            var r = Township_Jobfair_V1_SeekerResultResponse()
            r.round = Int32(result.round); r.seekerID.value = WireIDs.string(seekerID)
            if let p = result.positionID { r.positionID.value = WireIDs.string(p) }
            r.choiceNumber = Int32(result.choiceNumber ?? 0)
            r.explanation = result.explanation
            r.outcome = EnumMapping.offer(result.outcome)
            r.outcomes = result.outcomes.map { c in
                var w = Township_Jobfair_V1_ChoiceOutcome()
                w.choiceNumber = Int32(c.choiceNumber); w.positionID.value = WireIDs.string(c.positionID)
                w.kind = EnumMapping.choiceKind(c.kind); w.notRankedReason = c.notRankedReason
                w.places = Int32(c.places); w.yourPlace = Int32(c.yourPlace)
                w.lastAdmittedPlace = Int32(c.lastAdmittedPlace); w.rankedCount = Int32(c.rankedCount)
                return w
            }
            return r
        }
        handle(&router, m.listMatches) { req, access in
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let enterpriseID = try WireIDs.optional(req.enterpriseID.value, field: "enterprise_id", entity: "enterprise")
            if let enterpriseID, access.principal.role != .leader {
                try await access.requireManager(of: enterpriseID, "see the matches")
            } else if enterpriseID == nil {
                try access.requireLeaderOrAdmin("see every enterprise's matches (employers name their enterprise_id)")
            }
            let (number, matches) = try await store.matches(fairID: fairID, round: try Self.roundNumber(req.round), enterpriseID: enterpriseID)
            let (items, page) = try Paging.page(matches, req.page, key: "matches-\(fairID)-\(number)-\(enterpriseID ?? 0)")
            var r = Township_Jobfair_V1_ListMatchesResponse()
            r.round = Int32(number); r.page = page
            r.matches = items.map { match in
                var w = Township_Jobfair_V1_Match()
                w.seekerID.value = WireIDs.string(match.seeker.seeker.id); w.seeker = EntityMapping.seeker(match.seeker)
                w.positionID.value = WireIDs.string(match.positionID); w.choiceNumber = Int32(match.choiceNumber)
                w.outcome = EnumMapping.offer(match.outcome)
                return w
            }
            return r
        }
        handle(&router, m.recordOutcome) { req, access in
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let positionID = try WireIDs.required(req.positionID.value, field: "position_id", entity: "position")
            let state = try EnumMapping.offer(req.state, field: "state")
            let requested = try WireIDs.optional(req.seekerID.value, field: "seeker_id", entity: "seeker")
            let seekerID: Int
            switch (access.isAdmin, state) {
            case (true, _):
                seekerID = try await access.seekerID(requested, "record outcomes")
            case (false, .offered), (false, .hired):
                let position = try await store.position(positionID)
                try await access.requireManager(of: position.position.enterpriseID, "record offers and hires")
                guard let requested else { throw JobFairError.invalid(field: "seeker_id", "is required") }
                seekerID = requested
            case (false, .accepted), (false, .refused):
                seekerID = try await access.seekerID(requested, "accept or refuse offers")
            }
            let (round, stored) = try await store.recordOutcome(fairID: fairID, seekerID: seekerID, positionID: positionID,
                                                                state: state, by: access.principal.userID)
            var r = Township_Jobfair_V1_RecordOutcomeResponse()
            r.round = Int32(round); r.state = EnumMapping.offer(stored)
            return r
        }
        handle(&router, m.getFairFigures) { req, access in
            try access.requireLeaderOrAdmin("read the fair's figures")
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let figures = try await store.figures(fairID: fairID)
            var r = Township_Jobfair_V1_GetFairFiguresResponse()
            r.fair = EntityMapping.fair(figures.fair); r.latestRound = Int32(figures.latestRound)
            r.totals = Self.figures(figures.totals)
            r.sectors = figures.sectors.map { sector, counts in
                var w = Township_Jobfair_V1_SectorFigures()
                w.sector = EnumMapping.sector(sector); w.figures = Self.figures(counts)
                return w
            }
            r.enterprises = figures.enterprises.map { enterprise, counts in
                var w = Township_Jobfair_V1_EnterpriseFigures()
                w.enterpriseID.value = WireIDs.string(enterprise.id); w.name = enterprise.name
                w.sector = EnumMapping.sector(enterprise.sector); w.figures = Self.figures(counts)
                return w
            }
            return r
        }
    }

    static func roundNumber(_ wire: Int32) throws -> Int {
        guard wire >= 0 else { throw JobFairError.invalid(field: "round", "must not be negative (0: the latest)") }
        return Int(wire)
    }

    static func round(_ s: RoundSummary) -> Township_Jobfair_V1_Round {
        var w = Township_Jobfair_V1_Round()
        w.fairID.value = WireIDs.string(s.fairID); w.number = Int32(s.number)
        w.createdAt = Google_Protobuf_Timestamp(date: s.createdAt)
        w.seekers = Int32(s.seekers); w.positions = Int32(s.positions); w.places = Int32(clamping: s.places)
        w.matched = Int32(s.matched); w.unmatched = Int32(s.unmatched); w.blockingPairs = Int32(s.blockingPairs)
        w.changedFromPrevious = Int32(s.changedFromPrevious); w.proposals = Int64(s.proposals)
        return w
    }

    static func figures(_ c: FigureCounts) -> Township_Jobfair_V1_Figures {
        var w = Township_Jobfair_V1_Figures()
        w.positions = Int32(c.positions); w.places = Int32(clamping: c.places); w.seekers = Int32(c.seekers)
        w.applications = Int32(c.applications); w.matched = Int32(c.matched); w.unmatched = Int32(c.unmatched)
        w.offers = Int32(c.offers); w.acceptances = Int32(c.acceptances); w.refusals = Int32(c.refusals)
        w.hires = Int32(c.hires); w.unfilledPositions = Int32(c.unfilledPositions)
        return w
    }
}
