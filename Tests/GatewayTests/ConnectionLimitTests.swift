import Foundation
import GatewayCore
import NIOCore
import Testing

extension GatewaySuites {
    /// The HTTP listener's limits (issue #10): 500 connections holding partial headers stayed
    /// open past 75 s, idle ones past 120 s. Limits are small here; the defaults are seconds.
    @Suite struct ConnectionLimitTests {
        static let healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        static let okBody = #"{"status":"ok"}"#

        func expectServing(_ harness: GatewayHarness, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let health = try await harness.client.request("GET", "/healthz")
            #expect(health.status == 200, sourceLocation: sourceLocation)
        }

        @Test func partialHeadersAreClosedAfterTheHeaderTimeoutHoweverSlowlyTheyTrickle() async throws {
            try await withGateway(tweak: {
                $0.connectionLimits.headerTimeout = .milliseconds(400)
                $0.connectionLimits.idleTimeout = .seconds(30)
            }) { harness in
                try await RawConnection.with(port: harness.client.port) { connection in
                    let start = ContinuousClock.now
                    try await connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    // A header line every 100 ms: activity, but never a whole head.
                    let outbound = connection.outbound
                    let trickle = Task {
                        for index in 0..<60 {
                            try await Task.sleep(for: .milliseconds(100))
                            try await outbound.write(ByteBuffer(string: "X-Slow-\(index): a\r\n"))
                        }
                    }
                    defer { trickle.cancel() }
                    // Served meanwhile.
                    try await expectServing(harness)
                    let closed = await connection.closedWithin(.seconds(5))
                    let after = ContinuousClock.now - start
                    #expect(closed != nil, "a trickled head was still open after \(after)")
                    #expect(after >= .milliseconds(350) && after < .seconds(3), "closed after \(after)")
                    #expect(!connection.received.contains("200 OK"))
                }
                try await expectServing(harness)
            }
        }

        @Test func aBodyTrickledInIsClosedAfterTheBodyTimeout() async throws {
            try await withGateway(tweak: {
                $0.connectionLimits.bodyTimeout = .milliseconds(400)
                $0.connectionLimits.idleTimeout = .seconds(30)
            }) { harness in
                let token = try await harness.login("leader")
                try await RawConnection.with(port: harness.client.port) { connection in
                    let start = ContinuousClock.now
                    try await connection.send(
                        "POST /api/intake/ledger/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                    // A space every 100 ms: activity, but never the whole body.
                    let outbound = connection.outbound
                    let trickle = Task {
                        for _ in 0..<60 {
                            try await Task.sleep(for: .milliseconds(100))
                            try await outbound.write(ByteBuffer(string: " "))
                        }
                    }
                    defer { trickle.cancel() }
                    try await expectServing(harness)
                    let closed = await connection.closedWithin(.seconds(5))
                    let after = ContinuousClock.now - start
                    #expect(closed != nil, "a trickled body was still open after \(after)")
                    #expect(after >= .milliseconds(350) && after < .seconds(3), "closed after \(after)")
                }
                try await expectServing(harness)
            }
        }

        @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() async throws {
            try await withGateway(tweak: {
                $0.connectionLimits.idleTimeout = .milliseconds(400)
                $0.connectionLimits.headerTimeout = .seconds(30)
            }) { harness in
                // Connected, never a byte.
                try await RawConnection.with(port: harness.client.port) { connection in
                    try await expectServing(harness)
                    let closed = await connection.closedWithin(.seconds(3))
                    #expect(closed != nil, "a silent connection stayed open")
                    #expect((closed ?? .zero) >= .milliseconds(300))
                }
                // Kept alive after an answer, then silent.
                try await RawConnection.with(port: harness.client.port) { connection in
                    try await connection.send(Self.healthz)
                    #expect(await connection.read(timeout: .seconds(3)) { $0.contains(Self.okBody) })
                    let closed = await connection.closedWithin(.seconds(3))
                    #expect(closed != nil, "an idle keep-alive connection stayed open")
                    #expect((closed ?? .zero) >= .milliseconds(300))
                }
                try await expectServing(harness)
            }
        }

        @Test func anEventStreamIsNotIdle() async throws {
            try await withGateway(tweak: {
                $0.connectionLimits.idleTimeout = .milliseconds(300)
                $0.eventHeartbeat = .seconds(30)
            }) { harness in
                let leader = try await harness.login("leader")
                let text = try await harness.client.readEventStream("/api/events", token: leader, timeout: .milliseconds(1200)) { _ in false }
                // Still open when the reader gave up: the end of the chunked body never came.
                #expect(text.contains(": connected"))
                #expect(!text.contains("\r\n0\r\n\r\n"))
            }
        }

        @Test func beyondTheCapNewConnectionsAreRefusedWhileOpenOnesAreServed() async throws {
            try await withGateway(tweak: { $0.connectionLimits.maxConnections = 3 }) { harness in
                let port = harness.client.port
                try await RawConnection.with(port: port) { first in
                    try await RawConnection.with(port: port) { second in
                        try await RawConnection.with(port: port) { third in
                            // Each one answered once: all three are open at the gateway.
                            try await first.send(Self.healthz)
                            #expect(await first.read(timeout: .seconds(3)) { $0.contains(Self.okBody) })
                            try await second.send(Self.healthz)
                            #expect(await second.read(timeout: .seconds(3)) { $0.contains(Self.okBody) })
                            try await third.send(Self.healthz)
                            #expect(await third.read(timeout: .seconds(3)) { $0.contains(Self.okBody) })
                            // A fourth: refused with 503, closed at once.
                            try await RawConnection.with(port: port) { fourth in
                                try? await fourth.send(Self.healthz)
                                let closed = await fourth.closedWithin(.seconds(3))
                                #expect(closed != nil, "the fourth connection stayed open")
                                #expect(!fourth.received.contains(Self.okBody))
                                #expect(fourth.received.isEmpty || fourth.received.hasPrefix("HTTP/1.1 503"), "\(fourth.received)")
                            }
                            // The open ones are still served.
                            try await first.send(Self.healthz)
                            #expect(await first.read(timeout: .seconds(3)) { $0.components(separatedBy: Self.okBody).count == 3 })
                        }
                    }
                }
                // Places are given back when connections close.
                var served = false
                for _ in 0..<50 where !served {
                    served = (try? await harness.client.request("GET", "/healthz"))?.status == 200
                    if !served { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(served)
            }
        }
    }
}
