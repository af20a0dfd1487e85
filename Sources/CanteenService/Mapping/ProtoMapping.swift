import CanteenCore
import Foundation
import SwiftProtobuf
import TownshipProtos

/// The store's records as canteen.proto messages. ID numbers appear only masked.
enum ProtoMapping {
    static func date(_ d: CivilDate) -> Township_Common_V1_LocalDate {
        var w = Township_Common_V1_LocalDate()
        w.year = Int32(d.year); w.month = Int32(d.month); w.day = Int32(d.day)
        return w
    }

    static func geo(_ p: GeoPoint) -> Township_Common_V1_GeoPoint {
        var w = Township_Common_V1_GeoPoint()
        w.latitude = p.latitude; w.longitude = p.longitude
        return w
    }

    static func money(_ fen: Int) -> Township_Common_V1_Money {
        var m = Township_Common_V1_Money()
        m.amountFen = Int64(fen); m.currencyCode = "CNY"
        return m
    }

    static func elder(_ e: ElderRecord, today: CivilDate) -> Township_Canteen_V1_Elder {
        var w = Township_Canteen_V1_Elder()
        w.elderID.value = e.wireID
        w.maskedIDNumber = e.masked
        w.name = e.name
        w.birthDate = date(e.birthDate)
        w.tier = ProtoEnums.tier(try? e.eligibility.tier(on: today))
        w.flags = e.flags.sorted { $0.rawValue < $1.rawValue }.map(ProtoEnums.flag)
        w.communityID.value = e.community
        w.home = geo(e.home)
        w.address = e.address
        if let end = e.end {
            w.eligibilityEnd.reason = ProtoEnums.endReason(end.reason)
            w.eligibilityEnd.from = date(end.from)
        }
        w.cardNumber = e.cardNumber ?? ""
        w.familyUserIds = e.familyUserIDs.map { var u = Township_Common_V1_UserId(); u.value = $0; return u }
        return w
    }

    static func card(_ c: CardRecord) -> Township_Canteen_V1_Card {
        var w = Township_Canteen_V1_Card()
        w.cardNumber = c.cardNumber
        w.qrToken = c.qrToken
        w.elderID.value = WireIDs.elder(c.elderID)
        w.revoked = c.revoked
        w.issuedAt = Google_Protobuf_Timestamp(date: c.issuedAt)
        return w
    }

    static func minuteText(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }

    static func canteen(_ c: CanteenRecord) -> Township_Canteen_V1_Canteen {
        var w = Township_Canteen_V1_Canteen()
        w.canteenID.value = c.id
        w.name = c.name
        w.status = c.status == .operating ? .operating : .underConstruction
        w.communityID.value = c.community
        w.location = geo(c.location)
        w.seatsPerSitting = Int32(c.seatsPerSitting)
        w.sittings = c.sittings.map { s in
            var ws = Township_Canteen_V1_Sitting()
            ws.name = s.name; ws.startsAt = minuteText(s.startMinute); ws.endsAt = minuteText(s.endMinute)
            return ws
        }
        w.operatorID.value = c.operatorID
        w.operatorName = c.operatorName
        w.staffUserIds = c.staffUserIDs.map { var u = Township_Common_V1_UserId(); u.value = $0; return u }
        return w
    }

    static func menu(_ m: MenuRecord) -> Township_Canteen_V1_Menu {
        var w = Township_Canteen_V1_Menu()
        w.canteenID.value = m.canteenID
        w.day = date(m.day)
        w.dishes = m.dishes.map { d in
            var wd = Township_Canteen_V1_Dish()
            wd.name = d.name; wd.price = money(d.priceFen)
            return wd
        }
        w.mealPrice = money(m.mealPriceFen)
        return w
    }

    static func reservation(_ r: ReservationRecord) -> Township_Canteen_V1_Reservation {
        var w = Township_Canteen_V1_Reservation()
        w.reservationID.value = WireIDs.reservation(r.id)
        w.elderID.value = WireIDs.elder(r.elderID)
        w.canteenID.value = r.canteenID
        w.day = date(r.day)
        w.sitting = r.sitting
        w.mode = r.mode == .dineIn ? .dineIn : .delivery
        w.status = ProtoEnums.reservationStatus(r.status)
        w.reservedBy.value = r.reservedBy
        return w
    }

    static func meal(_ m: MealRecord) -> Township_Canteen_V1_Meal {
        var w = Township_Canteen_V1_Meal()
        w.mealID.value = WireIDs.meal(m.id)
        w.elderID.value = WireIDs.elder(m.elderID)
        w.maskedIDNumber = m.masked
        w.canteenID.value = m.canteenID
        w.day = date(m.day)
        w.servedAt = Google_Protobuf_Timestamp(date: m.servedAt)
        w.tier = ProtoEnums.tier(m.tier)
        w.menuPrice = money(m.menuPriceFen)
        w.subsidy = money(m.subsidyFen)
        w.payable = money(m.payableFen)
        w.fullPrice = m.fullPrice
        return w
    }

    static func settlement(_ s: SettlementRecord) -> Township_Canteen_V1_Settlement {
        var w = Township_Canteen_V1_Settlement()
        w.settlementID.value = s.id
        w.operatorID.value = s.operatorID
        w.month = s.month
        w.lines = s.lines.map { l in
            var wl = Township_Canteen_V1_SettlementLine()
            wl.mealID.value = WireIDs.meal(l.mealID)
            wl.canteenID.value = l.canteenID
            wl.day = date(l.day)
            wl.maskedIDNumber = l.masked
            wl.subsidy = money(l.subsidyFen)
            return wl
        }
        w.totalSubsidy = money(s.totalFen)
        w.digest = s.digest
        w.refused = s.refused.map { c in
            var wc = Township_Canteen_V1_RefusedClaim()
            wc.reason = ProtoEnums.refusal(c.reason)
            wc.canteenID.value = c.canteenID
            wc.day = date(c.day)
            wc.maskedIDNumber = c.masked ?? ""
            if let meal = c.mealID { wc.mealID.value = WireIDs.meal(meal) }
            if let fen = c.subsidyFen { wc.subsidyClaimed = money(fen) }
            return wc
        }
        w.issuedAt = Google_Protobuf_Timestamp(date: s.issuedAt)
        w.digestVerified = s.digestVerified
        return w
    }

    static func subsidyTable(_ t: SubsidyTable) -> Township_Canteen_V1_SubsidyTable {
        var w = Township_Canteen_V1_SubsidyTable()
        w.tiers = AgeTier.allCases.map { tier in
            var wt = Township_Canteen_V1_TierSubsidy()
            wt.tier = ProtoEnums.tier(tier); wt.amount = money(t.perTier[tier] ?? 0)
            return wt
        }
        w.flags = SubsidyFlag.allCases.map { flag in
            var wf = Township_Canteen_V1_FlagSubsidy()
            wf.flag = ProtoEnums.flag(flag); wf.amount = money(t.perFlag[flag] ?? 0)
            return wf
        }
        w.maximumPerMeal = money(t.maximumPerMeal)
        return w
    }

    static func reach(_ r: WalkingReach) -> Township_Canteen_V1_WalkingReach {
        var w = Township_Canteen_V1_WalkingReach()
        w.minutes = r.minutes; w.speedKmPerHour = r.speedKilometresPerHour; w.detourFactor = r.detourFactor
        return w
    }
}
