import GRDB

/// Versioned schema. Migrations are append-only: never edit a shipped one, add the next.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-reference-tickets-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE village (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
                CREATE TABLE grid (id TEXT PRIMARY KEY, village_id TEXT NOT NULL REFERENCES village(id),
                    level INTEGER NOT NULL, parent_id TEXT, name TEXT NOT NULL);
                CREATE TABLE grid_worker (user_id TEXT PRIMARY KEY, name TEXT NOT NULL,
                    grid_id TEXT NOT NULL REFERENCES grid(id), level INTEGER NOT NULL);
                CREATE TABLE department (id TEXT PRIMARY KEY, name TEXT NOT NULL);
                CREATE TABLE category (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
                    parent_id TEXT, deadline_rule TEXT NOT NULL);
                CREATE TABLE department_category (department_id TEXT NOT NULL REFERENCES department(id),
                    category_id TEXT NOT NULL REFERENCES category(id), PRIMARY KEY (department_id, category_id)) WITHOUT ROWID;

                CREATE TABLE ticket_number_counter (township TEXT NOT NULL, year INTEGER NOT NULL,
                    last_value INTEGER NOT NULL, PRIMARY KEY (township, year)) WITHOUT ROWID;

                CREATE TABLE ticket (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    township TEXT NOT NULL,
                    number TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    reporter_name TEXT NOT NULL,
                    reporter_phone TEXT NOT NULL,
                    reporter_user_id TEXT,
                    village_id TEXT NOT NULL,
                    grid_id TEXT,
                    latitude REAL,
                    longitude REAL,
                    address TEXT,
                    category_id TEXT,
                    description TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    status TEXT NOT NULL,
                    outcome TEXT,
                    owner_user_id TEXT,
                    handling_level TEXT,
                    department_id TEXT,
                    duplicate_of INTEGER REFERENCES ticket(id),
                    rejection_reason TEXT,
                    result_note TEXT,
                    due_at INTEGER,
                    next_deadline_check_at INTEGER,
                    escalation_level INTEGER NOT NULL DEFAULT 0,
                    satisfied INTEGER,
                    reopen_count INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    responded_at INTEGER,
                    replied_at INTEGER,
                    closed_at INTEGER,
                    ledger_length INTEGER NOT NULL,
                    ledger_head TEXT NOT NULL,
                    UNIQUE (township, number)
                );
                -- Keyset pagination runs newest first on (created_at, id); each filter column
                -- leads an index that ends with the same pair so a filtered page is an index range.
                CREATE INDEX ticket_by_created ON ticket(created_at, id);
                CREATE INDEX ticket_by_status ON ticket(status, created_at, id);
                CREATE INDEX ticket_by_village ON ticket(village_id, created_at, id);
                CREATE INDEX ticket_by_grid ON ticket(grid_id, created_at, id);
                CREATE INDEX ticket_by_category ON ticket(category_id, created_at, id);
                CREATE INDEX ticket_by_department ON ticket(department_id, created_at, id);
                CREATE INDEX ticket_by_owner ON ticket(owner_user_id, created_at, id);
                CREATE INDEX ticket_by_channel ON ticket(channel, created_at, id);
                CREATE INDEX ticket_by_reporter ON ticket(reporter_user_id, created_at, id) WHERE reporter_user_id IS NOT NULL;
                CREATE INDEX ticket_overdue ON ticket(due_at)
                    WHERE status IN ('accepted', 'dispatched', 'signed', 'in_progress');
                CREATE INDEX ticket_deadline_check ON ticket(next_deadline_check_at)
                    WHERE next_deadline_check_at IS NOT NULL;

                CREATE TABLE ledger_event (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    ticket_id INTEGER NOT NULL REFERENCES ticket(id),
                    sequence INTEGER NOT NULL,
                    actor_user_id TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    action TEXT NOT NULL,
                    note TEXT,
                    details TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    UNIQUE (ticket_id, sequence)
                );
                -- Append-only in the database too; verifyLedger catches whoever bypasses this.
                CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event
                    BEGIN SELECT RAISE(ABORT, 'ledger_event is append-only'); END;
                CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event
                    BEGIN SELECT RAISE(ABORT, 'ledger_event is append-only'); END;

                CREATE TABLE attachment (
                    id TEXT PRIMARY KEY,
                    ticket_id INTEGER NOT NULL REFERENCES ticket(id),
                    media_type TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    uploaded_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX attachment_by_ticket ON attachment(ticket_id);

                -- Which deadline notices were emitted, keyed by the due time they were about,
                -- so a restarted scheduler never emits one twice.
                CREATE TABLE deadline_notice (
                    ticket_id INTEGER NOT NULL REFERENCES ticket(id),
                    due_at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    emitted_at INTEGER NOT NULL,
                    PRIMARY KEY (ticket_id, due_at, kind)
                ) WITHOUT ROWID;

                -- Full-text index over pre-segmented descriptions (see ChineseSearchTokenizer):
                -- CJK runs become unigrams and bigrams, so Chinese queries of any length match.
                CREATE VIRTUAL TABLE ticket_search USING fts5(tokens, tokenize = 'unicode61', detail = none);
                """)
        }
        migrator.registerMigration("v2-statistics-covering-index") { db in
            // Every column the statistics read, so they scan this narrow index instead of the
            // wide rows (descriptions, phones); village first, as leaders drill down by village.
            try db.execute(sql: """
                CREATE INDEX ticket_statistics ON ticket(village_id, status, category_id, department_id, outcome,
                    satisfied, responded_at, due_at, created_at, closed_at)
                """)
        }
        migrator.registerMigration("v3-submission-requests") { db in
            // Retries of a submission (same requester, same client request id) find the ticket
            // the first attempt created; recorded in the same transaction as the ticket.
            try db.execute(sql: """
                CREATE TABLE submission_request (requester TEXT NOT NULL, client_request_id TEXT NOT NULL,
                    ticket_id INTEGER NOT NULL REFERENCES ticket(id), PRIMARY KEY (requester, client_request_id)) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v4-statistics-cells") { db in
            try StatisticsCells.create(db)
        }
        migrator.registerMigration("v5-idempotent-calls") { db in
            // Completed calls by idempotency key, with their replies (proto-spec §6).
            try IdempotentCalls.createTable(db)
        }
        migrator.registerMigration("v6-unclaimed-attachments") { db in
            try UnclaimedAttachments.createTable(db)
        }
        migrator.registerMigration("v7-global-ledger-chain") { db in
            // The chain over all events and its signed checkpoints; existing events are linked here.
            try GlobalLedgerChain.createTable(db)
            try GlobalLedgerChain.backfill(db)
            try LedgerCheckpoints.createTable(db)
        }
        migrator.registerMigration("v8-open311-fields") { db in
            // What Open311 clients send besides the core fields (issue #17): kept, not dropped.
            try db.execute(sql: """
                ALTER TABLE ticket ADD COLUMN reporter_email TEXT;
                ALTER TABLE ticket ADD COLUMN reporter_device_id TEXT;
                ALTER TABLE ticket ADD COLUMN reporter_account_id TEXT;
                ALTER TABLE ticket ADD COLUMN media_url TEXT;
                ALTER TABLE ticket ADD COLUMN address_id TEXT;
                ALTER TABLE ticket ADD COLUMN zipcode TEXT;
                ALTER TABLE village ADD COLUMN latitude REAL;
                ALTER TABLE village ADD COLUMN longitude REAL;
                """)
        }
        migrator.registerMigration("v9-idempotent-calls-in-append-order") { db in
            try IdempotentCalls.moveToAppendOrder(db)
        }
        migrator.registerMigration("v10-close-duration-histogram") { db in
            // The median time to close from a histogram kept by triggers on closing and reopening.
            try CloseDurationHistogram.create(db)
        }
        return migrator
    }
}
