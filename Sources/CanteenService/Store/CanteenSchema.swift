import GRDB

/// The canteen-meals database, by versioned migrations. Whole ID numbers are never stored:
/// `elders.lookup_digest` is their keyed digest, `elders.masked` what screens show.
enum CanteenSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-elders-canteens-meals-settlements") { db in
            try db.execute(sql: """
                CREATE TABLE elders (
                    id INTEGER PRIMARY KEY,
                    lookup_digest TEXT NOT NULL UNIQUE,
                    masked TEXT NOT NULL,
                    name TEXT NOT NULL,
                    birth_date TEXT NOT NULL,
                    community TEXT NOT NULL,
                    latitude REAL NOT NULL,
                    longitude REAL NOT NULL,
                    address TEXT NOT NULL,
                    flags TEXT NOT NULL,
                    end_reason TEXT,
                    end_from TEXT,
                    client_request_id TEXT UNIQUE,
                    registered_at REAL NOT NULL
                );
                CREATE INDEX elders_by_community ON elders(community, id);
                CREATE TABLE family_members (
                    elder_id INTEGER NOT NULL REFERENCES elders(id),
                    user_id TEXT NOT NULL,
                    PRIMARY KEY (elder_id, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX family_by_user ON family_members(user_id);
                CREATE TABLE cards (
                    card_number TEXT PRIMARY KEY,
                    qr_token TEXT NOT NULL UNIQUE,
                    elder_id INTEGER NOT NULL REFERENCES elders(id),
                    revoked INTEGER NOT NULL DEFAULT 0,
                    revoke_reason TEXT,
                    issued_at REAL NOT NULL,
                    client_request_id TEXT UNIQUE
                );
                CREATE INDEX cards_by_elder ON cards(elder_id);
                CREATE TABLE canteens (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    status TEXT NOT NULL,
                    community TEXT NOT NULL,
                    latitude REAL NOT NULL,
                    longitude REAL NOT NULL,
                    seats_per_sitting INTEGER NOT NULL,
                    sittings TEXT NOT NULL,
                    operator_id TEXT NOT NULL,
                    operator_name TEXT NOT NULL,
                    staff_user_ids TEXT NOT NULL
                );
                CREATE TABLE stations (
                    name TEXT PRIMARY KEY,
                    community TEXT NOT NULL,
                    latitude REAL NOT NULL,
                    longitude REAL NOT NULL
                );
                CREATE TABLE menus (
                    canteen_id TEXT NOT NULL REFERENCES canteens(id),
                    day TEXT NOT NULL,
                    dishes TEXT NOT NULL,
                    meal_price_fen INTEGER NOT NULL,
                    PRIMARY KEY (canteen_id, day)
                ) WITHOUT ROWID;
                CREATE TABLE reservations (
                    id INTEGER PRIMARY KEY,
                    elder_id INTEGER NOT NULL REFERENCES elders(id),
                    canteen_id TEXT NOT NULL REFERENCES canteens(id),
                    day TEXT NOT NULL,
                    sitting TEXT NOT NULL,
                    mode TEXT NOT NULL,
                    status TEXT NOT NULL,
                    reserved_by TEXT NOT NULL,
                    client_request_id TEXT UNIQUE
                );
                CREATE INDEX reservations_by_sitting ON reservations(canteen_id, day, sitting, status);
                -- One live reservation per elder, day and sitting.
                CREATE UNIQUE INDEX one_reservation_per_sitting ON reservations(elder_id, day, sitting)
                    WHERE status <> 'cancelled';
                CREATE TABLE meals (
                    id INTEGER PRIMARY KEY,
                    elder_id INTEGER NOT NULL REFERENCES elders(id),
                    canteen_id TEXT NOT NULL REFERENCES canteens(id),
                    operator_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    served_at REAL NOT NULL,
                    tier TEXT NOT NULL,
                    menu_price_fen INTEGER NOT NULL,
                    subsidy_fen INTEGER NOT NULL,
                    full_price INTEGER NOT NULL,
                    reservation_id INTEGER,
                    client_request_id TEXT UNIQUE
                );
                CREATE INDEX meals_by_day ON meals(day, canteen_id);
                CREATE INDEX meals_by_operator ON meals(operator_id, day);
                -- The once-a-day rule: one subsidised meal per elder per day, across all canteens.
                -- The check-in inserts here in the transaction that records the meal; the
                -- primary key decides between concurrent check-ins.
                CREATE TABLE subsidised_days (
                    elder_id INTEGER NOT NULL,
                    day TEXT NOT NULL,
                    PRIMARY KEY (elder_id, day)
                ) WITHOUT ROWID;
                CREATE TABLE refused_claims (
                    id INTEGER PRIMARY KEY,
                    canteen_id TEXT NOT NULL,
                    operator_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    masked TEXT,
                    subsidy_fen INTEGER,
                    client_request_id TEXT UNIQUE
                );
                CREATE INDEX refused_by_operator ON refused_claims(operator_id, day);
                CREATE TABLE settlements (
                    id TEXT PRIMARY KEY,
                    operator_id TEXT NOT NULL,
                    month TEXT NOT NULL,
                    total_fen INTEGER NOT NULL,
                    digest TEXT NOT NULL,
                    issued_at REAL NOT NULL,
                    UNIQUE (operator_id, month)
                );
                CREATE TABLE settlement_lines (
                    settlement_id TEXT NOT NULL REFERENCES settlements(id),
                    seq INTEGER NOT NULL,
                    meal_id INTEGER NOT NULL,
                    canteen_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    masked TEXT NOT NULL,
                    subsidy_fen INTEGER NOT NULL,
                    PRIMARY KEY (settlement_id, seq)
                ) WITHOUT ROWID;
                CREATE TABLE settlement_refusals (
                    settlement_id TEXT NOT NULL REFERENCES settlements(id),
                    seq INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    canteen_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    masked TEXT,
                    meal_id INTEGER,
                    subsidy_fen INTEGER,
                    PRIMARY KEY (settlement_id, seq)
                ) WITHOUT ROWID;
                """)
            // Issued settlements are immutable: the database itself refuses to change them.
            for table in ["settlements", "settlement_lines", "settlement_refusals"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'issued settlements are immutable'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'issued settlements are immutable'); END;
                    """)
            }
        }
        return migrator
    }
}
