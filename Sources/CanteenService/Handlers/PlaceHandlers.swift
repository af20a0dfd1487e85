import CanteenCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension CanteenService {
    func registerPlaces(_ router: inout RPCRouter) {
        let m = Township_Canteen_V1_CanteenMeals.self
        let store = self.store
        handle(&router, m.putCanteen) { req, p in
            try CanteenAccess.requireStaff(p, "manage canteens")
            let canteen = try Self.canteenRecord(req.canteen)
            let stored = try await blocking { try store.putCanteen(canteen) }
            var r = Township_Canteen_V1_CanteenResponse()
            r.canteen = ProtoMapping.canteen(stored)
            return r
        }
        handle(&router, m.listCanteens) { req, p in
            try CanteenAccess.requireParticipant(p, "list canteens")
            let (after, limit) = try RequestValidation.page(req.page, configuration: store.configuration)
            let all = try await blocking { try store.canteens() }
            let page = Array(all.dropFirst(Int(min(after, Int64(all.count)))).prefix(limit))
            var r = Township_Canteen_V1_ListCanteensResponse()
            r.canteens = page.map(ProtoMapping.canteen)
            let end = Int(after) + page.count
            if end < all.count { r.page.nextCursor = String(end) }
            return r
        }
        handle(&router, m.putMenu) { req, p in
            let canteenID = try RequestValidation.id(req.menu.canteenID.value, "menu.canteen_id")
            let canteen = try await blocking { try store.canteen(id: canteenID) }
            try CanteenAccess.requireOperator(p, of: canteen, "set menus", staffToo: true)
            let day = try RequestValidation.date(req.menu.day, "menu.day")
            guard (1...RequestValidation.maximumDishes).contains(req.menu.dishes.count) else {
                throw CanteenRefusal.invalid("menu.dishes", "must list 1 to \(RequestValidation.maximumDishes) dishes")
            }
            let dishes = try req.menu.dishes.enumerated().map { i, d in
                DishRecord(name: try RequestValidation.text(d.name, "menu.dishes[\(i)].name", maximum: RequestValidation.maximumNameCharacters),
                           priceFen: d.hasPrice ? try RequestValidation.fen(d.price, "menu.dishes[\(i)].price", maximum: RequestValidation.maximumMealPriceFen) : 0)
            }
            let price = try RequestValidation.fen(req.menu.mealPrice, "menu.meal_price", maximum: RequestValidation.maximumMealPriceFen)
            let menu = try await blocking { try store.putMenu(MenuRecord(canteenID: canteenID, day: day, dishes: dishes, mealPriceFen: price)) }
            var r = Township_Canteen_V1_MenuResponse()
            r.menu = ProtoMapping.menu(menu)
            return r
        }
        handle(&router, m.getMenu) { req, p in
            try CanteenAccess.requireParticipant(p, "read menus")
            let canteenID = try RequestValidation.id(req.canteenID.value, "canteen_id")
            let day = req.hasDay ? try RequestValidation.date(req.day, "day") : store.today
            let menu = try await blocking { try store.menu(canteenID: canteenID, day: day) }
            var r = Township_Canteen_V1_MenuResponse()
            r.menu = ProtoMapping.menu(menu)
            return r
        }
        handle(&router, m.getSubsidyTable) { _, p in
            try CanteenAccess.requireParticipant(p, "read the subsidy table")
            return ProtoMapping.subsidyTable(store.configuration.subsidyTable)
        }
    }

    /// A canteen as PutCanteen sends it, every field checked.
    static func canteenRecord(_ w: Township_Canteen_V1_Canteen) throws -> CanteenRecord {
        let status: CanteenState
        switch w.status {
        case .operating: status = .operating
        case .underConstruction: status = .underConstruction
        default: throw CanteenRefusal.invalid("canteen.status", "must be OPERATING or UNDER_CONSTRUCTION")
        }
        guard (1...RequestValidation.maximumSeats).contains(Int(w.seatsPerSitting)) else {
            throw CanteenRefusal.invalid("canteen.seats_per_sitting", "must be within 1...\(RequestValidation.maximumSeats)")
        }
        guard (1...RequestValidation.maximumSittings).contains(w.sittings.count) else {
            throw CanteenRefusal.invalid("canteen.sittings", "must list 1 to \(RequestValidation.maximumSittings) sittings")
        }
        var names = Set<String>()
        let sittings = try w.sittings.enumerated().map { i, s in
            let name = try RequestValidation.text(s.name, "canteen.sittings[\(i)].name", maximum: 32)
            guard names.insert(name).inserted else { throw CanteenRefusal.invalid("canteen.sittings[\(i)].name", "is repeated") }
            let start = try RequestValidation.clock(s.startsAt, "canteen.sittings[\(i)].starts_at")
            let end = try RequestValidation.clock(s.endsAt, "canteen.sittings[\(i)].ends_at")
            guard start < end else { throw CanteenRefusal.invalid("canteen.sittings[\(i)].ends_at", "must be after starts_at") }
            return SittingRecord(name: name, startMinute: start, endMinute: end)
        }
        guard w.staffUserIds.count <= RequestValidation.maximumStaff else {
            throw CanteenRefusal.invalid("canteen.staff_user_ids", "must list at most \(RequestValidation.maximumStaff) users")
        }
        return CanteenRecord(
            id: try RequestValidation.id(w.canteenID.value, "canteen.canteen_id"),
            name: try RequestValidation.text(w.name, "canteen.name", maximum: RequestValidation.maximumNameCharacters),
            status: status,
            community: try RequestValidation.id(w.communityID.value, "canteen.community_id"),
            location: try RequestValidation.geo(w.location, "canteen.location"),
            seatsPerSitting: Int(w.seatsPerSitting), sittings: sittings,
            operatorID: try RequestValidation.id(w.operatorID.value, "canteen.operator_id"),
            operatorName: try RequestValidation.text(w.operatorName, "canteen.operator_name", maximum: RequestValidation.maximumNameCharacters),
            staffUserIDs: try w.staffUserIds.enumerated().map { i, u in try RequestValidation.id(u.value, "canteen.staff_user_ids[\(i)]") })
    }
}
