import Foundation

/// Tickets in a wanted state, made through the gateway by the roles whose job each step is:
/// the resident files (village V01, grid V01-L2-1-G1, category pension), the grid worker
/// accepts and dispatches to dept-social, the department signs, starts and replies, the grid
/// worker records the follow-up.
struct LiveTickets {
    /// The workflow's states in order; each is reached from the one before by one step.
    enum State: Int, Comparable, CaseIterable, Sendable {
        case submitted, accepted, dispatched, signed, inProgress, replied, followedUp
        static func < (a: State, b: State) -> Bool { a.rawValue < b.rawValue }
    }

    /// A workflow verb of `POST /api/intake/tickets/{id}/<verb>` with a valid body.
    struct Step: Sendable {
        var verb: String
        var body: String
    }

    static let accept = Step(verb: "accept", body: #"{"classification": {"categoryId": {"value": "pension"}, "place": {"villageId": {"value": "V01"}, "gridId": {"value": "V01-L2-1-G1"}}}}"#)
    static let dispatch = Step(verb: "dispatch", body: #"{"departmentDispatch": {"departmentId": {"value": "dept-social"}}}"#)
    static let sign = Step(verb: "sign", body: "{}")
    static let returnToTriage = Step(verb: "return", body: #"{"returnToTriage": {"reason": "RETURN_REASON_WRONG_TERRITORY"}}"#)
    static let start = Step(verb: "start", body: "{}")
    static let reply = Step(verb: "reply", body: #"{"reply": {"outcome": "OUTCOME_FIXED", "result": "已协调银行在村服务中心设立代办点"}}"#)
    static let followUp = Step(verb: "follow-up", body: #"{"followUp": {"result": "FOLLOW_UP_RESULT_SATISFIED"}}"#)
    static let close = Step(verb: "close", body: "{}")

    /// A new report in grid V01-L2-1-G1 with a fresh client request id.
    static func submission() -> String {
        #"""
        {"clientRequestId": "e2e-\#(UUID().uuidString)", "reporter": {"name": "郑村民", "phone": "13800001234"},
         "submission": {"channel": "CHANNEL_KIOSK_VIDEO", "place": {"villageId": {"value": "V01"}, "gridId": {"value": "V01-L2-1-G1"}},
                        "categoryId": {"value": "pension"}, "problemDescription": "社保卡更换后养老金银行网点太远"}}
        """#
    }

    let http: GatewayHTTP
    let resident: String
    let grid: String
    let department: String

    init(http: GatewayHTTP) async throws {
        self.http = http
        resident = try await http.login("resident")
        grid = try await http.login("grid")
        department = try await http.login("dept")
    }

    /// Files a ticket as `token`'s user and returns its id.
    func file(as token: String) async throws -> String {
        let filed = try await http.post("/api/intake/tickets", as: token, Self.submission())
        guard let id = ((filed["ticket"] as? [String: Any])?["id"] as? [String: Any])?["value"] as? String else {
            throw GatewayHTTP.Failure(description: "no ticket id in \(filed)")
        }
        return id
    }

    /// A resident's new ticket carried to `state`.
    func ticket(in state: State) async throws -> String {
        let id = try await file(as: resident)
        let steps: [(State, Step, String)] = [
            (.accepted, Self.accept, grid), (.dispatched, Self.dispatch, grid), (.signed, Self.sign, department),
            (.inProgress, Self.start, department), (.replied, Self.reply, department), (.followedUp, Self.followUp, grid),
        ]
        for (reached, step, token) in steps where reached <= state {
            try await http.post("/api/intake/tickets/\(id)/\(step.verb)", as: token, step.body)
        }
        return id
    }
}
