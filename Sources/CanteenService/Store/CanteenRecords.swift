import CanteenCore
import Foundation

/// An elder as the store keeps them (no whole ID number).
public struct ElderRecord: Sendable, Hashable {
    public var id: Int64
    public var masked: String
    public var name: String
    public var birthDate: CivilDate
    public var community: String
    public var home: GeoPoint
    public var address: String
    public var flags: Set<SubsidyFlag>
    public var end: EligibilityEnd?
    public var cardNumber: String?
    public var familyUserIDs: [String]

    public var eligibility: Eligibility { Eligibility(birthDate: birthDate, flags: flags, end: end) }
    public var wireID: String { WireIDs.elder(id) }
}

public struct CardRecord: Sendable, Hashable {
    public var cardNumber: String
    /// Only in IssueCard's answer; empty when read back.
    public var qrToken: String
    public var elderID: Int64
    public var revoked: Bool
    public var issuedAt: Date
}

public struct SittingRecord: Sendable, Hashable, Codable {
    public var name: String
    /// Minutes after midnight, local time.
    public var startMinute: Int
    public var endMinute: Int
}

public enum CanteenState: String, Sendable, Hashable {
    case operating
    case underConstruction = "under_construction"
}

public struct CanteenRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    public var status: CanteenState
    public var community: String
    public var location: GeoPoint
    public var seatsPerSitting: Int
    public var sittings: [SittingRecord]
    public var operatorID: String
    public var operatorName: String
    public var staffUserIDs: [String]
}

public struct DishRecord: Sendable, Hashable, Codable {
    public var name: String
    public var priceFen: Int

    public init(name: String, priceFen: Int) {
        self.name = name
        self.priceFen = priceFen
    }
}

public struct MenuRecord: Sendable, Hashable {
    public var canteenID: String
    public var day: CivilDate
    public var dishes: [DishRecord]
    public var mealPriceFen: Int

    public init(canteenID: String, day: CivilDate, dishes: [DishRecord], mealPriceFen: Int) {
        self.canteenID = canteenID
        self.day = day
        self.dishes = dishes
        self.mealPriceFen = mealPriceFen
    }
}

public enum MealModeRecord: String, Sendable { case dineIn = "dine_in", delivery }
public enum ReservationState: String, Sendable { case active, cancelled, served, noShow = "no_show" }

public struct ReservationRecord: Sendable, Hashable {
    public var id: Int64
    public var elderID: Int64
    public var canteenID: String
    public var day: CivilDate
    public var sitting: String
    public var mode: MealModeRecord
    public var status: ReservationState
    public var reservedBy: String
}

public struct MealRecord: Sendable, Hashable {
    public var id: Int64
    public var elderID: Int64
    public var masked: String
    public var canteenID: String
    public var day: CivilDate
    public var servedAt: Date
    public var tier: AgeTier
    public var menuPriceFen: Int
    public var subsidyFen: Int
    public var fullPrice: Bool
    public var payableFen: Int { menuPriceFen - subsidyFen }
}

/// Why a claim was not paid (canteen.proto `RefusalReason`).
public enum RefusalKind: String, Sendable, CaseIterable {
    case unknownCard = "unknown_card"
    case cardRevoked = "card_revoked"
    case elderDeceased = "elder_deceased"
    case elderMovedAway = "elder_moved_away"
    case secondSubsidisedMeal = "second_subsidised_meal"
    case mealAfterCancellation = "meal_after_cancellation"

    static func ended(_ reason: EligibilityEnd.Reason) -> RefusalKind {
        reason == .death ? .elderDeceased : .elderMovedAway
    }
}

public struct SettlementLineRecord: Sendable, Hashable {
    public var mealID: Int64
    public var canteenID: String
    public var day: CivilDate
    public var masked: String
    public var subsidyFen: Int
}

public struct RefusedClaimRecord: Sendable, Hashable {
    public var reason: RefusalKind
    public var canteenID: String
    public var day: CivilDate
    public var masked: String?
    public var mealID: Int64?
    public var subsidyFen: Int?
}

public struct SettlementRecord: Sendable, Hashable {
    public var id: String
    public var operatorID: String
    public var month: String
    public var lines: [SettlementLineRecord]
    public var totalFen: Int
    public var digest: String
    public var refused: [RefusedClaimRecord]
    public var issuedAt: Date
    public var digestVerified: Bool
}

/// The wire form of the store's integer ids ("E000042").
public enum WireIDs {
    public static func elder(_ id: Int64) -> String { String(format: "E%06lld", id) }
    public static func reservation(_ id: Int64) -> String { String(format: "R%06lld", id) }
    public static func meal(_ id: Int64) -> String { String(format: "M%06lld", id) }

    /// The integer behind a wire id with `prefix`, or nil when the text is not one of ours
    /// (a well-formed id that names nothing is NOT_FOUND, which the caller decides).
    public static func parse(_ text: String, prefix: Character) -> Int64? {
        guard text.first == prefix, text.count <= 20, let n = Int64(text.dropFirst()), n > 0 else { return nil }
        return n
    }
}
