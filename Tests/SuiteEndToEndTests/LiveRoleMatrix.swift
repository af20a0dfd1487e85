/// The role matrix of the suite as its rules state it, written out by hand so that the test
/// checks the code against the rules rather than against itself:
/// - the gateway's role check (`IntakeRoles`, `CockpitRoutes.overviewRoles`): a role outside
///   a route's set gets 403 "the role … may not …" before any service is called;
/// - intake's `ActionPolicy` on the ticket's data: triage, follow-up and close for grid
///   workers, leaders and admins; sign, return and start for the staff of the department the
///   ticket is dispatched to; the reply for whoever handles it (here the department);
///   filing for residents (as themselves), grid workers (their grid), leaders and admins;
/// - intake's `VisibilityScope`: every ticket here is a resident's in grid V01-L2-1-G1, so the
///   demo grid worker and resident see it, and the demo department once it is dispatched to
///   dept-social.
enum LiveRoleMatrix {
    /// The demo users the gateway seeds, by login, with the role name its messages use.
    static let users: [(login: String, role: String)] = [
        ("leader", "leader"), ("grid", "grid_worker"), ("dept", "department_staff"), ("resident", "resident"),
        ("liaison", "liaison"), ("canteen", "canteen_operator"), ("employer", "employer"), ("seeker", "job_seeker"),
        ("admin", "admin"),
    ]

    enum Verdict: String, Sendable {
        /// A 2xx.
        case allowed
        /// 403 from the gateway's role check.
        case refusedByGateway
        /// 403 from intake, after the gateway let the call through.
        case refusedByIntake
    }

    struct Operation: Sendable {
        var name: String
        var method: String
        /// "{id}" stands for the ticket's id.
        var path: String
        /// "{id}" stands for the ticket's id; nil: no body.
        var body: String?
        /// The state the ticket must be in for the action to be legal; nil: no ticket needed.
        var needs: LiveTickets.State?
        /// Whether an allowed call moves the ticket on (so the next role needs a new one).
        var movesTicket = false
        var allowed: Set<String>
        /// Logins the gateway lets through and intake refuses on its rules.
        var refusedByIntake: Set<String> = []

        func verdict(for login: String) -> Verdict {
            if allowed.contains(login) { return .allowed }
            return refusedByIntake.contains(login) ? .refusedByIntake : .refusedByGateway
        }

        func resolved(_ text: String, id: String?) -> String {
            text.replacingOccurrences(of: "{id}", with: id ?? "1")
        }
    }

    static let triagers: Set<String> = ["leader", "grid", "admin"]
    static let readers: Set<String> = ["leader", "grid", "dept", "resident", "admin"]
    static let figures: Set<String> = ["leader", "admin"]

    static func action(_ step: LiveTickets.Step, on state: LiveTickets.State, allowed: Set<String>, refusedByIntake: Set<String> = []) -> Operation {
        Operation(
            name: step.verb, method: "POST", path: "/api/intake/tickets/{id}/\(step.verb)", body: step.body, needs: state,
            movesTicket: true, allowed: allowed, refusedByIntake: refusedByIntake)
    }

    static let operations: [Operation] = [
        // The body is replaced by a fresh submission for every call (see LiveTickets.submission).
        Operation(name: "file a ticket", method: "POST", path: "/api/intake/tickets", body: "{submission}",
                  allowed: ["leader", "grid", "resident", "admin"]),
        Operation(name: "list tickets", method: "GET", path: "/api/intake/tickets", allowed: readers),
        // Dispatched, so that it is within the department's scope too.
        Operation(name: "read a ticket", method: "GET", path: "/api/intake/tickets/{id}", needs: .dispatched, allowed: readers),
        action(LiveTickets.accept, on: .submitted, allowed: triagers),
        action(LiveTickets.dispatch, on: .accepted, allowed: triagers),
        action(LiveTickets.sign, on: .dispatched, allowed: ["dept"]),
        action(LiveTickets.returnToTriage, on: .dispatched, allowed: ["dept"]),
        // The gateway routes start and reply to grid workers too (village-level handling);
        // on a ticket a department handles, intake refuses them.
        action(LiveTickets.start, on: .signed, allowed: ["dept"], refusedByIntake: ["grid"]),
        action(LiveTickets.reply, on: .inProgress, allowed: ["dept"], refusedByIntake: ["grid"]),
        action(LiveTickets.followUp, on: .replied, allowed: triagers),
        action(LiveTickets.close, on: .followedUp, allowed: triagers),
        Operation(name: "read the overview", method: "GET", path: "/api/cockpit/overview", allowed: figures),
        Operation(name: "read statistics", method: "GET", path: "/api/intake/statistics", allowed: figures),
        Operation(name: "verify a ticket's ledger", method: "POST", path: "/api/intake/ledger/verify",
                  body: #"{"ticketId": {"value": "{id}"}}"#, needs: .submitted, allowed: figures),
    ]
}
