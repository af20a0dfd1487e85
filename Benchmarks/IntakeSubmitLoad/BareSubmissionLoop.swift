import Foundation
import GRDB
import IntakeCore
import Logging

/// The SQLite ceiling for submissions: the rows one submission writes (number counter, ticket
/// with its indexes, statistics trigger and search row, ledger event, global chain link,
/// client request id, idempotent reply), copied from a ticket intake itself filed, inserted by
/// a bare loop with cached statements, no hashing, no savepoints, one transaction per batch,
/// on a database of intake's own schema in WAL with `synchronous = FULL`, in the same directory,
/// with the same engine settings as the store it is the ceiling of (cache, temp store, the WAL
/// checkpoint off the writer: `SQLiteEngineSettings`).
final class BareSubmissionLoop {
    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer?
    private let templates: Templates
    private var filed = 0

    /// One submission's rows as intake wrote them.
    private struct Templates {
        var ticket: RowTemplate
        var search: RowTemplate
        var event: RowTemplate
        var chainLink: RowTemplate
        var request: RowTemplate
        var reply: RowTemplate
    }

    /// A row's insert statement and values, built once; `insert` swaps in the values that must differ.
    private struct RowTemplate {
        let sql: String
        let values: [DatabaseValue]
        let index: [String: Int]

        init(_ row: Row, table: String, except: String? = nil) {
            let columns = row.columnNames.filter { $0 != except }
            sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
            values = columns.map { row[$0] as DatabaseValue }
            index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        }

        /// Inserts the row with `replacing`'s values; the new rowid.
        func insert(replacing: [(String, any DatabaseValueConvertible)], db: Database) throws -> Int64 {
            var row = values
            for (column, value) in replacing { row[index[column]!] = value.databaseValue }
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(row))
            return db.lastInsertedRowID
        }
    }

    /// Creates the database at `path` with intake's schema and reference data, and copies the
    /// rows of the first ticket in the intake database at `intakePath`.
    init(path: String, intakePath: String, settings: SQLiteEngineSettings) async throws {
        do {
            // Opening a store migrates the file to intake's schema; released before the loop opens it.
            var intakeConfiguration = IntakeConfiguration()
            intakeConfiguration.sqlite = settings
            let schemaOnly = try SQLiteTicketStore(path: path, configuration: intakeConfiguration)
            try await schemaOnly.replaceReferenceData(DemoReferenceData.make(), by: Principal(userID: "bench-admin", role: .admin))
        }
        let intake = try DatabaseQueue(path: intakePath, configuration: { var c = Configuration(); c.readonly = true; return c }())
        templates = try await intake.read { db in
            guard let ticket = try Row.fetchOne(db, sql: "SELECT * FROM ticket ORDER BY id LIMIT 1") else {
                throw ProbeFailed(description: "intake filed no ticket to copy")
            }
            let id: Int64 = ticket["id"]
            func one(_ sql: String) throws -> Row {
                guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else { throw ProbeFailed(description: "no row for: \(sql)") }
                return row
            }
            let event = try one("SELECT * FROM ledger_event WHERE ticket_id = ? ORDER BY sequence LIMIT 1")
            let position: Int64 = event["position"]
            guard let link = try Row.fetchOne(db, sql: "SELECT * FROM ledger_chain WHERE position = ?", arguments: [position]),
                  let reply = try Row.fetchOne(db, sql: "SELECT * FROM idempotent_call ORDER BY completed_at LIMIT 1") else {
                throw ProbeFailed(description: "intake's first ticket has no chain link or recorded reply")
            }
            return Templates(
                ticket: RowTemplate(ticket, table: "ticket", except: "id"),
                search: RowTemplate(try one("SELECT rowid, tokens FROM ticket_search WHERE rowid = ?"), table: "ticket_search"),
                event: RowTemplate(event, table: "ledger_event", except: "position"),
                chainLink: RowTemplate(link, table: "ledger_chain"),
                request: RowTemplate(try one("SELECT * FROM submission_request WHERE ticket_id = ?"), table: "submission_request"),
                reply: RowTemplate(reply, table: "idempotent_call"))
        }
        var configuration = Configuration()
        settings.configure(&configuration)
        pool = try DatabasePool(path: path, configuration: configuration)
        try settings.configureWriter(pool)
        checkpointer = settings.checkpointsOffWriter
            ? try WALCheckpointer(path: path, interval: settings.checkpointInterval, logger: Logger(label: "bench.bare")) : nil
    }

    /// What one run of the loop did: submissions per second, and per submission the loop
    /// thread's CPU and its wait for a CPU (the same schedstat figures as the store's writer).
    struct Rate {
        var perSecond: Double
        var cpuMicros: Double
        var runQueueMicros: Double
    }

    /// Commits `batches` (each a transaction of that many submissions) in the given order,
    /// until all are done or `seconds` pass. `searchRowsLast`: each transaction's search rows
    /// after its other rows, as intake's group commit writes them (`DeferredSearchRows`), instead
    /// of each with its ticket (the issue's definition of the ceiling).
    func rate(batches: [Int], seconds: Double, searchRowsLast: Bool = false) throws -> Rate {
        let start = Date()
        var cpu: UInt64 = 0
        var runQueue: UInt64 = 0
        var written = 0
        for size in batches {
            // Timed on the thread that runs the transaction, whichever GRDB picks.
            let (batchCPU, batchWait) = try pool.writeWithoutTransaction { db -> (UInt64, UInt64) in
                let before = ThreadSchedule.now()
                try db.inTransaction {
                    var held: [Int64] = []
                    for _ in 0..<size {
                        let ticketID = try fileOne(db, withSearchRow: !searchRowsLast)
                        if searchRowsLast { held.append(ticketID) }
                    }
                    for ticketID in held { _ = try templates.search.insert(replacing: [("rowid", ticketID)], db: db) }
                    return .commit
                }
                let after = ThreadSchedule.now()
                return (after.cpu - before.cpu, after.runQueue - before.runQueue)
            }
            cpu += batchCPU
            runQueue += batchWait
            checkpointer?.committed()
            written += size
            if Date().timeIntervalSince(start) >= seconds { break }
        }
        let perWrite = 1e3 * Double(max(1, written))
        return Rate(perSecond: Double(written) / Date().timeIntervalSince(start), cpuMicros: Double(cpu) / perWrite,
                    runQueueMicros: Double(runQueue) / perWrite)
    }

    /// One submission's rows (its search row only `withSearchRow`); its ticket's id.
    private func fileOne(_ db: Database, withSearchRow: Bool) throws -> Int64 {
        filed += 1
        let value = try Int.fetchOne(db.cachedStatement(sql: """
            INSERT INTO ticket_number_counter (township, year, last_value) VALUES (?, ?, 1)
            ON CONFLICT (township, year) DO UPDATE SET last_value = last_value + 1 RETURNING last_value
            """), arguments: ["bare", 2026])!
        let ticketID = try templates.ticket.insert(replacing: [("number", "bare-\(value)")], db: db)
        if withSearchRow { _ = try templates.search.insert(replacing: [("rowid", ticketID)], db: db) }
        let position = try templates.event.insert(replacing: [("ticket_id", ticketID)], db: db)
        _ = try templates.chainLink.insert(replacing: [("position", position)], db: db)
        _ = try templates.request.insert(replacing: [("client_request_id", "bare-\(filed)"), ("ticket_id", ticketID)], db: db)
        _ = try templates.reply.insert(replacing: [("key", "bare-\(filed)")], db: db)
        return ticketID
    }
}
