import Crypto
import Foundation
import GRDB
import Testing
import TownshipCertificates
@testable import IntakeCore

/// Whoever can write the database can rewrite one ticket's whole chain consistently: the
/// per-ticket check cannot see it. The chain over all events can, and the signed checkpoints
/// catch a rewrite of that one too.
@Suite struct GlobalChainTests {
    static let key = SymmetricKey(size: .bits256)

    /// Three tickets with a few events each, and a checkpoint of the lot.
    func seeded() async throws -> (Harness, target: TicketID) {
        let h = try await Harness(checkpointKey: Self.key)
        _ = try await h.ticket(in: .dispatched)
        let target = try await h.ticket(in: .signed)
        _ = try await h.ticket(in: .accepted)
        #expect(try await h.store.writeCheckpoint()?.position == 9)
        return (h, target)
    }

    /// An attacker with the database file: rewrites the accept event's note of `ticket`, every
    /// hash of that ticket's chain after it and the ticket's recorded head, and (if asked) the
    /// whole global chain as well.
    func rewrite(_ h: Harness, ticket: TicketID, relinkGlobalChain: Bool) throws {
        let queue = try DatabaseQueue(path: h.dir.databasePath)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER ledger_event_no_update")
            var previous = LedgerHasher.genesisHash
            for var event in try SQLiteTicketStore.ledger(of: ticket, db: db) {
                if event.action == .accept { event.note = "受理时已电话联系(伪造)" }
                let hash = LedgerHasher.hash(ticketID: ticket, sequence: event.sequence, draft: event.draft, previousHash: previous)
                try db.execute(sql: "UPDATE ledger_event SET note = ?, previous_hash = ?, hash = ? WHERE position = ?",
                               arguments: [event.note, previous, hash, event.position])
                previous = hash
            }
            try db.execute(sql: "UPDATE ticket SET ledger_head = ? WHERE id = ?", arguments: [previous, ticket])
            guard relinkGlobalChain else { return }
            try db.execute(sql: "DROP TRIGGER ledger_chain_no_update")
            var chain = LedgerHasher.genesisHash
            for row in try Row.fetchAll(db, sql: "SELECT position, hash FROM ledger_event ORDER BY position") {
                let position: Int64 = row["position"]
                chain = GlobalLedgerChain.link(previous: chain, position: position, eventHash: row["hash"])
                try db.execute(sql: "UPDATE ledger_chain SET chain_hash = ? WHERE position = ?", arguments: [chain, position])
            }
        }
    }

    @Test func anIntactLedgerVerifiesUpToItsCheckpoint() async throws {
        let (h, _) = try await seeded()
        #expect(try await h.store.verifyGlobalChain() == .intact(events: 9, checkpointPosition: 9))
        // Events after the checkpoint are linked too; the next checkpoint covers them.
        _ = try await h.submit()
        #expect(try await h.store.verifyGlobalChain() == .intact(events: 10, checkpointPosition: 9))
    }

    @Test func aTicketChainRewrittenConsistentlyIsCaughtByTheGlobalChain() async throws {
        let (h, target) = try await seeded()
        try rewrite(h, ticket: target, relinkGlobalChain: false)
        #expect(try await h.store.verifyLedger(target, for: Fixture.leader).isIntact, "the per-ticket chain alone cannot see it")
        guard case .broken(_, let ticketID, let reason) = try await h.store.verifyGlobalChain() else {
            Issue.record("the rewrite went unnoticed"); return
        }
        #expect(ticketID == target)
        #expect(reason.contains("global chain broken"))
    }

    @Test func aGlobalChainRewrittenConsistentlyIsCaughtByTheSignedCheckpoint() async throws {
        let (h, target) = try await seeded()
        try rewrite(h, ticket: target, relinkGlobalChain: true)
        guard case .broken(let position, _, let reason) = try await h.store.verifyGlobalChain() else {
            Issue.record("the rewrite went unnoticed"); return
        }
        #expect(position == 9)
        #expect(reason.contains("differs from the signed checkpoint"))
    }

    @Test func aForgedOrRemovedCheckpointIsReported() async throws {
        let (h, _) = try await seeded()
        try h.rawSQL("UPDATE ledger_checkpoint SET chain_hash = ?", [String(repeating: "a", count: 64)])
        guard case .broken(_, _, let forged) = try await h.store.verifyGlobalChain() else { Issue.record("forgery unnoticed"); return }
        #expect(forged.contains("wrong HMAC"))
        try h.rawSQL("DELETE FROM ledger_checkpoint")
        guard case .broken(_, _, let removed) = try await h.store.verifyGlobalChain() else { Issue.record("removal unnoticed"); return }
        #expect(removed.contains("no signed checkpoint"))
    }

    @Test func theMigrationLinksAnExistingLedger() async throws {
        let (h, _) = try await seeded()
        // Back to the database as it was before the migration: no chain, no checkpoints.
        try h.rawSQL("""
            DROP TABLE ledger_chain; DROP TABLE ledger_checkpoint;
            DELETE FROM grdb_migrations WHERE identifier = 'v7-global-ledger-chain'
            """)
        let reopened = try await Harness(start: h.clock.now(), dir: h.dir, checkpointKey: Self.key)
        #expect(try await reopened.store.writeCheckpoint()?.position == 9)
        #expect(try await reopened.store.verifyGlobalChain() == .intact(events: 9, checkpointPosition: 9))
    }

    @Test func theKeyFileIsCreatedPrivateAndRefusedWhenOthersCanReadIt() throws {
        let dir = try TempDirectory()
        let path = dir.url.appendingPathComponent("ledger.key").path
        let first = try SecretKeyFile.loadOrCreate(path: path, setting: "ledger.checkpointKeyFile")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try SecretKeyFile.loadOrCreate(path: path, setting: "ledger.checkpointKeyFile")
        #expect(first.withUnsafeBytes { Array($0) } == again.withUnsafeBytes { Array($0) })
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: SecretKeyFile.Unusable.self) { try SecretKeyFile.loadOrCreate(path: path, setting: "ledger.checkpointKeyFile") }
    }
}
