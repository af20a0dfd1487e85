import GRDB
import Testing
@testable import IntakeCore

/// The group commit's writer keeps the global chain's head in memory instead of reading it for
/// every ledger append; a rolled-back savepoint or transaction must not leave it pointing at a
/// link that was never committed.
@Suite struct LedgerChainHeadTests {
    /// The chain's last committed link, as the database has it.
    func committedHead(_ h: Harness) async throws -> LedgerChainHead.Link? {
        try await h.sqlite.pool.read { db in
            try GlobalLedgerChain.head(db).map { LedgerChainHead.Link(position: $0.position, chainHash: $0.chainHash) }
        }
    }

    @Test func aSubmissionFailingAfterItsLedgerAppendRestoresTheCachedHead() async throws {
        let h = try await Harness()
        _ = try await h.submit(Fixture.report("一"))
        let hold = await WriterHold(h.sqlite.groupCommit)
        // Queued in this order: two submissions, then one that fails after its event was linked
        // (its attachment was never uploaded), last in the batch so nothing relinks after it.
        let first = await hold.queue { try await h.submit(Fixture.report("路灯不亮")) }
        let second = await hold.queue { try await h.submit(Fixture.report("井盖缺失")) }
        let failing = await hold.queue { try await h.submit(Fixture.reportNamingAnUnknownUpload("垃圾没人清")) }
        try await hold.letGo()

        _ = try await first.value
        _ = try await second.value
        guard case .notFound? = await intakeError({ _ = try await failing.value }) else {
            Issue.record("the submission naming an unknown upload was not refused"); return
        }
        #expect(try await h.sqlite.verifyGlobalChain() == .intact(events: 3, checkpointPosition: nil))
        #expect(h.sqlite.groupCommit.chainHead.current == (try await committedHead(h)), "the failed link is still cached")

        // The next submission links to the committed head, and the chain still verifies.
        _ = try await h.submit(Fixture.report("路面塌陷"))
        #expect(try await h.sqlite.verifyGlobalChain() == .intact(events: 4, checkpointPosition: nil))
        #expect(h.sqlite.groupCommit.chainHead.current?.position == 4)
    }

    @Test func aTransactionLostUnderTheBatchForgetsTheCachedHead() async throws {
        let h = try await Harness()
        _ = try await h.submit(Fixture.report("一"))
        let hold = await WriterHold(h.sqlite.groupCommit)
        let lost = Task { try await h.submit(Fixture.report("路灯不亮")) }
        await hold.waitForQueued(1)
        let failing = Task { try await h.sqlite.groupCommit.write(GroupCommitFailureTests.rollBackEverything) }
        await hold.waitForQueued(2)
        try await hold.letGo()
        _ = await intakeError { _ = try await lost.value }
        _ = await intakeError { try await failing.value }
        #expect(h.sqlite.groupCommit.chainHead.current == nil)

        _ = try await h.submit(Fixture.report("井盖缺失"))
        #expect(try await h.sqlite.verifyGlobalChain() == .intact(events: 2, checkpointPosition: nil))
    }

    /// A head cached before another writer appended is not its successor's predecessor: unused.
    @Test func aCachedHeadIsUsedOnlyForTheNextPosition() {
        let head = LedgerChainHead()
        #expect(head.previous(of: 1) == nil)
        head.current = LedgerChainHead.Link(position: 7, chainHash: "abc")
        #expect(head.previous(of: 8) == "abc")
        #expect(head.previous(of: 9) == nil)
        #expect(head.previous(of: 7) == nil)
    }
}
