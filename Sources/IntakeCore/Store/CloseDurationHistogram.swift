import GRDB

/// How many closed, non-duplicate tickets took each hour of time to close, kept by triggers
/// that fire only when a ticket enters or leaves that set (closing, reopening, a duplicate
/// link, a deletion): a submission of a new ticket only evaluates their `WHEN`. The exact
/// median time to close then reads the histogram (a few hundred rows), finds the hour the
/// middle ticket falls in, and walks `ticket_close_duration` from that hour's start only,
/// instead of walking half of the index (~450,000 entries at 1M tickets).
///
/// Also here (v10 holds all three): partial indexes of the same durations led by department and by village, so the
/// median of one department's tickets (department staff's own cockpit) or one village's is a
/// walk of that selection's middle, not a fetch and sort of its durations; and the running
/// tickets' index in the overdue figures' GROUP BY order.
enum CloseDurationHistogram {
    /// The width of a bucket in milliseconds (one hour).
    static let bucketMillis: Int64 = 3_600_000

    /// Which tickets the median runs over; the same predicate as `ticket_close_duration`'s.
    static func closedTimed(_ r: String) -> String {
        "(\(r).status = 'closed' AND \(r).closed_at IS NOT NULL AND (\(r).outcome IS NULL OR \(r).outcome <> 'duplicate'))"
    }

    /// The same, unqualified, as a partial index's `WHERE` must be written.
    static let closedTimedColumns = "status = 'closed' AND closed_at IS NOT NULL AND (outcome IS NULL OR outcome <> 'duplicate')"

    /// floor((closed_at − created_at) / width) with SQLite's truncating integer division, so a
    /// bucket b holds exactly the durations in [b·width, (b+1)·width), negative ones too.
    static func bucket(_ r: String) -> String {
        let duration = "(\(r).closed_at - \(r).created_at)"
        return "((\(duration) - (\(duration) < 0) * \(bucketMillis - 1)) / \(bucketMillis))"
    }

    private static func add(_ r: String) -> String {
        "INSERT INTO ticket_close_duration_histogram (bucket, n) VALUES (\(bucket(r)), 1) ON CONFLICT DO UPDATE SET n = n + 1;"
    }

    private static func remove(_ r: String) -> String {
        """
        UPDATE ticket_close_duration_histogram SET n = n - 1 WHERE bucket = \(bucket(r));
        DELETE FROM ticket_close_duration_histogram WHERE bucket = \(bucket(r)) AND n = 0;
        """
    }

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ticket_close_duration_histogram (bucket INTEGER PRIMARY KEY, n INTEGER NOT NULL);
            INSERT INTO ticket_close_duration_histogram (bucket, n)
                SELECT \(bucket("t")), COUNT(*) FROM ticket t WHERE \(closedTimed("t")) GROUP BY 1;
            CREATE TRIGGER ticket_close_duration_on_insert AFTER INSERT ON ticket WHEN \(closedTimed("NEW")) BEGIN
                \(add("NEW"))
            END;
            -- Two triggers rather than one with both halves: each fires only when its side is in the set.
            CREATE TRIGGER ticket_close_duration_on_update_old AFTER UPDATE OF status, closed_at, created_at, outcome ON ticket
                WHEN \(closedTimed("OLD")) BEGIN
                \(remove("OLD"))
            END;
            CREATE TRIGGER ticket_close_duration_on_update_new AFTER UPDATE OF status, closed_at, created_at, outcome ON ticket
                WHEN \(closedTimed("NEW")) BEGIN
                \(add("NEW"))
            END;
            CREATE TRIGGER ticket_close_duration_on_delete AFTER DELETE ON ticket WHEN \(closedTimed("OLD")) BEGIN
                \(remove("OLD"))
            END;
            CREATE INDEX ticket_close_duration_by_department ON ticket(department_id, closed_at - created_at)
                WHERE \(closedTimedColumns);
            CREATE INDEX ticket_close_duration_by_village ON ticket(village_id, closed_at - created_at)
                WHERE \(closedTimedColumns);
            -- The overdue figures (SQLiteTicketStore.addOverdue): ordered like their GROUP BY, so counting the
            -- running tickets (~40k of 1M) needs no sort; status makes it covering.
            CREATE INDEX ticket_overdue_by_cell ON ticket(village_id, category_id, department_id, due_at, status)
                WHERE status IN ('accepted', 'dispatched', 'signed', 'in_progress');
            """)
    }
}
