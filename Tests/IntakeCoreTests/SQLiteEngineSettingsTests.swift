import Foundation
import GRDB
import Testing
@testable import IntakeCore

/// The SQLite store's tuning (SQLiteEngineSettings): the WAL checkpoint off the writer, and
/// v9's idempotency table in append order; durability stays FULL throughout.
@Suite struct SQLiteEngineSettingsTests {
    func configuration(_ settings: SQLiteEngineSettings) -> IntakeConfiguration {
        var configuration = IntakeConfiguration(townshipCode: "qingshan", calendar: Fixture.calendar)
        configuration.sqlite = settings
        return configuration
    }

    /// True when the database file holds every page the WAL committed (a checkpoint ran since the last commit).
    func databaseFileIsCurrent(_ h: Harness) async throws -> Bool {
        let bytes = try await h.sqlite.pool.read { db in
            try Int.fetchOne(db, sql: "PRAGMA page_count")! * Int.fetchOne(db, sql: "PRAGMA page_size")!
        }
        let size = try FileManager.default.attributesOfItem(atPath: h.dir.databasePath)[.size] as! Int
        return size == bytes
    }

    func writerSettings(_ h: Harness) async throws -> (autocheckpoint: Int, synchronous: Int, tempStore: Int) {
        try await h.sqlite.pool.writeWithoutTransaction { db in
            (try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!,
             try Int.fetchOne(db, sql: "PRAGMA temp_store")!)
        }
    }

    @Test func theWALIsCheckpointedOnItsOwnConnectionNotByTheWriter() async throws {
        let h = try await Harness(configuration: configuration(.tuned))
        let writer = try await writerSettings(h)
        #expect(writer.autocheckpoint == SQLiteEngineSettings.tuned.writerCheckpointPages && writer.synchronous == 2 && writer.tempStore == 2)
        for _ in 0..<20 { try await h.submit() }
        let checkpointer = try #require(h.sqlite.checkpointer)
        await checkpointer.idle()
        #expect(checkpointer.checkpointCount >= 1)
        #expect(checkpointer.checkpointNanoseconds > 0 && !checkpointer.isCopying && checkpointer.walFramesAtLastCheckpoint > 0)
        #expect(try await databaseFileIsCurrent(h))
        // Everything acknowledged is readable after a restart (the WAL and the file agree).
        let again = try await h.reopened()
        #expect(try await again.store.list(TicketFilter(), page: PageRequest(limit: 50), for: Fixture.admin).items.count == 20)
    }

    /// Readers map the database file (tuned) or copy its pages (plain).
    @Test func readersMapTheDatabaseFileWhenTuned() async throws {
        for (settings, mapped) in [(SQLiteEngineSettings.tuned, true), (.plain, false)] {
            let h = try await Harness(configuration: configuration(settings))
            try await h.submit()
            let size = try await h.sqlite.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA mmap_size")! }
            #expect(mapped ? size == settings.mappedMiB * 1024 * 1024 : size == 0, "\(settings)")
            #expect(try await h.store.list(TicketFilter(), page: PageRequest(limit: 5), for: Fixture.admin).items.count == 1)
        }
    }

    /// A commit after a checkpoint finished waits for the interval since that checkpoint started,
    /// instead of starting the next one at once (which made one checkpoint per commit).
    @Test func theNextCheckpointWaitsForTheIntervalSinceThePreviousStarted() async throws {
        var settings = SQLiteEngineSettings.tuned
        settings.checkpointInterval = 600
        let h = try await Harness(configuration: configuration(settings))
        let checkpointer = try #require(h.sqlite.checkpointer)
        try await h.submit()
        await checkpointer.idle()
        #expect(checkpointer.checkpointCount == 1, "the first commit is checkpointed at once")
        try await h.submit()
        #expect(checkpointer.secondsUntilNextCheckpoint > 590, "the second waits for the interval")
        #expect(checkpointer.checkpointCount == 1)
    }

    @Test func withThePlainSettingsTheWriterKeepsTheCheckpoint() async throws {
        let h = try await Harness(configuration: configuration(.plain))
        let writer = try await writerSettings(h)
        #expect(writer.autocheckpoint == 1_000 && writer.synchronous == 2 && writer.tempStore == 0)
        for _ in 0..<20 { try await h.submit() }
        #expect(h.sqlite.checkpointer == nil)
        // 20 submissions are far below 1,000 WAL pages: nothing checkpointed them yet.
        #expect(try await databaseFileIsCurrent(h) == false)
    }

    @Test func recordedRepliesSurviveTheMoveToAppendOrder() async throws {
        let dir = try TempDirectory()
        let claim = IdempotencyClaim(scope: "gateway resident:r1", method: "/township.intake.v1.Intake/SubmitTicket", key: "k1",
                                     request: [1, 2, 3])
        do {
            let queue = try DatabaseQueue(path: dir.databasePath)
            try Schema.migrator.migrate(queue, upTo: "v8-open311-fields")
            try await queue.write { db in
                try IdempotentCalls.record(claim, reply: [9, 8, 7], at: Fixture.monday, db: db)
            }
        }
        let h = try await Harness(start: Fixture.monday, dir: dir)
        #expect(try await h.sqlite.recordedReply(for: claim) == [9, 8, 7])
        let (indexes, withoutRowID) = try await h.sqlite.pool.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA index_list(idempotent_call)").map { ($0["name"] as String, $0["unique"] as Int) },
             try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'idempotent_call'")!.contains("WITHOUT ROWID"))
        }
        #expect(indexes.contains { $0 == ("idempotent_call_by_key", 1) })
        #expect(withoutRowID == false)
        // The key stays unique: recording it again replaces the row instead of adding one.
        try await h.sqlite.pool.write { db in
            try IdempotentCalls.record(claim, reply: [1], at: Fixture.monday, db: db)
        }
        #expect(try await h.sqlite.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM idempotent_call") } == 1)
        #expect(try await h.sqlite.recordedReply(for: claim) == [1])
    }

    @Test func theSubmissionLogCountsFiledTicketsNotReplays() async throws {
        let h = try await Harness()
        _ = try await h.sqlite.submit(Fixture.report(), by: Fixture.admin, clientRequestID: "one")
        let replay = try await h.sqlite.submit(Fixture.report(), by: Fixture.admin, clientRequestID: "one")
        _ = try await h.sqlite.submit(Fixture.report(), by: Fixture.admin, clientRequestID: "two")
        #expect(replay.replayed)
        #expect(h.sqlite.submissionLog.count == 2)
    }
}
