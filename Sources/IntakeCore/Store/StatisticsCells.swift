import GRDB

/// Running totals of the cockpit's figures, one row per (village, status, category,
/// department), kept by triggers in the same transaction as every ticket write. Statistics
/// of the whole township, a village or a department then sum a few thousand cells instead of
/// scanning a million tickets. Grids are left out: they would multiply the cells fivefold,
/// and a grid's tickets are few enough to scan. Missing category/department are stored as ""
/// (primary-key columns cannot be NULL); filters never name "", so a condition written for
/// `ticket t` selects the same cells when the cell table is aliased `t`.
public enum StatisticsCells {
    static let keyColumns = ["village_id", "status", "category_id", "department_id"]

    /// What one ticket adds to its cell, as SQL over a row alias (NEW, OLD or t). The names
    /// are those of `TicketFigures`' counts; closed and rejected follow from the status key.
    public static func counts(_ r: String) -> [(column: String, expression: String)] {
        [
            ("n", "1"),
            ("responded", "\(r).responded_at IS NOT NULL"),
            ("fixed", "IFNULL(\(r).outcome = 'fixed', 0)"),
            ("with_outcome", "IFNULL(\(r).outcome IS NOT NULL AND \(r).outcome <> 'duplicate', 0)"),
            ("satisfied", "IFNULL(\(r).satisfied = 1, 0)"),
            ("followed_up", "\(r).satisfied IS NOT NULL"),
            ("duplicates", "IFNULL(\(r).status = 'closed' AND \(r).outcome = 'duplicate', 0)"),
            ("replied", "\(r).replied_at IS NOT NULL"),
            ("replied_on_time", "IFNULL(\(r).replied_at <= \(r).due_at, 0)"),
            // Counted by the median time to close: the index below holds exactly these tickets.
            ("closed_timed", "(\(r).status = 'closed' AND \(r).closed_at IS NOT NULL AND (\(r).outcome IS NULL OR \(r).outcome <> 'duplicate'))"),
        ]
    }

    private static func key(_ r: String) -> [String] {
        ["\(r).village_id", "\(r).status", "COALESCE(\(r).category_id, '')", "COALESCE(\(r).department_id, '')"]
    }

    private static func add(_ r: String) -> String {
        let counts = counts(r)
        return """
            INSERT INTO ticket_statistics_cell (\((keyColumns + counts.map(\.column)).joined(separator: ", ")))
                VALUES (\((key(r) + counts.map(\.expression)).joined(separator: ", ")))
                ON CONFLICT DO UPDATE SET \(counts.map { "\($0.column) = \($0.column) + excluded.\($0.column)" }.joined(separator: ", "));
            """
    }

    private static func remove(_ r: String) -> String {
        let match = "(\(keyColumns.joined(separator: ", "))) = (\(key(r).joined(separator: ", ")))"
        return """
            UPDATE ticket_statistics_cell SET \(counts(r).map { "\($0.column) = \($0.column) - (\($0.expression))" }.joined(separator: ", "))
                WHERE \(match);
            DELETE FROM ticket_statistics_cell WHERE \(match) AND n = 0;
            """
    }

    static func create(_ db: Database) throws {
        let counts = counts("t")
        try db.execute(sql: """
            CREATE TABLE ticket_statistics_cell (
                \(keyColumns.map { "\($0) TEXT NOT NULL" }.joined(separator: ", ")),
                \(counts.map { "\($0.column) INTEGER NOT NULL" }.joined(separator: ", ")),
                PRIMARY KEY (\(keyColumns.joined(separator: ", ")))
            ) WITHOUT ROWID;
            INSERT INTO ticket_statistics_cell (\((keyColumns + counts.map(\.column)).joined(separator: ", ")))
                SELECT \((key("t") + counts.map { "SUM(\($0.expression))" }).joined(separator: ", "))
                FROM ticket t GROUP BY 1, 2, 3, 4;
            CREATE TRIGGER ticket_statistics_on_insert AFTER INSERT ON ticket BEGIN
                \(add("NEW"))
            END;
            CREATE TRIGGER ticket_statistics_on_update
                AFTER UPDATE OF village_id, status, category_id, department_id, responded_at, outcome, satisfied, closed_at,
                    replied_at, due_at
                ON ticket BEGIN
                \(remove("OLD"))
                \(add("NEW"))
            END;
            CREATE TRIGGER ticket_statistics_on_delete AFTER DELETE ON ticket BEGIN
                \(remove("OLD"))
            END;
            -- The scan (filters the cells cannot answer) reads every column above from this index.
            DROP INDEX ticket_statistics;
            CREATE INDEX ticket_statistics ON ticket(village_id, status, category_id, department_id, outcome,
                satisfied, responded_at, replied_at, due_at, created_at, closed_at);
            -- Overdue figures per village, category and department read only this index.
            DROP INDEX ticket_overdue;
            CREATE INDEX ticket_overdue ON ticket(due_at, status, village_id, category_id, department_id)
                WHERE status IN ('accepted', 'dispatched', 'signed', 'in_progress');
            -- The median time to close walks this index in order instead of sorting durations.
            CREATE INDEX ticket_close_duration ON ticket(closed_at - created_at)
                WHERE status = 'closed' AND closed_at IS NOT NULL AND (outcome IS NULL OR outcome <> 'duplicate');
            """)
    }
}
