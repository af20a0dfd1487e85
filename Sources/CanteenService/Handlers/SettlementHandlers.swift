import CanteenCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension CanteenService {
    func registerSettlements(_ router: inout RPCRouter) {
        let m = Township_Canteen_V1_CanteenMeals.self
        let store = self.store
        handle(&router, m.issueSettlement) { req, p in
            try CanteenAccess.requireStaff(p, "issue settlements")
            let operatorID = try RequestValidation.id(req.operatorID.value, "operator_id")
            let month = try RequestValidation.text(req.month, "month", maximum: 7)
            let settlement = try await blocking { try store.issueSettlement(operatorID: operatorID, month: month) }
            var r = Township_Canteen_V1_SettlementResponse()
            r.settlement = ProtoMapping.settlement(settlement)
            return r
        }
        handle(&router, m.getSettlement) { req, p in
            try CanteenAccess.requireReader(p, "read settlements")
            let id = try RequestValidation.id(req.settlementID.value, "settlement_id")
            let settlement = try await blocking { try store.settlement(id: id) }
            var r = Township_Canteen_V1_SettlementResponse()
            r.settlement = ProtoMapping.settlement(settlement)
            return r
        }
    }
}
