import Foundation
import Testing

/// The gateway over two intake replicas (here two independent intake processes, each with its
/// own SQLite file: only the balancing and the ejection are under test, not shared data).
/// Both get traffic; one is SIGKILLed and every following call succeeds on the other; started
/// again on its port, it gets traffic again.
@Suite(.serialized) struct ReplicaBalancingTests {
    /// Filed by a resident with a client request id (the idempotency key), then read back in a
    /// list: two calls a killed replica must not fail.
    static func fileAndRead(_ tickets: LiveTickets) async throws {
        _ = try await tickets.file(as: tickets.resident)
        let (status, body) = try await tickets.http.request("GET", "/api/intake/tickets?page_size=1", token: tickets.resident)
        guard status == 200 else { throw GatewayHTTP.Failure(description: "list: \(status) \(body)") }
    }

    static func served(_ suite: ReplicaProcesses, _ http: GatewayHTTP) async throws -> [Int] {
        [try await suite.servedCalls(0, http: http), try await suite.servedCalls(1, http: http)]
    }

    @Test func aKilledReplicaIsLeftOutAndARestartedOneGetsTrafficAgain() async throws {
        let suite = try ReplicaProcesses(replicas: 2, database: .ownSQLite)
        defer { suite.stopAll() }
        for replica in 0..<2 {
            try suite.seed(replica, tickets: 1)
            try await suite.start(replica)
        }
        let http = try await suite.startGateway()
        let tickets = try await LiveTickets(http: http)

        // One caller at a time: no replica ever has a call in flight, so they take turns.
        let start = try await Self.served(suite, http)
        for _ in 0..<10 { try await Self.fileAndRead(tickets) }
        let first = try await Self.served(suite, http)
        #expect(first[0] - start[0] >= 8 && first[1] - start[1] >= 8, "20 calls by replica: \(start) → \(first)")

        #expect(suite.kill(0) == SIGKILL)
        var failures: [String] = []
        for call in 0..<20 {
            do { try await Self.fileAndRead(tickets) } catch { failures.append("call \(call): \(error)") }
        }
        #expect(failures.isEmpty, "calls failed after replica 0 died: \(failures)")
        let survivor = try await suite.servedCalls(1, http: http)
        #expect(survivor - first[1] >= 40, "replica 1 served \(survivor - first[1]) of the 40 calls after the kill")

        // Started again (same port, same data): after its breaker's cool-down and the client's
        // reconnect backoff it is probed, and takes its turn again.
        try await suite.start(0)
        try await eventually("replica 0 serves again") {
            try await Self.fileAndRead(tickets)
            guard try await suite.servedCalls(0, http: http) > 0 else {
                throw GatewayHTTP.Failure(description: "replica 0 has served no call since its restart")
            }
        }
        let before = try await Self.served(suite, http)
        for _ in 0..<10 { try await Self.fileAndRead(tickets) }
        let after = try await Self.served(suite, http)
        #expect(after[0] - before[0] >= 8 && after[1] - before[1] >= 8, "20 calls after the restart by replica: \(before) → \(after)")
    }
}
