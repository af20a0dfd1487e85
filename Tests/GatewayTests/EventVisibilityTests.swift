import Foundation
import GatewayCore
import Testing
import TownshipProtos

extension GatewaySuites {
    /// The event stream shows what intake's own rule shows (the gateway keeps no copy of it),
    /// and a browser that reconnects with Last-Event-ID after a gateway restart gets every
    /// event it missed.
    @Suite struct EventVisibilityTests {
        /// Split at every LF, also the one of a CRLF (which a String holds as one Character).
        static func lines(of text: String) -> [String] {
            text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        }

        /// Ticket ids in an SSE text's `data:` lines.
        static func ticketIDs(in text: String) -> Set<String> {
            var ids = Set<String>()
            for line in lines(of: text) where line.hasPrefix("data: ") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any],
                    let ticket = object["ticket"] as? [String: Any], let id = (ticket["id"] as? [String: Any])?["value"] as? String
                else { continue }
                ids.insert(id)
            }
            return ids
        }

        @Test func aGridWorkerSeesExactlyWhatIntakesListTicketsShowsThem() async throws {
            try await withGateway { harness in
                let ownGrid = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                // In another grid, but the grid worker accepts it: intake keeps showing it to them.
                let accepted = harness.intake.seed(village: "V02", grid: "V02-G3", category: "c-power", status: .submitted, submitter: "u-someone")
                let elsewhere = harness.intake.seed(village: "V02", grid: "V02-G3", category: "c-power", status: .submitted, submitter: "u-someone")
                let grid = try await harness.login("grid")
                let admin = try await harness.login("admin")
                async let seen = harness.client.readEventStream("/api/events", token: grid, timeout: .seconds(3)) {
                    $0.components(separatedBy: "ACTION_CLOSE").count > 2
                }
                try await EventStreamTests.waitForSubscription(harness)
                let accept = try await harness.client.request(
                    "POST", "/api/intake/tickets/\(accepted.id.value)/accept", token: grid, body: #"{"classification":{"categoryId":{"value":"c-power"}}}"#)
                #expect(accept.status == 200)
                for ticket in [ownGrid, accepted, elsewhere] {
                    let closed = try await harness.client.request("POST", "/api/intake/tickets/\(ticket.id.value)/close", token: admin, body: "{}")
                    #expect(closed.status == 200)
                }
                let streamed = Self.ticketIDs(in: try await seen)
                let listed = try await harness.client.request("GET", "/api/intake/tickets", token: grid)
                let listedIDs = Set(((listed.object["tickets"] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? [String: Any])?["value"] as? String })
                #expect(listedIDs == [ownGrid.id.value, accepted.id.value])
                #expect(streamed == listedIDs, "streamed \(streamed), listed \(listedIDs)")
            }
        }

        @Test func afterAGatewayRestartLastEventIDGetsEveryEventPublishedInBetween() async throws {
            let first = try await GatewayHarness.start()
            let ticket = first.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
            let leader = try await first.login("leader")
            async let before = first.client.readEventStream("/api/events", token: leader, timeout: .seconds(3)) { $0.contains("ACTION_ACCEPT") }
            try await EventStreamTests.waitForSubscription(first)
            let accepted = try await first.client.request(
                "POST", "/api/intake/tickets/\(ticket.id.value)/accept", token: leader, body: #"{"classification":{"categoryId":{"value":"c-power"}}}"#)
            #expect(accepted.status == 200)
            let text = try await before
            let lastID = try #require(Self.lines(of: text).last { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }, "\(text)")
            #expect(lastID == "1")

            // The gateway goes down; three events happen at intake meanwhile.
            let admin = DemoUsers.all.first { $0.role == .admin }!.principal
            let second = try await first.restartGateway()
            try first.intake.perform(.dispatch, on: ticket.id.value, to: .dispatched, by: admin)
            try first.intake.perform(.sign, on: ticket.id.value, to: .signed, by: admin)
            try first.intake.perform(.startHandling, on: ticket.id.value, to: .inProgress, by: admin)

            // The browser reconnects to the new gateway with the last id it saw.
            try await RawConnection.with(port: second.client.port) { connection in
                try await connection.send(
                    "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(leader)\r\nLast-Event-ID: \(lastID)\r\n\r\n")
                let all = await connection.read(timeout: .seconds(3)) { $0.contains("ACTION_START_HANDLING") }
                #expect(all, "\(connection.received.suffix(400))")
                for (id, action) in [(2, "ACTION_DISPATCH"), (3, "ACTION_SIGN"), (4, "ACTION_START_HANDLING")] {
                    #expect(connection.received.contains("id: \(id)\n"), "event \(id)")
                    #expect(connection.received.contains(action))
                }
                #expect(!connection.received.contains("ACTION_ACCEPT"), "the event before Last-Event-ID came again")
            }
            await second.stop()
        }

        @Test func aLongReplayArrivesWholeAndInOrderAcrossReconnects() async throws {
            try await withGateway { harness in
                let ticket = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                let admin = DemoUsers.all.first { $0.role == .admin }!.principal
                let total = 700
                for index in 0..<total {
                    try harness.intake.perform(index % 2 == 0 ? .startHandling : .reply, on: ticket.id.value, to: .inProgress, by: admin)
                }
                let leader = try await harness.login("leader")
                var received: [Int] = []
                // As a browser does: reconnect with the last id whenever the stream ends.
                for _ in 0..<20 where received.last != total {
                    let lastID = received.last ?? 0
                    try await RawConnection.with(port: harness.client.port) { connection in
                        try await connection.send(
                            "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(leader)\r\nLast-Event-ID: \(lastID)\r\n\r\n")
                        _ = await connection.read(timeout: .seconds(5)) { $0.contains("id: \(total)\n") || $0.hasSuffix("\r\n0\r\n\r\n") }
                        received += Self.lines(of: connection.received).filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
                    }
                }
                #expect(received == Array(1...total), "\(received.count) ids, first gap near \(zip(received, 1...).first { $0 != $1 }.map { "\($0)" } ?? "-")")
            }
        }

        @Test func aMalformedLastEventIDIsRefusedClearly() async throws {
            try await withGateway { harness in
                let leader = try await harness.login("leader")
                try await RawConnection.with(port: harness.client.port) { connection in
                    try await connection.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(leader)\r\nLast-Event-ID: yesterday\r\n\r\n")
                    _ = await connection.read(timeout: .seconds(3)) { $0.contains("}}") || $0.contains(": connected") }
                    #expect(connection.received.hasPrefix("HTTP/1.1 400"), "\(connection.received.prefix(300))")
                }
            }
        }
    }
}
