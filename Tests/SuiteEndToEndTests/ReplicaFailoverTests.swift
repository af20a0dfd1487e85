import Foundation
import Synchronization
import Testing
import TownshipTestSupport

/// Two intake replicas on one throwaway PostgreSQL database behind the gateway, as processes.
/// Residents file tickets and grid workers accept them through the gateway's HTTP API, as real
/// clients do: each request carries its idempotency key (a submission's `clientRequestId`, an
/// action's `Idempotency-Key`) and is sent again with the same key until it is acknowledged.
/// Meanwhile one replica is SIGKILLed and started again, five times, alternating. Afterwards
/// every acknowledged ticket and acceptance exists exactly once, every ledger chain verifies,
/// and every cockpit overview sampled was whole but those asked within the breaker's
/// cool-down after a kill.
@Suite(.serialized) struct ReplicaFailoverTests {
    static let coolDownMilliseconds = 500
    static let coolDown = Duration.milliseconds(coolDownMilliseconds)
    static let kills = 5
    static let clients = 4
    /// In every description the test files, to tell its tickets from the seeded ones.
    static let marker = "replica-failover"

    /// What the clients were told succeeded: ticket id by submission key, and tickets accepted.
    final class Acknowledged: Sendable {
        let tickets = Mutex<[String: String]>([:])
        let accepted = Mutex<Set<String>>([])
        /// Answers no retry can mend (4xx), which fail the test.
        let refusals = Mutex<[String]>([])
    }

    /// Tells the clients and the sampler to finish what they are doing and stop.
    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .relaxed) }
        func set() { flag.store(true, ordering: .relaxed) }
    }

    struct Sample: Sendable {
        var started: ContinuousClock.Instant
        var complete: Bool
        var detail: String
    }

    /// Sends `body` until a 2xx comes back, again with the same idempotency key after a 5xx
    /// or a lost connection; nil after a 4xx (recorded) or when `stop` is set.
    static func untilAcknowledged(
        _ http: GatewayHTTP, _ path: String, as token: String, _ body: String, headers: [String: String] = [:],
        acknowledged: Acknowledged, stop: StopFlag
    ) async -> [String: Any]? {
        while !stop.isSet {
            do {
                let (status, answer) = try await http.request("POST", path, token: token, body: body, headers: headers)
                if (200..<300).contains(status) { return answer }
                if (400..<500).contains(status) {
                    acknowledged.refusals.withLock { $0.append("POST \(path): \(status) \(answer)") }
                    return nil
                }
            } catch {
                // The connection to the gateway failed: send it again.
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// One client's loop: a resident files a ticket, a grid worker accepts it.
    static func client(_ http: GatewayHTTP, _ people: LiveTickets, acknowledged: Acknowledged, stop: StopFlag) async {
        while !stop.isSet {
            let key = UUID().uuidString
            let submission = LiveTickets.submission().replacingOccurrences(of: "e2e-", with: "e2e-\(key)-")
                .replacingOccurrences(of: "社保卡更换后养老金银行网点太远", with: "\(marker) \(key)")
            guard let filed = await untilAcknowledged(http, "/api/intake/tickets", as: people.resident, submission, acknowledged: acknowledged, stop: stop),
                  let id = ((filed["ticket"] as? [String: Any])?["id"] as? [String: Any])?["value"] as? String else { continue }
            acknowledged.tickets.withLock { $0[key] = id }
            if await untilAcknowledged(http, "/api/intake/tickets/\(id)/\(LiveTickets.accept.verb)", as: people.grid, LiveTickets.accept.body,
                                       headers: ["Idempotency-Key": "accept-\(key)"], acknowledged: acknowledged, stop: stop) != nil {
                _ = acknowledged.accepted.withLock { $0.insert(id) }
            }
        }
    }

    /// The leader's overview every 200 ms until `stop`.
    static func sampleOverviews(_ http: GatewayHTTP, as leader: String, stop: StopFlag) async -> [Sample] {
        var samples: [Sample] = []
        while !stop.isSet {
            let started = ContinuousClock.now
            do {
                let (status, body) = try await http.request("GET", "/api/cockpit/overview", token: leader)
                let intake = (body["sections"] as? [String: Any])?["intake"] as? [String: Any]
                samples.append(Sample(started: started, complete: status == 200 && body["complete"] as? Bool == true,
                                      detail: "\(status) intake=\(intake?["status"] ?? "-") \(intake?["reason"] ?? "")"))
            } catch {
                samples.append(Sample(started: started, complete: false, detail: "\(error)"))
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return samples
    }

    /// Every ticket the leader sees, page by page.
    static func allTickets(_ http: GatewayHTTP, as leader: String) async throws -> [[String: Any]] {
        var tickets: [[String: Any]] = []
        var cursor = ""
        repeat {
            let query = "/api/intake/tickets?page_size=500" + (cursor.isEmpty ? "" : "&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)")
            let (status, body) = try await http.request("GET", query, token: leader)
            guard status == 200 else { throw GatewayHTTP.Failure(description: "list: \(status) \(body)") }
            tickets += body["tickets"] as? [[String: Any]] ?? []
            cursor = (body["page"] as? [String: Any])?["nextCursor"] as? String ?? ""
        } while !cursor.isEmpty
        return tickets
    }

    @Test func everyAcknowledgedWriteSurvivesFiveReplicaKillsExactlyOnce() async throws {
        let postgres = try ThrowawayPostgres.shared()
        let url = try postgres.freshDatabase()
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("township-pg-password-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: passwordFile.path, contents: Data(postgres.password.utf8), attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(at: passwordFile) }
        let suite = try ReplicaProcesses(replicas: 2, database: .postgres(url: url, passwordFile: passwordFile.path), gatewaySections: [
            "overview": #"{"budgetMilliseconds": 1500, "backendMilliseconds": 1200, "cacheMilliseconds": 0}"#,
            "breaker": #"{"failures": 3, "coolDownMilliseconds": \#(Self.coolDownMilliseconds)}"#,
        ])
        defer { suite.stopAll() }
        try suite.seed(0, tickets: 5)
        for replica in 0..<2 { try await suite.start(replica) }
        let http = try await suite.startGateway()
        let people = try await LiveTickets(http: http)
        let leader = try await http.login("leader")
        try await eventually("a whole overview") {
            guard try await http.overview(as: leader)["complete"] as? Bool == true else { throw GatewayHTTP.Failure(description: "not whole yet") }
        }

        // The cockpit's live feed, on one replica at a time: it must go on across the kills.
        let events = try EventStreamClient(port: suite.gatewayPort, path: "/api/events", token: leader)
        defer { events.stop() }
        #expect(events.status == 200)

        let acknowledged = Acknowledged()
        let stop = StopFlag()
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.clients { group.addTask { await Self.client(http, people, acknowledged: acknowledged, stop: stop) } }
            }
        }
        let sampler = Task { await Self.sampleOverviews(http, as: leader, stop: stop) }

        var killedAt: [ContinuousClock.Instant] = []
        for round in 0..<Self.kills {
            try await Task.sleep(for: .seconds(1))
            let replica = round % 2
            killedAt.append(.now)
            #expect(suite.kill(replica) == SIGKILL)
            try await Task.sleep(for: .seconds(1))
            try await suite.start(replica)
        }
        try await Task.sleep(for: .seconds(1))
        stop.set()
        await load.value
        let samples = await sampler.value

        let refusals = acknowledged.refusals.withLock { $0 }
        #expect(refusals.isEmpty, "answers no retry could mend: \(refusals)")
        let tickets = acknowledged.tickets.withLock { $0 }
        let accepted = acknowledged.accepted.withLock { $0 }
        #expect(tickets.count >= 20, "only \(tickets.count) tickets acknowledged during the kills")

        // Every acknowledged submission is one ticket: none lost, none filed twice by a retry.
        let ours = try await Self.allTickets(http, as: leader).compactMap { ticket -> String? in
            let description = (ticket["submission"] as? [String: Any])?["problemDescription"] as? String ?? ""
            return description.hasPrefix(Self.marker) ? String(description.dropFirst(Self.marker.count + 1)) : nil
        }
        #expect(ours.count == Set(ours).count, "tickets filed twice: \(ours.count - Set(ours).count)")
        #expect(Set(ours) == Set(tickets.keys), "acknowledged but missing: \(Set(tickets.keys).subtracting(ours).count); unacknowledged: \(Set(ours).subtracting(tickets.keys).count)")
        #expect(Set(tickets.values).count == tickets.count, "two submissions were answered with the same ticket")

        // Every acknowledged acceptance is one ACCEPT event in its ticket's timeline.
        for id in accepted {
            let (status, body) = try await http.request("GET", "/api/intake/tickets/\(id)", token: leader)
            let actions = (body["timeline"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(status == 200 && actions.filter { $0 == "ACTION_ACCEPT" }.count == 1 && actions.filter { $0 == "ACTION_SUBMIT" }.count == 1,
                    "ticket \(id): \(status) \(actions)")
        }

        // Every chain, the chain over all events and the latest checkpoint verify.
        let verified = try await http.post("/api/intake/ledger/verify", as: leader, "{}")
        #expect(verified["intact"] as? Bool == true, "\(verified)")

        // The event stream moved to the surviving replica at each kill and resumed from its
        // last position: every acknowledged acceptance arrived, positions only ever increase.
        for id in accepted {
            _ = try await events.next(within: .seconds(20)) { block in
                let event = block.json?["event"] as? [String: Any]
                return event?["action"] as? String == "ACTION_ACCEPT" && (event?["ticketId"] as? [String: Any])?["value"] as? String == id
            }
        }
        var positions: [Int64] = []
        for index in 0..<events.count {
            if let id = try await events.next(within: .zero, from: index, { _ in true }).block.field("id").flatMap(Int64.init) { positions.append(id) }
        }
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 }, "event ids out of order or repeated")

        // The overview stayed whole, but for requests made within a cool-down after a kill.
        let broken = samples.filter { sample in
            !sample.complete && !killedAt.contains { sample.started >= $0 && sample.started < $0 + Self.coolDown }
        }
        let excused = samples.filter { !$0.complete }.count - broken.count
        print("replica failover: \(tickets.count) tickets and \(accepted.count) acceptances acknowledged, \(positions.count) events streamed, \(samples.count) overviews (\(excused) not whole within a cool-down)")
        #expect(samples.count >= 20, "only \(samples.count) overview samples")
        #expect(broken.isEmpty, "overviews not whole outside a cool-down: \(broken.map(\.detail))")
    }
}
