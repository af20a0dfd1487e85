import GRDB

/// Reference-data tables. Replacing is upsert-only: rows tickets still point to are kept.
public enum ReferenceDataStorage {
    static func replace(_ data: ReferenceData, db: Database) throws {
        for v in data.villages {
            try db.execute(sql: """
                INSERT INTO village (id, name, kind, latitude, longitude) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET
                    name = excluded.name, kind = excluded.kind, latitude = excluded.latitude, longitude = excluded.longitude
                """, arguments: [v.id, v.name, v.kind.rawValue, v.center?.latitude, v.center?.longitude])
        }
        for g in data.grids {
            try db.execute(sql: """
                INSERT INTO grid (id, village_id, level, parent_id, name) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET village_id = excluded.village_id, level = excluded.level,
                    parent_id = excluded.parent_id, name = excluded.name
                """, arguments: [g.id, g.villageID, g.level, g.parentID, g.name])
        }
        try db.execute(sql: "DELETE FROM grid_worker")
        for w in data.gridWorkers {
            try db.execute(sql: "INSERT INTO grid_worker (user_id, name, grid_id, level) VALUES (?, ?, ?, ?)",
                           arguments: [w.userID, w.name, w.gridID, w.level])
        }
        for c in data.categories {
            try db.execute(sql: """
                INSERT INTO category (id, name, kind, parent_id, deadline_rule) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
                    deadline_rule = excluded.deadline_rule
                """, arguments: [c.id, c.name, c.kind.rawValue, c.parentID, c.deadlineRule.description])
        }
        try db.execute(sql: "DELETE FROM department_category")
        for d in data.departments {
            try db.execute(sql: "INSERT INTO department (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                           arguments: [d.id, d.name])
            for c in d.categoryIDs {
                try db.execute(sql: "INSERT INTO department_category (department_id, category_id) VALUES (?, ?)", arguments: [d.id, c])
            }
        }
    }

    public static func load(_ db: Database) throws -> ReferenceData {
        let villages = try Row.fetchAll(db, sql: "SELECT * FROM village ORDER BY id").map { row in
            Village(id: row["id"], name: row["name"], kind: Village.Kind(rawValue: row["kind"]) ?? .village,
                    center: (row["latitude"] as Double?).flatMap { la in (row["longitude"] as Double?).map { GeoPoint(latitude: la, longitude: $0) } })
        }
        let grids = try Row.fetchAll(db, sql: "SELECT * FROM grid ORDER BY id").map { row in
            Grid(id: row["id"], villageID: row["village_id"], level: row["level"], parentID: row["parent_id"], name: row["name"])
        }
        let workers = try Row.fetchAll(db, sql: "SELECT * FROM grid_worker ORDER BY user_id").map { row in
            GridWorker(userID: row["user_id"], name: row["name"], gridID: row["grid_id"], level: row["level"])
        }
        let categories = try Row.fetchAll(db, sql: "SELECT * FROM category ORDER BY id").map { row in
            let kind: CategoryKind = try RowCoding.decodeEnum(row["kind"], "category kind")
            let ruleText: String = row["deadline_rule"]
            guard let rule = DeadlineRule(stored: ruleText) else { throw IntakeError.invalidInput("stored deadline rule '\(ruleText)'") }
            return Category(id: row["id"], name: row["name"], kind: kind, parentID: row["parent_id"], deadlineRule: rule)
        }
        var handled: [DepartmentID: [CategoryID]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT department_id, category_id FROM department_category ORDER BY category_id") {
            handled[row["department_id"], default: []].append(row["category_id"])
        }
        let departments = try Row.fetchAll(db, sql: "SELECT * FROM department ORDER BY id").map { row in
            let id: String = row["id"]
            return Department(id: id, name: row["name"], categoryIDs: handled[id] ?? [])
        }
        return ReferenceData(villages: villages, grids: grids, gridWorkers: workers, departments: departments, categories: categories)
    }
}
