import CanteenCore
import Foundation
import GRDB

/// Canteens, meal points, home-care stations and daily menus.
extension CanteenStore {
    public func putCanteen(_ canteen: CanteenRecord) throws -> CanteenRecord {
        let sittings = String(decoding: try JSONEncoder().encode(canteen.sittings), as: UTF8.self)
        let staff = String(decoding: try JSONEncoder().encode(canteen.staffUserIDs), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO canteens (id, name, status, community, latitude, longitude, seats_per_sitting, sittings, operator_id,
                                      operator_name, staff_user_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, status = excluded.status, community = excluded.community,
                    latitude = excluded.latitude, longitude = excluded.longitude, seats_per_sitting = excluded.seats_per_sitting,
                    sittings = excluded.sittings, operator_id = excluded.operator_id, operator_name = excluded.operator_name,
                    staff_user_ids = excluded.staff_user_ids
                """, arguments: [canteen.id, canteen.name, canteen.status.rawValue, canteen.community, canteen.location.latitude,
                                 canteen.location.longitude, canteen.seatsPerSitting, sittings, canteen.operatorID,
                                 canteen.operatorName, staff])
        }
        return canteen
    }

    static func canteenRecord(_ row: Row) -> CanteenRecord {
        let sittings = (try? JSONDecoder().decode([SittingRecord].self, from: Data((row["sittings"] as String).utf8))) ?? []
        let staff = (try? JSONDecoder().decode([String].self, from: Data((row["staff_user_ids"] as String).utf8))) ?? []
        return CanteenRecord(id: row["id"], name: row["name"], status: CanteenState(rawValue: row["status"]) ?? .underConstruction,
                             community: row["community"], location: GeoPoint(latitude: row["latitude"], longitude: row["longitude"]),
                             seatsPerSitting: row["seats_per_sitting"], sittings: sittings, operatorID: row["operator_id"],
                             operatorName: row["operator_name"], staffUserIDs: staff)
    }

    static func canteen(_ db: Database, id: String) throws -> CanteenRecord {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM canteens WHERE id = ?"), arguments: [id]) else {
            throw CanteenRefusal.canteenNotFound(id)
        }
        return canteenRecord(row)
    }

    public func canteen(id: String) throws -> CanteenRecord {
        try pool.read { db in try Self.canteen(db, id: id) }
    }

    public func canteens() throws -> [CanteenRecord] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM canteens ORDER BY id").map(Self.canteenRecord) }
    }

    public func putStation(name: String, community: String, location: GeoPoint) throws {
        try pool.write { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO stations (name, community, latitude, longitude) VALUES (?, ?, ?, ?)").execute(
                           arguments: [name, community, location.latitude, location.longitude])
        }
    }

    public func stations() throws -> [(name: String, location: GeoPoint)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stations ORDER BY name").map {
                (name: $0["name"], location: GeoPoint(latitude: $0["latitude"], longitude: $0["longitude"]))
            }
        }
    }

    public func putMenu(_ menu: MenuRecord) throws -> MenuRecord {
        let dishes = String(decoding: try JSONEncoder().encode(menu.dishes), as: UTF8.self)
        try pool.write { db in
            _ = try Self.canteen(db, id: menu.canteenID)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO menus (canteen_id, day, dishes, meal_price_fen) VALUES (?, ?, ?, ?)").execute(
                           arguments: [menu.canteenID, menu.day.description, dishes, menu.mealPriceFen])
        }
        return menu
    }

    static func menu(_ db: Database, canteenID: String, day: CivilDate) throws -> MenuRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM menus WHERE canteen_id = ? AND day = ?"),
                                         arguments: [canteenID, day.description]) else { return nil }
        let dishes = (try? JSONDecoder().decode([DishRecord].self, from: Data((row["dishes"] as String).utf8))) ?? []
        return MenuRecord(canteenID: canteenID, day: day, dishes: dishes, mealPriceFen: row["meal_price_fen"])
    }

    public func menu(canteenID: String, day: CivilDate) throws -> MenuRecord {
        guard let menu = try pool.read({ db in try Self.menu(db, canteenID: canteenID, day: day) }) else {
            throw CanteenRefusal.notFound("MENU_NOT_FOUND", "day: canteen \(canteenID) has no menu for \(day)")
        }
        return menu
    }
}
