import CanteenCore
import Foundation
import TownshipProtos

/// The limits every request field is held to (canteen.proto states them); a field beyond
/// them is INVALID_ARGUMENT naming it.
enum RequestValidation {
    static let maximumIDBytes = 64
    static let maximumNameCharacters = 64
    static let maximumAddressCharacters = 200
    static let maximumDishes = 50
    static let maximumSittings = 6
    static let maximumStaff = 50
    static let maximumSeats = 10_000
    /// No set meal costs more than 1,000 yuan.
    static let maximumMealPriceFen = 100_000

    static func id(_ text: String, _ field: String) throws -> String {
        guard !text.isEmpty else { throw CanteenRefusal.invalid(field, "is required") }
        guard text.utf8.count <= maximumIDBytes,
              text.utf8.allSatisfy(isIDByte) else {
            throw CanteenRefusal.invalid(field, "must be 1 to 64 bytes of letters, digits, '.', '_', ':' or '-'")
        }
        return text
    }

    private static func isIDByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"): return true
        default: return false
        }
    }

    static func optionalRequestID(_ text: String) throws -> String? {
        text.isEmpty ? nil : try id(text, "client_request_id")
    }

    static func text(_ text: String, _ field: String, maximum: Int, required: Bool = true) throws -> String {
        if required && text.trimmingCharacters(in: .whitespaces).isEmpty { throw CanteenRefusal.invalid(field, "is required") }
        guard text.count <= maximum else { throw CanteenRefusal.invalid(field, "must be at most \(maximum) characters") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CanteenRefusal.invalid(field, "must not contain control characters")
        }
        return text
    }

    static func date(_ wire: Township_Common_V1_LocalDate, _ field: String) throws -> CivilDate {
        guard (2000...2100).contains(wire.year), let date = CivilDate(year: Int(wire.year), month: Int(wire.month), day: Int(wire.day)) else {
            throw CanteenRefusal.invalid(field, "must be a calendar date in 2000...2100")
        }
        return date
    }

    static func geo(_ wire: Township_Common_V1_GeoPoint, _ field: String) throws -> GeoPoint {
        guard wire.latitude.isFinite, wire.longitude.isFinite, (-90...90).contains(wire.latitude), (-180...180).contains(wire.longitude),
              !(wire.latitude == 0 && wire.longitude == 0) else {
            throw CanteenRefusal.invalid(field, "must be a WGS-84 point (latitude -90...90, longitude -180...180)")
        }
        return GeoPoint(latitude: wire.latitude, longitude: wire.longitude)
    }

    static func fen(_ wire: Township_Common_V1_Money, _ field: String, maximum: Int) throws -> Int {
        guard wire.currencyCode == "CNY" else { throw CanteenRefusal.invalid("\(field).currency_code", "must be CNY") }
        guard (0...Int64(maximum)).contains(wire.amountFen) else { throw CanteenRefusal.invalid("\(field).amount_fen", "must be within 0...\(maximum)") }
        return Int(wire.amountFen)
    }

    static func flags(_ wire: [Township_Canteen_V1_SubsidyFlag], _ field: String = "flags") throws -> Set<SubsidyFlag> {
        var out = Set<SubsidyFlag>()
        for (i, flag) in wire.enumerated() {
            guard let f = ProtoEnums.flag(flag) else { throw CanteenRefusal.invalid("\(field)[\(i)]", "is not a known subsidy flag") }
            guard out.insert(f).inserted else { throw CanteenRefusal.invalid("\(field)[\(i)]", "is repeated") }
        }
        return out
    }

    /// "HH:MM" → minutes after midnight.
    static func clock(_ text: String, _ field: String) throws -> Int {
        let parts = text.split(separator: ":")
        guard text.count == 5, parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else {
            throw CanteenRefusal.invalid(field, "must be HH:MM (24-hour)")
        }
        return h * 60 + m
    }

    static func elderID(_ wire: Township_Canteen_V1_ElderId, _ field: String = "elder_id") throws -> Int64 {
        let text = try id(wire.value, field)
        guard let n = WireIDs.parse(text, prefix: "E") else { throw CanteenRefusal.elderNotFound(text) }
        return n
    }

    static func reservationID(_ wire: Township_Canteen_V1_ReservationId, _ field: String = "reservation_id") throws -> Int64 {
        let text = try id(wire.value, field)
        guard let n = WireIDs.parse(text, prefix: "R") else {
            throw CanteenRefusal.notFound("RESERVATION_NOT_FOUND", "\(field): no reservation \(text)")
        }
        return n
    }

    static func reach(_ wire: Township_Canteen_V1_WalkingReach?, default standard: WalkingReach) throws -> WalkingReach {
        guard let wire else { return standard }
        let reach = WalkingReach(minutes: wire.minutes == 0 ? standard.minutes : wire.minutes,
                                 speedKilometresPerHour: wire.speedKmPerHour == 0 ? standard.speedKilometresPerHour : wire.speedKmPerHour,
                                 detourFactor: wire.detourFactor == 0 ? standard.detourFactor : wire.detourFactor)
        guard reach.minutes <= 120 else { throw CanteenRefusal.invalid("reach.minutes", "must be at most 120") }
        guard reach.speedKilometresPerHour <= 20 else { throw CanteenRefusal.invalid("reach.speed_km_per_hour", "must be at most 20") }
        guard reach.detourFactor <= 5 else { throw CanteenRefusal.invalid("reach.detour_factor", "must be at most 5") }
        return try reach.validated()
    }

    /// (after-id, limit) of a page request; the cursor is the last id of the previous page.
    static func page(_ wire: Township_Common_V1_PageRequest, configuration: CanteenConfiguration) throws -> (after: Int64, limit: Int) {
        guard wire.pageSize >= 0 else { throw CanteenRefusal.invalid("page.page_size", "must not be negative") }
        let limit = wire.pageSize == 0 ? configuration.defaultPageSize : min(Int(wire.pageSize), configuration.maximumPageSize)
        guard !wire.cursor.isEmpty else { return (0, limit) }
        guard wire.cursor.count <= 20, let after = Int64(wire.cursor), after >= 0 else {
            throw CanteenRefusal(.invalidArgument, "CURSOR_MISMATCH", "page.cursor: not a cursor this service returned", field: "page.cursor")
        }
        return (after, limit)
    }

    static func pageResponse(lastID: Int64?, full: Bool) -> Township_Common_V1_PageResponse {
        var page = Township_Common_V1_PageResponse()
        if full, let lastID { page.nextCursor = String(lastID) }
        return page
    }
}
