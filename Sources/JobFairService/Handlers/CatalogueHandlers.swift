import JobFairCore
import TownshipProtos
import TownshipRPC

/// Fairs, enterprises and positions.
extension JobFairService {
    func registerCatalogue(_ router: inout RPCRouter) {
        let m = Township_Jobfair_V1_JobFair.self
        handle(&router, m.createFair) { req, access in
            try access.requireAdmin("create fairs")
            let requestID = try Self.clientRequestID(req.clientRequestID, of: access)
            var r = Township_Jobfair_V1_FairResponse()
            r.fair = EntityMapping.fair(try await store.createFair(try mapping.fair(req.fair), clientRequestID: requestID))
            return r
        }
        handle(&router, m.listFairs) { req, _ in
            let (items, page) = try Paging.page(try await store.fairs(), req.page, key: "fairs")
            var r = Township_Jobfair_V1_ListFairsResponse()
            r.fairs = items.map(EntityMapping.fair); r.page = page
            return r
        }
        handle(&router, m.registerEnterprise) { req, access in
            try access.requireAdmin("register enterprises")
            let requestID = try Self.clientRequestID(req.clientRequestID, of: access)
            var r = Township_Jobfair_V1_EnterpriseResponse()
            r.enterprise = EntityMapping.enterprise(try await store.registerEnterprise(try mapping.enterprise(req.enterprise), clientRequestID: requestID))
            return r
        }
        handle(&router, m.listEnterprises) { req, access in
            if req.mine && access.principal.role != .employer { throw access.denied("list enterprises it manages (only employers manage one)") }
            let all = try await store.enterprises(managedBy: req.mine ? access.principal.userID : nil)
            let (items, page) = try Paging.page(all, req.page, key: "enterprises-\(req.mine)")
            var r = Township_Jobfair_V1_ListEnterprisesResponse()
            r.enterprises = items.map(EntityMapping.enterprise); r.page = page
            return r
        }
        handle(&router, m.createPosition) { req, access in
            let requestID = try Self.clientRequestID(req.clientRequestID, of: access)
            let fairID = try WireIDs.required(req.position.fairID.value, field: "position.fair_id", entity: "fair")
            let enterpriseID = try WireIDs.required(req.position.enterpriseID.value, field: "position.enterprise_id", entity: "enterprise")
            try await access.requireManager(of: enterpriseID, "add positions")
            let position = try mapping.position(req.position, id: 0, enterpriseID: enterpriseID)
            var r = Township_Jobfair_V1_PositionResponse()
            r.position = EntityMapping.position(try await store.createPosition(PositionRecord(position: position, fairID: fairID), clientRequestID: requestID))
            return r
        }
        handle(&router, m.updatePosition) { req, access in
            let id = try WireIDs.required(req.position.id.value, field: "position.id", entity: "position")
            let existing = try await store.position(id)
            try await access.requireManager(of: existing.position.enterpriseID, "change positions")
            let position = try mapping.position(req.position, id: id, enterpriseID: existing.position.enterpriseID)
            var r = Township_Jobfair_V1_PositionResponse()
            r.position = EntityMapping.position(try await store.updatePosition(position))
            return r
        }
        handle(&router, m.listPositions) { req, _ in
            let fairID = try WireIDs.required(req.fairID.value, field: "fair_id", entity: "fair")
            let enterpriseID = try WireIDs.optional(req.enterpriseID.value, field: "enterprise_id", entity: "enterprise")
            let all = try await store.positions(fairID: fairID, enterpriseID: enterpriseID)
            let (items, page) = try Paging.page(all, req.page, key: "positions-\(fairID)-\(enterpriseID ?? 0)")
            var r = Township_Jobfair_V1_ListPositionsResponse()
            r.positions = items.map(EntityMapping.position); r.page = page
            return r
        }
    }
}
