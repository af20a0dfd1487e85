import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import Testing
import TownshipProtos
import TownshipRPC

/// `intake serve` signs a checkpoint of the ledger on start and another on a graceful stop,
/// with a key it creates (mode 0600) beside its configuration file, apart from the database.
@Suite("Ledger checkpoints of the intake executable", .timeLimit(.minutes(3)))
struct LedgerCheckpointProcessTests {
    @Test("a checkpoint on start and one on SIGTERM, under a private key beside the configuration")
    func checkpointsOnStartAndStop() async throws {
        guard let executable = CrashRecoveryTests.executable else {
            Issue.record("build the executable first: swift build --product intake")
            return
        }
        let instance = try CrashRecoveryTests.Instance.make()
        defer { try? FileManager.default.removeItem(at: instance.directory) }
        let seed = try instance.run(executable, ["seed", "--tickets", "5"])
        seed.waitUntilExit()
        #expect(seed.terminationStatus == 0)
        let key = instance.directory.appendingPathComponent("intake-ledger.key").path
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)

        let server = try instance.run(executable, ["serve"])
        let client = try LiveIntake.client(port: instance.port, files: IntakePKI.shared.gateway)
        do {
            try await CrashRecoveryTests.waitUntilServing(client)
            _ = try await client.unary(Township_Intake_V1_Intake.submitTicket.path, CrashRecoveryTests.submitRequest("after-start"),
                                       as: Township_Intake_V1_TicketActionResponse.self, options: LiveIntake.options(Fixture.admin))
        } catch { await client.shutdown(); server.terminate(); server.waitUntilExit(); throw error }
        await client.shutdown()
        server.terminate()  // SIGTERM: graceful stop
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)

        let database = try DatabaseQueue(path: instance.directory.appendingPathComponent("state/intake.sqlite").path)
        let (checkpoints, head) = try await database.read { db in
            (try Int64.fetchAll(db, sql: "SELECT position FROM ledger_checkpoint ORDER BY id"),
             try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM ledger_event") ?? 0)
        }
        #expect(checkpoints.count == 2, "\(checkpoints)")
        #expect(checkpoints.last == head, "the last checkpoint covers the event written before the stop")
        #expect(checkpoints.first.map { $0 < head } == true)
    }
}
