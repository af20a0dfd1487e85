import Foundation
import GatewayCore
import Testing

/// The role matrix against the real intake behind the real gateway, both as separate
/// processes: each demo role can do exactly its operations (`LiveRoleMatrix`), a refusal
/// says who was refused and why, and users of another grid, department or household cannot
/// see or touch a ticket that is not theirs.
@Suite(.serialized) struct LiveRoleMatrixTests {
    /// Starts intake (seeded) and the gateway and waits until a sign-in works.
    static func startSuite() async throws -> (SuiteProcesses, GatewayHTTP) {
        let suite = try SuiteProcesses()
        do {
            return (suite, try await suite.startAll())
        } catch {
            suite.stopAll()
            throw error
        }
    }

    @Test func eachRoleCanDoExactlyItsOperations() async throws {
        let (suite, http) = try await Self.startSuite()
        defer { suite.stopAll() }
        let tickets = try await LiveTickets(http: http)
        var tokens: [String: String] = [:]
        for user in LiveRoleMatrix.users { tokens[user.login] = try await http.login(user.login) }

        var mismatches: [String] = []
        var checked = 0
        for operation in LiveRoleMatrix.operations {
            // A refused call leaves the ticket as it was, so the next role may try the same one.
            var ready: String?
            for user in LiveRoleMatrix.users {
                var id: String?
                if let state = operation.needs {
                    if ready == nil { ready = try await tickets.ticket(in: state) }
                    id = ready
                }
                let body = operation.body.map {
                    $0 == "{submission}" ? LiveTickets.submission() : operation.resolved($0, id: id)
                }
                let (status, answer) = try await http.request(
                    operation.method, operation.resolved(operation.path, id: id), token: tokens[user.login], body: body)
                checked += 1
                if (200..<300).contains(status), operation.movesTicket { ready = nil }
                let message = GatewayHTTP.errorMessage(answer)
                let row = "\(user.login) · \(operation.name): \(status) \(message.isEmpty ? "\(answer)".prefix(200) : message[...])"
                switch operation.verdict(for: user.login) {
                case .allowed:
                    if !(200..<300).contains(status) { mismatches.append("expected 2xx — \(row)") }
                case .refusedByGateway:
                    // The gateway's role check names the role and the route.
                    if status != 403 || !message.hasPrefix("the role \(user.role) may not \(operation.method)") {
                        mismatches.append("expected 403 from the gateway's role check — \(row)")
                    }
                case .refusedByIntake:
                    // Intake's ActionPolicy names the role, the user and the rule.
                    if status != 403 || message.hasPrefix("the role ") || !message.contains("\(user.role) 'u-\(user.login)' may not") {
                        mismatches.append("expected 403 from intake's ActionPolicy — \(row)")
                    }
                }
            }
        }
        #expect(checked == LiveRoleMatrix.operations.count * LiveRoleMatrix.users.count)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked) role × operation pairs differ from the rules:\n\(mismatches.joined(separator: "\n"))")
    }

    @Test func withoutASessionEveryOperationIsUnauthenticated() async throws {
        let (suite, http) = try await Self.startSuite()
        defer { suite.stopAll() }
        for operation in LiveRoleMatrix.operations {
            let body = operation.body.map { $0 == "{submission}" ? LiveTickets.submission() : operation.resolved($0, id: nil) }
            let (status, answer) = try await http.request(operation.method, operation.resolved(operation.path, id: nil), body: body)
            #expect(status == 401, "\(operation.name): \(status) \(answer)")
            #expect(GatewayHTTP.errorMessage(answer).contains("sign in"), "\(operation.name): \(answer)")
        }
    }

    /// The demo set has one user per role; a second grid worker, department user and
    /// resident are added to the gateway's user database the way an operator's tool would
    /// (UserStore), since the gateway has no user-admin API.
    @Test func usersOfAnotherGridDepartmentOrHouseholdCannotSeeATicket() async throws {
        let (suite, http) = try await Self.startSuite()
        defer { suite.stopAll() }
        let store = try UserStore(path: suite.usersDatabase.path, bcryptCost: 10)
        for user in [
            GatewayUser(id: "u-grid2", login: "grid2", displayName: "陈网格", role: .gridWorker, gridID: "V01-L2-1-G2", villageID: "V01"),
            GatewayUser(id: "u-dept2", login: "dept2", displayName: "林科员", role: .departmentStaff, departmentID: "dept-hrss"),
            GatewayUser(id: "u-resident2", login: "resident2", displayName: "何村民", role: .resident, villageID: "V01"),
        ] {
            try await store.addUser(user, password: DemoUsers.password)
        }
        let tickets = try await LiveTickets(http: http)
        let submitted = try await tickets.ticket(in: .submitted)
        let dispatched = try await tickets.ticket(in: .dispatched)

        // (who, ticket, can see it): the owners first, so a ticket nobody could see fails the test.
        let cases: [(String, String, Bool)] = [
            ("grid", submitted, true), ("grid2", submitted, false),
            ("dept", dispatched, true), ("dept2", dispatched, false),
            ("resident", submitted, true), ("resident2", submitted, false),
        ]
        for (login, id, sees) in cases {
            let token = try await http.login(login)
            let (status, detail) = try await http.request("GET", "/api/intake/tickets/\(id)", token: token)
            let (listed, list) = try await http.request("GET", "/api/intake/tickets?order=created_desc", token: token)
            #expect(listed == 200, "\(login) lists: \(listed) \(list)")
            let ids = ((list["tickets"] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? [String: Any])?["value"] as? String }
            #expect(ids.contains(id) == sees, "\(login) \(sees ? "misses" : "lists") ticket \(id): \(ids)")
            if sees {
                #expect(status == 200, "\(login) reads ticket \(id): \(status) \(detail)")
            } else {
                // Intake answers from its data: the ticket exists but is outside the scope.
                #expect(status == 403, "\(login) reads ticket \(id): \(status) \(detail)")
                #expect(GatewayHTTP.errorMessage(detail).contains("outside what you may see"), "\(detail)")
            }
        }
        // Nor act on it: the other grid's worker cannot accept, the other department cannot sign.
        for (login, id, step) in [("grid2", submitted, LiveTickets.accept), ("dept2", dispatched, LiveTickets.sign)] {
            let (status, answer) = try await http.request("POST", "/api/intake/tickets/\(id)/\(step.verb)", token: try await http.login(login), body: step.body)
            #expect(status == 403, "\(login) \(step.verb): \(status) \(answer)")
            #expect(GatewayHTTP.errorMessage(answer).contains("outside what you may see"), "\(answer)")
        }
        // A ticket that does not exist is not found, even for a leader who sees everything.
        let (missing, answer) = try await http.request("GET", "/api/intake/tickets/987654321", token: try await http.login("leader"))
        #expect(missing == 404, "\(answer)")
    }
}
