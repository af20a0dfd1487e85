import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Each user may hold `events.maxStreamsPerUser` event streams open; beyond it 429.
    @Suite struct EventStreamQuotaTests {
        static func open(_ token: String) -> String {
            "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n"
        }

        @Test func beyondTheCapAUsersNextStreamIsRefusedWith429() async throws {
            // No heartbeat during the test: a closed stream is noticed by its connection closing.
            try await withGateway(tweak: { $0.maxEventStreamsPerUser = 2; $0.eventHeartbeat = .seconds(60) }) { harness in
                let leader = try await harness.login("leader")
                let admin = try await harness.login("admin")
                let port = harness.client.port
                try await RawConnection.with(port: port) { first in
                    try await first.send(Self.open(leader))
                    #expect(await first.read(timeout: .seconds(3)) { $0.contains(": connected") })
                    try await RawConnection.with(port: port) { second in
                        try await second.send(Self.open(leader))
                        #expect(await second.read(timeout: .seconds(3)) { $0.contains(": connected") })
                        // (Read with a time limit: were it let through, the stream would never end.)
                        try await RawConnection.with(port: port) { third in
                            try await third.send(Self.open(leader))
                            _ = await third.read(timeout: .seconds(3)) { $0.contains("}}") || $0.contains(": connected") }
                            #expect(third.received.hasPrefix("HTTP/1.1 429"), "\(third.received.prefix(300))")
                            #expect(third.received.contains(#""reason":"TOO_MANY_EVENT_STREAMS""#))
                            #expect(third.received.contains("events.maxStreamsPerUser"))
                        }
                        // Another user is not affected.
                        try await RawConnection.with(port: port) { other in
                            try await other.send(Self.open(admin))
                            #expect(await other.read(timeout: .seconds(3)) { $0.contains(": connected") })
                        }
                    }
                }
                // Closed streams give their places back at once, so a browser that reconnects
                // (after a network drop) is not refused.
                var reopened = false
                for _ in 0..<40 where !reopened {
                    try await RawConnection.with(port: port) { again in
                        try await again.send(Self.open(leader))
                        _ = await again.read(timeout: .seconds(2)) { $0.contains(": connected") || $0.contains("429") }
                        reopened = again.received.contains(": connected")
                    }
                    if !reopened { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(reopened)
            }
        }
    }
}
