import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
import TownshipTestSupport
import TownshipCertificates
import TownshipProtos
import TownshipRPC
import TownshipWire

/// Runs the built `intake` executable (`swift build --product intake` must precede
/// `swift test`; the test is skipped with a note when the binary is missing), kills it with
/// SIGKILL in the middle of a burst of submissions, restarts it on the same state folder, and
/// checks that every acknowledged ticket survived.
@Suite("Crash recovery of the intake executable")
struct CrashRecoveryTests {
    static var executable: URL? {
        var dir = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { dir.deleteLastPathComponent() }
        let candidate = dir.appendingPathComponent(".build/debug/intake")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    struct Instance {
        let directory: URL
        let configPath: String
        let port: Int

        static func make() throws -> Instance {
            let pki = IntakePKI.shared
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("intake-crash-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let port = FreePort.pick()
            let config: [String: Any] = [
                "rpc": ["host": "127.0.0.1", "port": port, "drainSeconds": 2],
                "metrics": ["port": 0],
                "tls": ["certificate": pki.intake.certificatePath, "key": pki.intake.privateKeyPath, "ca": pki.ca.certificatePath],
                "state": ["directory": directory.appendingPathComponent("state").path],
                "log": ["level": "warning"],
                "callers": ["allowed": ["spiffe://township.local/service/gateway"]],
            ]
            let path = directory.appendingPathComponent("intake.json").path
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
            return Instance(directory: directory, configPath: path, port: port)
        }

        func run(_ executable: URL, _ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments + ["--config", configPath]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
    }

    static func submitRequest(_ key: String) -> Township_Intake_V1_SubmitTicketRequest {
        var req = Township_Intake_V1_SubmitTicketRequest()
        req.clientRequestID = key
        req.reporter.name = "压力测试"; req.reporter.phone = "13800000000"
        req.submission.channel = .hotline12345
        req.submission.place.villageID.value = "V01"
        req.submission.problemDescription = "崩溃测试 \(key)"
        return req
    }

    static func waitUntilServing(_ client: RPCClient) async throws {
        for _ in 0..<300 {
            if (try? await client.unary(Township_Intake_V1_Intake.listVillages.path, Township_Intake_V1_ListVillagesRequest(),
                                        as: Township_Intake_V1_ListVillagesResponse.self, options: LiveIntake.options(Fixture.admin))) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CancellationError()
    }

    /// Client request id → ticket id of every acknowledged submission.
    final class Acknowledged: Sendable {
        private let state = Mutex<[String: String]>([:])
        func withLock<T: Sendable>(_ body: (inout [String: String]) -> T) -> T { state.withLock { body(&$0) } }
    }

    @Test("SIGKILL mid-burst loses no acknowledged ticket", .timeLimit(.minutes(3)))
    func killMidBurst() async throws {
        guard let executable = Self.executable else {
            Issue.record("build the executable first: swift build --product intake")
            return
        }
        let instance = try Instance.make()
        defer { try? FileManager.default.removeItem(at: instance.directory) }
        let seed = try instance.run(executable, ["seed", "--tickets", "20"])
        seed.waitUntilExit()
        #expect(seed.terminationStatus == 0)

        let server = try instance.run(executable, ["serve"])
        let client = try LiveIntake.client(port: instance.port, files: IntakePKI.shared.gateway)
        try await Self.waitUntilServing(client)

        let acknowledged = Acknowledged()
        let pid = server.processIdentifier
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for n in 0..<10_000 {
                        let key = "crash-\(worker)-\(n)"
                        guard let response = try? await client.unary(Township_Intake_V1_Intake.submitTicket.path, Self.submitRequest(key),
                                                                      as: Township_Intake_V1_TicketActionResponse.self,
                                                                      options: LiveIntake.options(Fixture.admin, key: key)) else { return }
                        acknowledged.withLock { $0[key] = response.ticket.id.value }
                    }
                }
            }
            group.addTask {
                while acknowledged.withLock({ $0.count }) < 150 { try await Task.sleep(for: .milliseconds(5)) }
                kill(pid, SIGKILL)
            }
            try await group.waitForAll()
        }
        server.waitUntilExit()
        #expect(server.terminationReason == .uncaughtSignal)
        await client.shutdown()

        let restarted = try instance.run(executable, ["serve"])
        let again = try LiveIntake.client(port: instance.port, files: IntakePKI.shared.gateway)
        do {
            try await Self.waitUntilServing(again)
            let acked = acknowledged.withLock { $0 }
            #expect(acked.count >= 150)
            var missing: [String] = []
            for (key, id) in acked {
                var get = Township_Intake_V1_GetTicketRequest()
                get.ticketID.value = id
                let found = try? await again.unary(Township_Intake_V1_Intake.getTicket.path, get, as: Township_Intake_V1_GetTicketResponse.self,
                                                   options: LiveIntake.options(Fixture.admin))
                if found?.ticket.submission.problemDescription != "崩溃测试 \(key)" { missing.append(key) }
            }
            #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
            // A retry of an acknowledged submission finds the same ticket, not a new one.
            if let (key, id) = acked.first {
                let retry = try await again.unary(Township_Intake_V1_Intake.submitTicket.path, Self.submitRequest(key),
                                                  as: Township_Intake_V1_TicketActionResponse.self, options: LiveIntake.options(Fixture.admin, key: key))
                #expect(retry.ticket.id.value == id)
            }
            var verify = Township_Intake_V1_VerifyLedgerRequest()
            verify.ticketID.value = ""
            let ledger = try await again.unary(Township_Intake_V1_Intake.verifyLedger.path, verify, as: Township_Intake_V1_VerifyLedgerResponse.self,
                                               options: LiveIntake.options(Fixture.admin))
            #expect(ledger.intact, "\(ledger.problem)")
        } catch {
            await again.shutdown(); restarted.terminate(); restarted.waitUntilExit(); throw error
        }
        await again.shutdown()
        restarted.terminate()  // SIGTERM: graceful stop
        restarted.waitUntilExit()
        #expect(restarted.terminationStatus == 0)
    }
}
