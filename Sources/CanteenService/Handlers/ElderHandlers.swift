import CanteenCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension CanteenService {
    func registerElders(_ router: inout RPCRouter) {
        let m = Township_Canteen_V1_CanteenMeals.self
        let store = self.store
        handle(&router, m.registerElder) { req, p in
            try CanteenAccess.requireStaff(p, "register elders")
            let new = CanteenStore.NewElder(
                idNumber: req.idNumber,
                name: try RequestValidation.text(req.name, "name", maximum: RequestValidation.maximumNameCharacters),
                community: try RequestValidation.id(req.communityID.value, "community_id"),
                home: try RequestValidation.geo(req.home, "home"),
                address: try RequestValidation.text(req.address, "address", maximum: RequestValidation.maximumAddressCharacters, required: false),
                flags: try RequestValidation.flags(req.flags),
                clientRequestID: try RequestValidation.optionalRequestID(req.clientRequestID))
            guard req.idNumber.count <= 32 else { throw ResidentIDError.wrongLength(req.idNumber.count) }
            let elder = try await blocking { try store.register(new) }
            return Self.elderResponse(elder, today: store.today)
        }
        handle(&router, m.getElder) { req, p in
            try CanteenAccess.requireParticipant(p, "read elders")
            let elder: ElderRecord
            switch req.key {
            case .elderID(let id):
                let key = try RequestValidation.elderID(id)
                try CanteenAccess.requireMayRead(p, elderID: key, store: store)
                elder = try await blocking { try store.elder(id: key) }
            case .idNumber(let number):
                // Residents read their own elder by id only: a look-up by number would tell
                // them whether anyone's ID number is registered.
                guard p.role != .resident else { throw CanteenAccess.denied(p, "look elders up by ID number") }
                guard number.count <= 32 else { throw ResidentIDError.wrongLength(number.count) }
                elder = try await blocking { try store.elder(idNumber: number) }
                try CanteenAccess.requireMayRead(p, elderID: elder.id, store: store)
            case nil:
                throw CanteenRefusal.invalid("key", "set elder_id or id_number")
            }
            return Self.elderResponse(elder, today: store.today)
        }
        handle(&router, m.listElders) { req, p in
            try CanteenAccess.requireReader(p, "list elders")
            let community = req.communityID.value.isEmpty ? nil : try RequestValidation.id(req.communityID.value, "community_id")
            let tier = ProtoEnums.tier(req.tier)
            if req.tier != .unspecified && tier == nil { throw CanteenRefusal.invalid("tier", "is not a known tier") }
            let (after, limit) = try RequestValidation.page(req.page, configuration: store.configuration)
            let elders = try await blocking { try store.elders(community: community, tier: tier, afterID: after, limit: limit) }
            var r = Township_Canteen_V1_ListEldersResponse()
            let today = store.today
            r.elders = elders.map { ProtoMapping.elder($0, today: today) }
            r.page = RequestValidation.pageResponse(lastID: elders.last?.id, full: elders.count == limit)
            return r
        }
        handle(&router, m.setElderFlags) { req, p in
            try CanteenAccess.requireStaff(p, "set subsidy flags")
            let key = try RequestValidation.elderID(req.elderID)
            let flags = try RequestValidation.flags(req.flags)
            let elder = try await blocking { try store.setFlags(elderID: key, flags: flags) }
            return Self.elderResponse(elder, today: store.today)
        }
        handle(&router, m.endEligibility) { req, p in
            try CanteenAccess.requireStaff(p, "end eligibility")
            let key = try RequestValidation.elderID(req.elderID)
            guard let reason = ProtoEnums.endReason(req.end.reason) else { throw CanteenRefusal.invalid("end.reason", "must be DEATH or MOVED_AWAY") }
            let end = EligibilityEnd(reason: reason, from: try RequestValidation.date(req.end.from, "end.from"))
            let elder = try await blocking { try store.endEligibility(elderID: key, end: end) }
            return Self.elderResponse(elder, today: store.today)
        }
        handle(&router, m.issueCard) { req, p in
            try CanteenAccess.requireStaff(p, "issue cards")
            let key = try RequestValidation.elderID(req.elderID)
            let requestID = try RequestValidation.optionalRequestID(req.clientRequestID)
            let card = try await blocking { try store.issueCard(elderID: key, clientRequestID: requestID) }
            var r = Township_Canteen_V1_CardResponse()
            r.card = ProtoMapping.card(card)
            return r
        }
        handle(&router, m.revokeCard) { req, p in
            try CanteenAccess.requireStaff(p, "revoke cards")
            let number = try RequestValidation.id(req.cardNumber, "card_number")
            let reason = try RequestValidation.text(req.reason, "reason", maximum: RequestValidation.maximumAddressCharacters, required: false)
            let card = try await blocking { try store.revokeCard(number: number, reason: reason) }
            var r = Township_Canteen_V1_CardResponse()
            r.card = ProtoMapping.card(card)
            return r
        }
        handle(&router, m.addFamilyMember) { req, p in
            try CanteenAccess.requireStaff(p, "link family members")
            let key = try RequestValidation.elderID(req.elderID)
            let user = try RequestValidation.id(req.userID.value, "user_id")
            let elder = try await blocking { try store.addFamilyMember(elderID: key, userID: user) }
            return Self.elderResponse(elder, today: store.today)
        }
    }

    static func elderResponse(_ elder: ElderRecord, today: CivilDate) -> Township_Canteen_V1_ElderResponse {
        var r = Township_Canteen_V1_ElderResponse()
        r.elder = ProtoMapping.elder(elder, today: today)
        return r
    }
}
