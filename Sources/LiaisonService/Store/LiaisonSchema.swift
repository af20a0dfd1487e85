import GRDB

/// The store's tables, one versioned migration each change (never edited once shipped).
enum LiaisonSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE liaison (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    department_id TEXT
                );
                CREATE TABLE organisation (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    credit_code TEXT NOT NULL UNIQUE
                );
                -- Assignments are never rewritten except to end the current one (until_s).
                CREATE TABLE assignment (
                    id INTEGER PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisation(id),
                    liaison_id TEXT NOT NULL REFERENCES liaison(id),
                    from_s INTEGER NOT NULL,
                    until_s INTEGER
                );
                CREATE INDEX assignment_by_organisation ON assignment(organisation_id, from_s);
                CREATE INDEX assignment_by_liaison ON assignment(liaison_id);
                CREATE TABLE visit (
                    id INTEGER PRIMARY KEY,
                    liaison_id TEXT NOT NULL,
                    organisation_id TEXT NOT NULL,
                    date TEXT NOT NULL,
                    findings TEXT NOT NULL,
                    follow_ups TEXT NOT NULL
                );
                CREATE INDEX visit_by_liaison ON visit(liaison_id);
                CREATE TABLE help (
                    id INTEGER PRIMARY KEY,
                    liaison_id TEXT NOT NULL,
                    organisation_id TEXT NOT NULL,
                    date TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    note TEXT NOT NULL
                );
                -- One row per problem item: the indexed columns the lists filter on, and the whole
                -- item (sources, timeline) as JSON in `body`.
                CREATE TABLE item (
                    id INTEGER PRIMARY KEY,
                    period TEXT NOT NULL,
                    state TEXT NOT NULL,
                    type TEXT NOT NULL,
                    department_id TEXT,
                    body TEXT NOT NULL
                );
                CREATE INDEX item_by_period ON item(period, state);
                CREATE INDEX item_by_state ON item(state);
                CREATE TABLE item_organisation (
                    item_id INTEGER NOT NULL REFERENCES item(id),
                    organisation_id TEXT NOT NULL,
                    PRIMARY KEY (item_id, organisation_id)
                );
                CREATE INDEX item_organisation_by_organisation ON item_organisation(organisation_id);
                -- client_request_id of the creating calls (RecordVisit, RecordHelp, FileProblem,
                -- MergeProblems, ReportProgress), per method and user: a retry returns the first result.
                CREATE TABLE client_request (
                    scope TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    result_id INTEGER NOT NULL,
                    at_s INTEGER NOT NULL,
                    PRIMARY KEY (scope, request_id)
                );
                """)
        }
        migrator.registerMigration("v2-idempotency-keys") { db in
            // Spec §6: a completed call's reply by (caller and principal, method, key), with its
            // request, kept for liaison.idempotencyKeyHours.
            try db.execute(sql: """
                CREATE TABLE idempotency_key (
                    scope TEXT NOT NULL,
                    method TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request BLOB NOT NULL,
                    response BLOB NOT NULL,
                    at_s INTEGER NOT NULL,
                    PRIMARY KEY (scope, method, key)
                );
                CREATE INDEX idempotency_key_by_age ON idempotency_key(at_s);
                """)
        }
        migrator.registerMigration("v3-referrals") { db in
            // #14: a difficult item referred to intake. The referral lives in the item's body
            // with the rest of it; these columns mirror what the referral pass and the office
            // look for (written by every save). The outbox row is written in the same
            // transaction as the referral and deleted in the one that records the ticket, so a
            // referral is never lost and never filed twice (its idempotency key is fixed).
            try db.execute(sql: """
                ALTER TABLE item ADD COLUMN referral_state TEXT;
                ALTER TABLE item ADD COLUMN referral_ticket_number TEXT;
                ALTER TABLE item ADD COLUMN referral_ticket_status TEXT;
                ALTER TABLE item ADD COLUMN referral_attempts INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE item ADD COLUMN referral_last_error TEXT;
                CREATE INDEX item_by_referral_state ON item(referral_state) WHERE referral_state IS NOT NULL;
                CREATE TABLE referral_outbox (
                    item_id INTEGER PRIMARY KEY NOT NULL REFERENCES item(id),
                    idempotency_key TEXT NOT NULL UNIQUE,
                    request BLOB NOT NULL,
                    created_at_s INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }
}
