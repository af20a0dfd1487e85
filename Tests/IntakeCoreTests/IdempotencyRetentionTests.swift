import Foundation
import GRDB
import Testing
@testable import IntakeCore

/// Idempotency keys past the retention (proto-spec §6): never honoured, even while their row is
/// still stored, and forgotten once per group-commit batch, at most
/// `idempotencyPrunePerBatch` of them, oldest first, so the table stays bounded.
@Suite struct IdempotencyRetentionTests {
    static let retention: Double = 3600

    static func configuration(pruneLimit: Int = 512) -> IntakeConfiguration {
        var configuration = IntakeConfiguration(townshipCode: "qingshan", calendar: Fixture.calendar)
        configuration.idempotencyRetention = retention
        configuration.idempotencyPrunePerBatch = pruneLimit
        return configuration
    }

    /// The reply records the ticket's number, so a replay and a new filing tell apart.
    static let numberReply: ActionReplyEncoder = { outcome in Array(outcome.view.ticket.number.utf8) }

    func submit(_ h: Harness, key: String, requestID: String? = nil) async throws -> IdempotentReply {
        let claim = IdempotencyClaim(scope: "test", method: "/township.intake.v1.Intake/SubmitTicket", key: key, request: Array(key.utf8))
        return try await h.store.submit(Fixture.report("路灯不亮"), by: Fixture.admin, clientRequestID: requestID ?? key,
                                        once: claim, reply: Self.numberReply)
    }

    func storedKeys(_ h: Harness) async throws -> [String] {
        try await h.sqlite.pool.read { db in try String.fetchAll(db, sql: "SELECT key FROM idempotent_call ORDER BY key") }
    }

    @Test func aKeyPastTheRetentionIsNotHonouredWhileItsRowIsStillStored() async throws {
        let h = try await Harness(configuration: Self.configuration())
        let first = try await submit(h, key: "k", requestID: "r-1")
        let retried = try await submit(h, key: "k", requestID: "r-1")
        #expect(retried.replayed && retried.bytes == first.bytes)

        h.clock.advance(by: Self.retention + 1)
        // The batch of the next call looks the key up before it prunes: the row is there, expired.
        #expect(try await storedKeys(h) == ["k"])
        let late = try await submit(h, key: "k", requestID: "r-2")
        #expect(!late.replayed)
        #expect(String(decoding: late.bytes, as: UTF8.self) == "2026-000002", "the expired key's reply was answered")
        // Its row now holds the new call's reply, recorded in place of the expired one.
        let again = try await submit(h, key: "k", requestID: "r-2")
        #expect(again.replayed && again.bytes == late.bytes)
    }

    @Test func eachBatchForgetsAtMostItsLimitOfExpiredKeysOldestFirst() async throws {
        let h = try await Harness(configuration: Self.configuration(pruneLimit: 2))
        for i in 0..<5 {
            _ = try await submit(h, key: "old-\(i)")
            h.clock.advance(by: 1)
        }
        #expect(try await storedKeys(h).count == 5, "a key within the retention was forgotten")

        h.clock.advance(by: Self.retention)
        _ = try await submit(h, key: "new-1")
        #expect(try await storedKeys(h) == ["new-1", "old-2", "old-3", "old-4"])
        _ = try await submit(h, key: "new-2")
        #expect(try await storedKeys(h) == ["new-1", "new-2", "old-4"])
        _ = try await submit(h, key: "new-3")
        #expect(try await storedKeys(h) == ["new-1", "new-2", "new-3"])
    }

    /// Not once per call: three calls committed together prune one batch's limit, not three.
    /// Two batches run here (the hold's and the three calls'): four of the eight expired keys go.
    @Test func pruningRunsOncePerBatchNotPerCall() async throws {
        let h = try await Harness(configuration: Self.configuration(pruneLimit: 2))
        for i in 0..<8 { _ = try await submit(h, key: "old-\(i)") }
        h.clock.advance(by: Self.retention + 1)

        let hold = await WriterHold(h.sqlite.groupCommit)
        let calls = (1...3).map { i in Task { try await submit(h, key: "new-\(i)") } }
        await hold.waitForQueued(3)
        try await hold.letGo()
        for call in calls { #expect(try await !call.value.replayed) }
        #expect(try await storedKeys(h) == ["new-1", "new-2", "new-3", "old-4", "old-5", "old-6", "old-7"])
    }
}
