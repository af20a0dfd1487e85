import Foundation
@testable import GatewayCore
import Synchronization
import Testing
import TownshipRPC

extension GatewaySuites {
    /// How the gateway spreads a backend's calls over its replicas, ejects a failing one and
    /// tries a call again elsewhere: the choices of `BackendReplicas`, on two clients that are
    /// never dialled (each call's body plays the replica's answer).
    @Suite struct BackendReplicasTests {
        static let coolDown = Duration.milliseconds(300)

        /// Two replicas (clients of ports nothing listens on), ejected after two failures.
        static func twoReplicas() throws -> (BackendReplicas, RPCClient, RPCClient) {
            let pki = GatewayTestPKI.shared
            let connector = BackendConnector(certificatePath: pki.gateway.certificatePath, privateKeyPath: pki.gateway.privateKeyPath,
                                             caPath: pki.ca.certificatePath, logger: GatewayHarness.logger("gateway.rpc"))
            let (replicas, _) = try connector.replicas(
                for: "intake", endpoints: [RPCEndpoint(host: "127.0.0.1", port: 1), RPCEndpoint(host: "127.0.0.1", port: 2)],
                breakerFailures: 2, breakerCoolDown: coolDown)
            return (replicas, replicas.replicas[0].client, replicas.replicas[1].client)
        }

        /// Which replica each call ran on, in order ("a"/"b"), answering with `answer`.
        final class Log: Sendable {
            let calls = Mutex<[String]>([])
            func name(_ client: RPCClient, _ a: RPCClient) -> String { client === a ? "a" : "b" }
            var all: [String] { calls.withLock { $0 } }
        }

        static func run(
            _ replicas: BackendReplicas, a: RPCClient, log: Log, retrySafe: Bool = false,
            answer: @escaping @Sendable (String) throws -> String = { $0 }
        ) async throws -> String {
            try await replicas.call(retrySafe: retrySafe) { client in
                let name = log.name(client, a)
                log.calls.withLock { $0.append(name) }
                return try answer(name)
            }
        }

        @Test func callsTakeTurnsWhenNoneIsInFlight() async throws {
            let (replicas, a, _) = try Self.twoReplicas()
            let log = Log()
            for _ in 0..<6 { _ = try await Self.run(replicas, a: a, log: log) }
            #expect(log.all.count == 6)
            #expect(zip(log.all, log.all.dropFirst()).allSatisfy { $0 != $1 }, "\(log.all)")
        }

        @Test func theReplicaWithFewerCallsInFlightIsChosen() async throws {
            let (replicas, a, _) = try Self.twoReplicas()
            replicas.replicas[0].inFlight.add(3, ordering: .relaxed)
            let log = Log()
            for _ in 0..<4 { _ = try await Self.run(replicas, a: a, log: log) }
            #expect(log.all == ["b", "b", "b", "b"])
        }

        @Test func aRefusedCallGoesToTheOtherReplicaAndTheFailingOneIsEjectedUntilItsCoolDown() async throws {
            let (replicas, a, _) = try Self.twoReplicas()
            let log = Log()
            let aIsDown = Atomic<Bool>(true)
            let answer: @Sendable (String) throws -> String = { name in
                if name == "a", aIsDown.load(ordering: .relaxed) { throw RPCError(.unavailable, "connection refused", wasRefused: true) }
                return name
            }
            // Even a write without a key: a refused call never reached the replica.
            for _ in 0..<8 { #expect(try await Self.run(replicas, a: a, log: log, answer: answer) == "b") }
            #expect(log.all.filter { $0 == "a" }.count == 2, "a is tried until its breaker opens (2 failures): \(log.all)")
            #expect(replicas.replicas[0].breaker.state == .open)

            // After the cool-down one call probes it; it is back, so it takes its turns again.
            aIsDown.store(false, ordering: .relaxed)
            try await Task.sleep(for: Self.coolDown + .milliseconds(50))
            let before = log.all.count
            for _ in 0..<4 { _ = try await Self.run(replicas, a: a, log: log, answer: answer) }
            #expect(log.all.dropFirst(before).filter { $0 == "a" }.count == 2, "\(log.all.dropFirst(before))")
            #expect(replicas.replicas[0].breaker.state == .closed)
        }

        @Test func aLostCallIsRetriedElsewhereOnlyWhenItIsSafeToRepeat() async throws {
            let (replicas, a, _) = try Self.twoReplicas()
            let lost: @Sendable (String) throws -> String = { name in
                if name == "a" { throw RPCError(.unavailable, "connection lost after the request was sent") }
                return name
            }
            // A write without an idempotency key may have happened on a: it is not repeated.
            let writes = Log()
            var failedWrites = 0
            for _ in 0..<2 {
                do { _ = try await Self.run(replicas, a: a, log: writes, answer: lost) } catch let error as RPCError {
                    #expect(error.status == .unavailable)
                    failedWrites += 1
                }
            }
            #expect(failedWrites == 1 && writes.all.sorted() == ["a", "b"], "\(writes.all)")

            // A read, or a call with an idempotency key, is tried once more on b.
            let (fresh, freshA, _) = try Self.twoReplicas()
            let reads = Log()
            for _ in 0..<2 { #expect(try await Self.run(fresh, a: freshA, log: reads, retrySafe: true, answer: lost) == "b") }
            #expect(reads.all.sorted() == ["a", "b", "b"], "\(reads.all)")
        }

        @Test func answersOfTheServiceKeepAReplicaInAndEveryOpenBreakerStillLetsCallsOut() async throws {
            let (replicas, a, _) = try Self.twoReplicas()
            let log = Log()
            let notFound: @Sendable (String) throws -> String = { _ in throw RPCError(.notFound, "no such ticket") }
            for _ in 0..<6 { _ = try? await Self.run(replicas, a: a, log: log, answer: notFound) }
            #expect(log.all.count == 6, "a NOT_FOUND is an answer, not retried: \(log.all)")
            #expect(replicas.replicas.allSatisfy { $0.breaker.state == .closed })

            let down: @Sendable (String) throws -> String = { _ in throw RPCError(.unavailable, "refused", wasRefused: true) }
            for _ in 0..<4 { _ = try? await Self.run(replicas, a: a, log: log, answer: down) }
            #expect(replicas.replicas.allSatisfy { $0.breaker.state == .open })
            // Both ejected: the call goes out anyway rather than failing without trying.
            let before = log.all.count
            _ = try await Self.run(replicas, a: a, log: log)
            #expect(log.all.count == before + 1)
        }
    }
}
