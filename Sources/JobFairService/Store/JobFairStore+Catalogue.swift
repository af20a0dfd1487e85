import GRDB
import JobFairCore

/// Fairs, enterprises and positions.
extension JobFairStore {
    public func createFair(_ fair: Fair, clientRequestID: String) async throws -> Fair {
        try await pool.write { db in
            if let id = try Int.fetchOne(db, sql: "SELECT id FROM fairs WHERE client_request_id = ?", arguments: [clientRequestID]) {
                return try Self.fair(db, id)
            }
            try db.execute(sql: "INSERT INTO fairs (id, name, start_date, end_date, venue, organiser, client_request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [fair.id > 0 ? fair.id : nil, fair.name, fair.startDate, fair.endDate, fair.venue, fair.organiser, clientRequestID])
            return try Self.fair(db, Int(db.lastInsertedRowID))
        }
    }

    public func fair(_ id: Int) async throws -> Fair {
        try await pool.read { db in try Self.fair(db, id) }
    }

    public func fairs() async throws -> [Fair] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fairs ORDER BY id DESC").map(Self.fair(row:))
        }
    }

    static func fair(_ db: Database, _ id: Int) throws -> Fair {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM fairs WHERE id = ?", arguments: [id]) else { throw notFound("fair", id) }
        return fair(row: row)
    }

    static func fair(row: Row) -> Fair {
        Fair(id: row["id"], name: row["name"], startDate: row["start_date"], endDate: row["end_date"], venue: row["venue"], organiser: row["organiser"])
    }

    // MARK: Enterprises

    public func registerEnterprise(_ record: EnterpriseRecord, clientRequestID: String) async throws -> EnterpriseRecord {
        try await pool.write { db in
            if let id = try Int.fetchOne(db, sql: "SELECT id FROM enterprises WHERE client_request_id = ?", arguments: [clientRequestID]) {
                return try Self.enterprise(db, id)
            }
            let e = record.enterprise
            if let holder = try Int.fetchOne(db, sql: "SELECT id FROM enterprises WHERE credit_code = ?", arguments: [e.creditCode]) {
                throw JobFairError.alreadyExists(reason: "CREDIT_CODE_TAKEN", "enterprise \(holder) is already registered with the credit code \(e.creditCode)")
            }
            try db.execute(sql: "INSERT INTO enterprises (id, name, credit_code, sector, address, client_request_id) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [e.id > 0 ? e.id : nil, e.name, e.creditCode, e.sector.rawValue, e.address, clientRequestID])
            let id = Int(db.lastInsertedRowID)
            for user in Set(record.employerUserIDs) {
                try db.execute(sql: "INSERT INTO enterprise_employers (enterprise_id, user_id) VALUES (?, ?)", arguments: [id, user])
            }
            return try Self.enterprise(db, id)
        }
    }

    public func enterprise(_ id: Int) async throws -> EnterpriseRecord {
        try await pool.read { db in try Self.enterprise(db, id) }
    }

    /// All enterprises by id, or those `userID` manages.
    public func enterprises(managedBy userID: String? = nil) async throws -> [EnterpriseRecord] {
        try await pool.read { db in
            let ids = try userID.map { try Int.fetchAll(db, sql: "SELECT enterprise_id FROM enterprise_employers WHERE user_id = ? ORDER BY enterprise_id", arguments: [$0]) }
                ?? Int.fetchAll(db, sql: "SELECT id FROM enterprises ORDER BY id")
            return try ids.map { try Self.enterprise(db, $0) }
        }
    }

    /// Whether `userID` manages enterprise `id`.
    public func manages(_ userID: String, enterprise id: Int) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM enterprise_employers WHERE user_id = ? AND enterprise_id = ?)", arguments: [userID, id])!
        }
    }

    static func enterprise(_ db: Database, _ id: Int) throws -> EnterpriseRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM enterprises WHERE id = ?", arguments: [id]) else { throw notFound("enterprise", id) }
        let users = try String.fetchAll(db, sql: "SELECT user_id FROM enterprise_employers WHERE enterprise_id = ? ORDER BY user_id", arguments: [id])
        return EnterpriseRecord(enterprise: Enterprise(id: id, name: row["name"], creditCode: row["credit_code"],
                                                       sector: Sector(rawValue: row["sector"]) ?? .services, address: row["address"]),
                                employerUserIDs: users)
    }

    // MARK: Positions

    /// Adds a position; RESOURCE_EXHAUSTED when its enterprise already offers
    /// `maxPositionsPerEnterprise` at the fair.
    public func createPosition(_ record: PositionRecord, clientRequestID: String) async throws -> PositionRecord {
        let limit = limits.maxPositionsPerEnterprise
        return try await pool.write { db in
            if let id = try Int.fetchOne(db, sql: "SELECT id FROM positions WHERE client_request_id = ?", arguments: [clientRequestID]) {
                return try Self.position(db, id)
            }
            _ = try Self.fair(db, record.fairID)
            _ = try Self.enterprise(db, record.position.enterpriseID)
            let offered = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM positions WHERE fair_id = ? AND enterprise_id = ?",
                                           arguments: [record.fairID, record.position.enterpriseID])!
            guard offered < limit else {
                throw JobFairError.tooMany("enterprise \(record.position.enterpriseID) already offers \(offered) positions at fair \(record.fairID), the most allowed (jobFair.maxPositionsPerEnterprise)")
            }
            let p = record.position
            try db.execute(sql: """
                INSERT INTO positions (id, fair_id, enterprise_id, title, headcount, requirements, salary_min_yuan, salary_max_yuan, work_location, client_request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [p.id > 0 ? p.id : nil, record.fairID, p.enterpriseID, p.title, p.headcount, Self.json(p.requirements),
                                 p.salary.minimumYuanPerMonth, p.salary.maximumYuanPerMonth, Self.json(p.workLocation), clientRequestID])
            return try Self.position(db, Int(db.lastInsertedRowID))
        }
    }

    /// Replaces what may change of position `position.id` (not its fair or enterprise).
    public func updatePosition(_ position: Position) async throws -> PositionRecord {
        try await pool.write { db in
            _ = try Self.position(db, position.id)
            try db.execute(sql: """
                UPDATE positions SET title = ?, headcount = ?, requirements = ?, salary_min_yuan = ?, salary_max_yuan = ?, work_location = ?
                WHERE id = ?
                """, arguments: [position.title, position.headcount, Self.json(position.requirements), position.salary.minimumYuanPerMonth,
                                 position.salary.maximumYuanPerMonth, Self.json(position.workLocation), position.id])
            return try Self.position(db, position.id)
        }
    }

    public func position(_ id: Int) async throws -> PositionRecord {
        try await pool.read { db in try Self.position(db, id) }
    }

    public func positions(fairID: Int, enterpriseID: Int? = nil) async throws -> [PositionRecord] {
        try await pool.read { db in
            _ = try Self.fair(db, fairID)
            return try Self.positions(db, fairID: fairID, enterpriseID: enterpriseID)
        }
    }

    static func positions(_ db: Database, fairID: Int, enterpriseID: Int? = nil) throws -> [PositionRecord] {
        let rows = if let enterpriseID {
            try Row.fetchAll(db, sql: "SELECT p.*, r.position_id AS ranked FROM positions p LEFT JOIN rankings r ON r.position_id = p.id WHERE fair_id = ? AND enterprise_id = ? ORDER BY id",
                             arguments: [fairID, enterpriseID])
        } else {
            try Row.fetchAll(db, sql: "SELECT p.*, r.position_id AS ranked FROM positions p LEFT JOIN rankings r ON r.position_id = p.id WHERE fair_id = ? ORDER BY id",
                             arguments: [fairID])
        }
        return try rows.map(position(row:))
    }

    static func position(_ db: Database, _ id: Int) throws -> PositionRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT p.*, r.position_id AS ranked FROM positions p LEFT JOIN rankings r ON r.position_id = p.id WHERE id = ?",
                                         arguments: [id]) else { throw notFound("position", id) }
        return try position(row: row)
    }

    static func position(row: Row) throws -> PositionRecord {
        let position = Position(
            id: row["id"], enterpriseID: row["enterprise_id"], title: row["title"], headcount: row["headcount"],
            requirements: try decode(Requirements.self, row["requirements"]),
            salary: SalaryRange(minimumYuanPerMonth: row["salary_min_yuan"], maximumYuanPerMonth: row["salary_max_yuan"]),
            workLocation: try decode(Location.self, row["work_location"]))
        let ranked: Int? = row["ranked"]
        return PositionRecord(position: position, fairID: row["fair_id"], rankedByEmployer: ranked != nil)
    }
}
