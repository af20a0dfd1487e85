import Foundation
import Synchronization
import Testing

/// The cockpit overview when intake dies under it: intake is SIGKILLed (no drain; the kernel
/// cuts its connections) while leaders' and admins' overview requests are in flight. Every
/// answer still comes within the overview budget plus a margin for a loaded machine, those
/// after the death are marked incomplete with intake's section not "ok", and once intake is
/// started again on the same port a whole answer comes back.
@Suite(.serialized) struct LiveOverviewKillTests {
    static let budgetMilliseconds = 800
    static let budget = Duration.milliseconds(budgetMilliseconds)
    /// HTTP, scheduling and a debug build on a shared 2-core machine; the budget itself is the
    /// gateway's to keep.
    static let margin = Duration.milliseconds(1_500)

    struct Answer: Sendable, CustomStringConvertible {
        var started: ContinuousClock.Instant
        var finished: ContinuousClock.Instant
        var status: Int
        var complete: Bool?
        var intakeStatus: String?
        var took: Duration { finished - started }
        var description: String { "\(status) complete=\(complete.map(String.init) ?? "-") intake=\(intakeStatus ?? "-") in \(took)" }
    }

    /// A gateway that never reuses complete answers (every request after a kill asks intake
    /// again), with the budget under test and a breaker that probes again quickly.
    static func suite() throws -> SuiteProcesses {
        try SuiteProcesses(gatewaySections: [
            "overview": #"{"budgetMilliseconds": \#(budgetMilliseconds), "backendMilliseconds": 600, "cacheMilliseconds": 0}"#,
            "breaker": #"{"failures": 3, "coolDownMilliseconds": 200}"#,
        ])
    }

    static func ask(_ http: GatewayHTTP, as token: String) async throws -> Answer {
        let started = ContinuousClock.now
        let (status, body) = try await http.request("GET", "/api/cockpit/overview", token: token)
        let intake = (body["sections"] as? [String: Any])?["intake"] as? [String: Any]
        return Answer(started: started, finished: .now, status: status, complete: body["complete"] as? Bool, intakeStatus: intake?["status"] as? String)
    }

    @Test func aKilledIntakeGivesPartialAnswersInTimeAndWholeOnesAfterItsRestart() async throws {
        // No reuse of complete answers, so every request after the kill asks intake again.
        let suite = try Self.suite()
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let tokens = [
            try await http.login("leader"), try await http.login("admin"),
        ]
        try await eventually("a complete overview") {
            let answer = try await Self.ask(http, as: tokens[0])
            guard answer.complete == true else { throw GatewayHTTP.Failure(description: "\(answer)") }
        }

        // Two viewers each for the leader's and the admin's rounds keep requests in flight.
        let loadEnds = ContinuousClock.now + .seconds(4)
        let load = Task {
            try await withThrowingTaskGroup(of: [Answer].self) { group in
                for client in 0..<4 {
                    group.addTask {
                        var answers: [Answer] = []
                        while ContinuousClock.now < loadEnds { answers.append(try await Self.ask(http, as: tokens[client % 2])) }
                        return answers
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        try await Task.sleep(for: .seconds(1))
        let killSent = ContinuousClock.now
        let signal = suite.killIntake()
        let killed = ContinuousClock.now
        #expect(signal == SIGKILL, "intake died of signal \(signal)")
        let answers = try await load.value

        let late = answers.filter { $0.took >= Self.budget + Self.margin }
        #expect(late.isEmpty, "answers later than the budget \(Self.budget) + \(Self.margin): \(late)")
        #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.filter { $0.status != 200 })")
        let inFlight = answers.filter { $0.started < killSent && $0.finished > killSent }
        #expect(!inFlight.isEmpty, "no overview request was in flight at the kill: \(answers.count) answers")
        let after = answers.filter { $0.started > killed }
        #expect(!after.isEmpty, "no overview request after the kill")
        let whole = after.filter { $0.complete != false || $0.intakeStatus == "ok" || $0.intakeStatus == nil }
        #expect(whole.isEmpty, "answers after intake died not marked incomplete: \(whole)")

        // Started again on the same port: whole answers return (the breaker half-opens after
        // its cool-down, the RPC client reconnects).
        try suite.startIntake()
        let restarted = ContinuousClock.now
        let recovered = try await eventually("a complete overview after intake's restart") { () -> Answer in
            let answer = try await Self.ask(http, as: tokens[0])
            #expect(answer.took < Self.budget + Self.margin, "while intake restarts: \(answer)")
            guard answer.complete == true, answer.intakeStatus == "ok" else { throw GatewayHTTP.Failure(description: "\(answer)") }
            return answer
        }
        #expect(recovered.finished - restarted < .seconds(30))
    }

    /// A frozen intake (SIGSTOP) answers nothing and closes nothing, so only the gateway's own
    /// deadlines bound the answer: this is where the budget is really tested.
    @Test func aFrozenIntakeGivesPartialAnswersWithinTheBudget() async throws {
        let suite = try Self.suite()
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let leader = try await http.login("leader")
        try await eventually("a complete overview") {
            let answer = try await Self.ask(http, as: leader)
            guard answer.complete == true else { throw GatewayHTTP.Failure(description: "\(answer)") }
        }

        suite.freezeIntake()
        var answers: [Answer] = []
        // More than the breaker's threshold, so both the timed-out and the short-circuited answers count.
        for _ in 0..<6 { answers.append(try await Self.ask(http, as: leader)) }
        suite.resumeIntake()
        let late = answers.filter { $0.took >= Self.budget + Self.margin }
        #expect(late.isEmpty, "answers later than the budget \(Self.budget) + \(Self.margin): \(late)")
        let whole = answers.filter { $0.status != 200 || $0.complete != false || $0.intakeStatus == "ok" || $0.intakeStatus == nil }
        #expect(whole.isEmpty, "answers while intake was frozen not marked incomplete: \(whole)")

        try await eventually("a complete overview once intake goes on") {
            let answer = try await Self.ask(http, as: leader)
            guard answer.complete == true, answer.intakeStatus == "ok" else { throw GatewayHTTP.Failure(description: "\(answer)") }
        }
    }
}
