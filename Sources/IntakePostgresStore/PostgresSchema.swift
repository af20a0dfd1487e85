import Foundation
import Logging
import PostgresNIO

/// Versioned schema of the PostgreSQL store. Each migration runs once, in its own transaction,
/// recorded in `schema_migrations`; replicas starting together take an advisory lock first, so
/// one migrates and the others find it done. Append-only: never edit a shipped migration.
///
/// The tables and columns are those of the SQLite store (`Schema`), so both decode rows with
/// the one `RowCoding`: instants are BIGINT milliseconds, booleans 0/1.
enum PostgresSchema {
    /// Key of the advisory lock held while migrating ("intake" in ASCII).
    static let migrationLock: Int64 = 0x696E74616B65

    static let migrations: [(version: Int64, name: String, sql: String)] = [
        (1, "reference-tickets-ledger", v1),
    ]

    /// The newest version this build knows.
    static var latestVersion: Int64 { migrations.last!.version }

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.execute("SELECT pg_advisory_lock(\(migrationLock))", logger)
            do {
                try await connection.execute("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger)
                let applied = Set(try await connection.rows("SELECT version FROM schema_migrations", logger).map { $0["version"] as Int64 })
                for migration in migrations where !applied.contains(migration.version) {
                    logger.info("migrating", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    try await connection.withTransaction(logger: logger) { transaction in
                        // One statement per query: the extended protocol takes no more.
                        for statement in statements(migration.sql) {
                            try await transaction.execute(PostgresQuery(unsafeSQL: statement), logger)
                        }
                        try await transaction.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger)
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
            try await connection.execute("SELECT pg_advisory_unlock(\(migrationLock))", logger)
        }
    }

    /// A migration's statements: each ends with ";" at the end of a line (a ";" inside a line,
    /// as in a function body, does not end one).
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current += line + "\n"
            if line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                out.append(current)
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(current) }
        return out
    }

    /// The highest applied version (0: none).
    static func version(_ client: PostgresClient, logger: Logger) async throws -> Int64 {
        try await client.withConnection { try await version(on: $0, logger: logger) }
    }

    static func version(on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let exists = try await connection.scalar(Int64.self, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'schema_migrations'", logger) ?? 0
        guard exists > 0 else { return 0 }
        return try await connection.scalar(Int64.self, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger) ?? 0
    }

    private static let v1 = """
        CREATE TABLE village (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
            latitude DOUBLE PRECISION, longitude DOUBLE PRECISION);
        CREATE TABLE grid (id TEXT PRIMARY KEY, village_id TEXT NOT NULL REFERENCES village(id),
            level BIGINT NOT NULL, parent_id TEXT, name TEXT NOT NULL);
        CREATE TABLE grid_worker (user_id TEXT PRIMARY KEY, name TEXT NOT NULL,
            grid_id TEXT NOT NULL REFERENCES grid(id), level BIGINT NOT NULL);
        CREATE TABLE department (id TEXT PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE category (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
            parent_id TEXT, deadline_rule TEXT NOT NULL);
        CREATE TABLE department_category (department_id TEXT NOT NULL REFERENCES department(id),
            category_id TEXT NOT NULL REFERENCES category(id), PRIMARY KEY (department_id, category_id));

        -- One row per township and year; its row lock serialises number allocation, and a
        -- rolled-back submission gives its number back.
        CREATE TABLE ticket_number_counter (township TEXT NOT NULL, year BIGINT NOT NULL,
            last_value BIGINT NOT NULL, PRIMARY KEY (township, year));

        CREATE TABLE ticket (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            township TEXT NOT NULL,
            number TEXT NOT NULL,
            channel TEXT NOT NULL,
            reporter_name TEXT NOT NULL,
            reporter_phone TEXT NOT NULL,
            reporter_user_id TEXT,
            village_id TEXT NOT NULL,
            grid_id TEXT,
            latitude DOUBLE PRECISION,
            longitude DOUBLE PRECISION,
            address TEXT,
            category_id TEXT,
            description TEXT NOT NULL,
            priority TEXT NOT NULL,
            status TEXT NOT NULL,
            outcome TEXT,
            owner_user_id TEXT,
            handling_level TEXT,
            department_id TEXT,
            duplicate_of BIGINT REFERENCES ticket(id),
            rejection_reason TEXT,
            result_note TEXT,
            due_at BIGINT,
            next_deadline_check_at BIGINT,
            escalation_level BIGINT NOT NULL DEFAULT 0,
            satisfied BIGINT,
            reopen_count BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            responded_at BIGINT,
            replied_at BIGINT,
            closed_at BIGINT,
            ledger_length BIGINT NOT NULL,
            ledger_head TEXT NOT NULL,
            reporter_email TEXT,
            reporter_device_id TEXT,
            reporter_account_id TEXT,
            media_url TEXT,
            address_id TEXT,
            zipcode TEXT,
            -- The tokens of ChineseSearchTokenizer.indexText as lexemes, no parser in between
            -- (array_to_tsvector): the same tokens the SQLite store's FTS5 index holds.
            search tsvector NOT NULL,
            UNIQUE (township, number)
        );
        CREATE INDEX ticket_by_created ON ticket(created_at, id);
        CREATE INDEX ticket_by_status ON ticket(status, created_at, id);
        CREATE INDEX ticket_by_village ON ticket(village_id, created_at, id);
        CREATE INDEX ticket_by_grid ON ticket(grid_id, created_at, id);
        CREATE INDEX ticket_by_category ON ticket(category_id, created_at, id);
        CREATE INDEX ticket_by_department ON ticket(department_id, created_at, id);
        CREATE INDEX ticket_by_owner ON ticket(owner_user_id, created_at, id);
        CREATE INDEX ticket_by_reporter ON ticket(reporter_user_id, created_at, id) WHERE reporter_user_id IS NOT NULL;
        CREATE INDEX ticket_overdue ON ticket(due_at) WHERE status IN ('accepted', 'dispatched', 'signed', 'in_progress');
        CREATE INDEX ticket_deadline_check ON ticket(next_deadline_check_at) WHERE next_deadline_check_at IS NOT NULL;
        CREATE INDEX ticket_search ON ticket USING GIN (search);

        -- Positions are assigned under the global chain's head lock (ledger_chain_head), so
        -- they are dense and commit in order: a reader never skips one that commits later.
        CREATE TABLE ledger_event (
            position BIGINT PRIMARY KEY,
            ticket_id BIGINT NOT NULL REFERENCES ticket(id),
            sequence BIGINT NOT NULL,
            actor_user_id TEXT NOT NULL,
            actor_role TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            action TEXT NOT NULL,
            note TEXT,
            details TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            UNIQUE (ticket_id, sequence)
        );
        CREATE TABLE ledger_chain (position BIGINT PRIMARY KEY, chain_hash TEXT NOT NULL);
        -- The chain's head: one row, locked FOR UPDATE by every append (one chain, never a fork).
        CREATE TABLE ledger_chain_head (singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
            position BIGINT NOT NULL, chain_hash TEXT NOT NULL);
        INSERT INTO ledger_chain_head (position, chain_hash) VALUES (0, '0000000000000000000000000000000000000000000000000000000000000000');
        CREATE FUNCTION township_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
        CREATE TRIGGER ledger_event_append_only BEFORE UPDATE OR DELETE ON ledger_event
            FOR EACH ROW EXECUTE FUNCTION township_append_only();
        CREATE TRIGGER ledger_chain_append_only BEFORE UPDATE OR DELETE ON ledger_chain
            FOR EACH ROW EXECUTE FUNCTION township_append_only();
        CREATE TABLE ledger_checkpoint (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, position BIGINT NOT NULL,
            chain_hash TEXT NOT NULL, created_at BIGINT NOT NULL, mac TEXT NOT NULL);

        CREATE TABLE attachment (id TEXT PRIMARY KEY, ticket_id BIGINT NOT NULL REFERENCES ticket(id),
            media_type TEXT NOT NULL, file_name TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL,
            uploaded_by TEXT NOT NULL, created_at BIGINT NOT NULL);
        CREATE INDEX attachment_by_ticket ON attachment(ticket_id);
        CREATE TABLE unclaimed_attachment (id TEXT PRIMARY KEY, uploaded_by TEXT NOT NULL, uploader_role TEXT NOT NULL,
            media_type TEXT NOT NULL, file_name TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL,
            created_at BIGINT NOT NULL);
        CREATE INDEX unclaimed_attachment_by_age ON unclaimed_attachment(created_at);

        CREATE TABLE deadline_notice (ticket_id BIGINT NOT NULL REFERENCES ticket(id), due_at BIGINT NOT NULL,
            kind TEXT NOT NULL, emitted_at BIGINT NOT NULL, PRIMARY KEY (ticket_id, due_at, kind));

        CREATE TABLE submission_request (requester TEXT NOT NULL, client_request_id TEXT NOT NULL,
            ticket_id BIGINT NOT NULL REFERENCES ticket(id), PRIMARY KEY (requester, client_request_id));
        CREATE TABLE idempotent_call (scope TEXT NOT NULL, method TEXT NOT NULL, key TEXT NOT NULL,
            request_digest TEXT NOT NULL, reply BYTEA NOT NULL, completed_at BIGINT NOT NULL,
            PRIMARY KEY (scope, method, key));
        CREATE INDEX idempotent_call_by_age ON idempotent_call(completed_at);

        -- Which replica runs the deadline scheduler, until when (milliseconds of the replicas'
        -- clock, as every instant here): see PostgresTicketStore.emitDueDeadlineNotices.
        CREATE TABLE scheduler_lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);
        """
}
