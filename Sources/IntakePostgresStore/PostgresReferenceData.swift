import GRDB
import IntakeCore
import Logging
import PostgresNIO

/// Villages, grids, grid workers, departments and categories in PostgreSQL: upserted, so a
/// re-seed keeps what tickets refer to (as the SQLite store's `ReferenceDataStorage`).
enum PostgresReferenceData {
    static func replace(_ data: ReferenceData, _ db: PostgresConnection, _ logger: Logger) async throws {
        for v in data.villages {
            try await db.execute("""
                INSERT INTO village (id, name, kind, latitude, longitude) VALUES (\(v.id), \(v.name), \(v.kind.rawValue),
                    \(v.center?.latitude), \(v.center?.longitude))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                    latitude = excluded.latitude, longitude = excluded.longitude
                """, logger)
        }
        for g in data.grids {
            try await db.execute("""
                INSERT INTO grid (id, village_id, level, parent_id, name) VALUES (\(g.id), \(g.villageID), \(Int64(g.level)), \(g.parentID), \(g.name))
                ON CONFLICT (id) DO UPDATE SET village_id = excluded.village_id, level = excluded.level,
                    parent_id = excluded.parent_id, name = excluded.name
                """, logger)
        }
        try await db.execute("DELETE FROM grid_worker", logger)
        for w in data.gridWorkers {
            try await db.execute("""
                INSERT INTO grid_worker (user_id, name, grid_id, level) VALUES (\(w.userID), \(w.name), \(w.gridID), \(Int64(w.level)))
                """, logger)
        }
        for c in data.categories {
            try await db.execute("""
                INSERT INTO category (id, name, kind, parent_id, deadline_rule) VALUES (\(c.id), \(c.name), \(c.kind.rawValue), \(c.parentID),
                    \(c.deadlineRule.description))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
                    deadline_rule = excluded.deadline_rule
                """, logger)
        }
        try await db.execute("DELETE FROM department_category", logger)
        for d in data.departments {
            try await db.execute("INSERT INTO department (id, name) VALUES (\(d.id), \(d.name)) ON CONFLICT (id) DO UPDATE SET name = excluded.name", logger)
            for c in d.categoryIDs {
                try await db.execute("INSERT INTO department_category (department_id, category_id) VALUES (\(d.id), \(c))", logger)
            }
        }
    }

    static func load(_ db: PostgresConnection, _ logger: Logger) async throws -> ReferenceData {
        let villages = try await db.rows("SELECT * FROM village ORDER BY id", logger).map { row in
            Village(id: row["id"], name: row["name"], kind: Village.Kind(rawValue: row["kind"]) ?? .village,
                    center: (row["latitude"] as Double?).flatMap { la in (row["longitude"] as Double?).map { GeoPoint(latitude: la, longitude: $0) } })
        }
        let grids = try await db.rows("SELECT * FROM grid ORDER BY id", logger).map { row in
            Grid(id: row["id"], villageID: row["village_id"], level: row["level"], parentID: row["parent_id"], name: row["name"])
        }
        let workers = try await db.rows("SELECT * FROM grid_worker ORDER BY user_id", logger).map { row in
            GridWorker(userID: row["user_id"], name: row["name"], gridID: row["grid_id"], level: row["level"])
        }
        let categories = try await db.rows("SELECT * FROM category ORDER BY id", logger).map { row in
            let kind: CategoryKind = try RowCoding.decodeEnum(row["kind"], "category kind")
            let ruleText: String = row["deadline_rule"]
            guard let rule = DeadlineRule(stored: ruleText) else { throw IntakeError.invalidInput("stored deadline rule '\(ruleText)'") }
            return Category(id: row["id"], name: row["name"], kind: kind, parentID: row["parent_id"], deadlineRule: rule)
        }
        var handled: [DepartmentID: [CategoryID]] = [:]
        for row in try await db.rows("SELECT department_id, category_id FROM department_category ORDER BY category_id", logger) {
            handled[row["department_id"], default: []].append(row["category_id"])
        }
        let departments = try await db.rows("SELECT * FROM department ORDER BY id", logger).map { row in
            let id: String = row["id"]
            return Department(id: id, name: row["name"], categoryIDs: handled[id] ?? [])
        }
        return ReferenceData(villages: villages, grids: grids, gridWorkers: workers, departments: departments, categories: categories)
    }
}
