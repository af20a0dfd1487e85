import CanteenCore
import Foundation
import GRDB
import TownshipRandom

/// Loads the demo district (DemoDistrict: 13 communities, 12,568 elders at scale 1, 8
/// operating and 7 building canteens, the home-care stations) and a month of meals before
/// `today`, in a few transactions. Users for trying it out (the gateway's demo users among
/// them): operators `op-K01`… each at their canteen and `u-canteen` at K01; `u-resident` and
/// `family-1` are family members of elder E000001.
public enum DemoSeeder {
    public struct Report: Sendable {
        public var elders: Int
        public var canteens: Int
        public var stations: Int
        public var meals: Int
        public var seconds: Double
    }

    public static func canteenID(_ n: Int) -> String { String(format: "K%02d", n + 1) }
    public static func operatorID(_ n: Int) -> String { "OP\(n % 3 + 1)" }

    public static func load(into store: CanteenStore, scale: Double = 1, mealsPerCanteenPerDay: Int = 120, days: Int = 30, seed: UInt64 = 12,
                            progress: (@Sendable (String) -> Void)? = nil) throws -> Report {
        let started = Date()
        let today = store.today
        let district = DemoDistrict(seed: seed, scale: scale, referenceDay: today)
        progress?(String(format: "%.1f s: district generated: %d elders", Date().timeIntervalSince(started), district.elders.count))
        let registeredAt = store.clock.now().timeIntervalSince1970
        let communityIDs = Dictionary(uniqueKeysWithValues: district.communities.enumerated().map { ($1.name, String(format: "C%02d", $0 + 1)) })
        try store.pool.write { db in
            for (n, elder) in district.elders.enumerated() {
                let id = try ResidentIDNumber(elder.idNumber, today: today)
                let new = CanteenStore.NewElder(idNumber: elder.idNumber, name: "老人\(n + 1)", community: communityIDs[elder.community]!,
                                                home: district.plane.unproject(elder.position), address: "\(elder.community)\(n % 50 + 1)号",
                                                flags: elder.eligibility.flags, clientRequestID: nil)
                try CanteenStore.insertElder(db, protected: store.protector.protect(id), new: new, registeredAt: registeredAt)
                try db.cachedStatement(sql: "INSERT INTO cards (card_number, qr_token, elder_id, revoked, issued_at) VALUES (?, ?, ?, 0, ?)")
                    .execute(arguments: [String(format: "C%012d", n + 1), CanteenStore.randomToken(), db.lastInsertedRowID, registeredAt])
            }
            try db.execute(sql: "INSERT OR IGNORE INTO family_members (elder_id, user_id) VALUES (1, 'family-1'), (1, 'u-resident')")
        }
        progress?(String(format: "%.1f s: elders and cards stored", Date().timeIntervalSince(started)))
        let lunch = SittingRecord(name: "lunch", startMinute: 11 * 60, endMinute: 13 * 60)
        let supper = SittingRecord(name: "supper", startMinute: 17 * 60, endMinute: 18 * 60 + 30)
        var canteens: [CanteenRecord] = []
        for (n, c) in district.canteens.enumerated() {
            canteens.append(try store.putCanteen(CanteenRecord(
                id: canteenID(n), name: c.name, status: c.status == .operating ? .operating : .underConstruction,
                community: communityIDs[c.community]!, location: district.plane.unproject(c.position), seatsPerSitting: 80,
                sittings: [lunch, supper], operatorID: operatorID(n), operatorName: "助餐运营\(operatorID(n))", staffUserIDs: n == 0 ? ["op-\(canteenID(n))", "u-canteen"] : ["op-\(canteenID(n))"])))
        }
        for s in district.stations {
            try store.putStation(name: s.name, community: communityIDs[s.community]!, location: district.plane.unproject(s.position))
        }
        // A month of meals: each operating canteen serves elders of its community, each at most
        // once a day with the subsidy, at a menu price of 12 to 18 yuan.
        var rng = SplitMix64(seed: seed &+ 1)
        let byCommunity = Dictionary(grouping: district.elders.indices, by: { communityIDs[district.elders[$0].community]! })
        let allIndices = Array(district.elders.indices)
        var meals = 0
        let table = store.configuration.subsidyTable
        for back in stride(from: days, through: 0, by: -1) {
            let day = today.adding(days: -back)!
            try store.pool.write { db in
                for canteen in canteens {
                    let price = 1200 + 100 * Int.random(in: 0...6, using: &rng)
                    try db.execute(sql: "INSERT OR REPLACE INTO menus (canteen_id, day, dishes, meal_price_fen) VALUES (?, ?, ?, ?)",
                                   arguments: [canteen.id, day.description,
                                               #"[{"name":"红烧肉","priceFen":800},{"name":"清炒时蔬","priceFen":300},{"name":"米饭","priceFen":100}]"#, price])
                    guard canteen.status == .operating, back > 0 else { continue }
                    let pool = byCommunity[canteen.community] ?? allIndices
                    for _ in 0..<mealsPerCanteenPerDay {
                        let index = pool[Int.random(in: 0..<pool.count, using: &rng)]
                        let elder = district.elders[index]
                        guard let priced = try? table.price(menuPrice: price, eligibility: elder.eligibility, on: day) else { continue }
                        try db.cachedStatement(sql: "INSERT OR IGNORE INTO subsidised_days (elder_id, day) VALUES (?, ?)")
                            .execute(arguments: [index + 1, day.description])
                        let subsidy = db.changesCount == 1 ? priced.subsidy : 0
                        let servedAt = store.instant(day, minute: 11 * 60 + Int.random(in: 0..<90, using: &rng)).timeIntervalSince1970
                        try db.cachedStatement(sql: """
                            INSERT INTO meals (elder_id, canteen_id, operator_id, day, served_at, tier, menu_price_fen, subsidy_fen, full_price)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """).execute(arguments: [index + 1, canteen.id, canteen.operatorID, day.description, servedAt, priced.tier.rawValue, price,
                                             subsidy, subsidy == 0 && priced.subsidy > 0])
                        meals += 1
                    }
                }
            }
        }
        progress?(String(format: "%.1f s: %d meals over %d days stored", Date().timeIntervalSince(started), meals, days))
        return Report(elders: district.elders.count, canteens: canteens.count, stations: district.stations.count, meals: meals,
                      seconds: Date().timeIntervalSince(started))
    }
}
