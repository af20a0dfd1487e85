import Foundation
import Testing
@testable import IntakeCore

/// Who may do what, written out literally: a test whose expectations were the production
/// constants (`ActionPolicy.triageActions`, ...) could not fail when a role is widened. Each
/// row is a principal, each column an action; "Y" allowed, "-" refused with PERMISSION_DENIED.
@Suite struct AuthorizationMatrixTests {
    /// Column order of every row below.
    static let columns = ["accept", "reject", "link_duplicate", "resolve_at_village", "dispatch", "sign", "return_to_triage",
                          "start_handling", "reply (department handles)", "reply (village handles)", "follow_up", "close",
                          "submit", "upload without ticket"]

    static let matrix: [(String, Principal, String)] = [
        ("admin", Principal(userID: "admin-1", role: .admin), "YYYYYYYYYYYYYY"),
        ("leader", Principal(userID: "leader-1", role: .leader), "YYYYY----YYYYY"),
        ("grid worker", Principal(userID: "gw-a", role: .gridWorker, gridID: "V1-G1", villageID: "V1"), "YYYYY----YYYYY"),
        ("staff of the ticket's department", Principal(userID: "s-1", role: .departmentStaff, departmentID: "dept-social"), "-----YYYY-----"),
        ("staff of another department", Principal(userID: "s-2", role: .departmentStaff, departmentID: "dept-build"), "--------------"),
        ("liaison", Principal(userID: "l-1", role: .liaison), "--------------"),
        ("canteen operator", Principal(userID: "c-1", role: .canteenOperator), "--------------"),
        ("employer", Principal(userID: "e-1", role: .employer), "--------------"),
        ("job seeker", Principal(userID: "j-1", role: .jobSeeker), "--------------"),
        ("resident", Principal(userID: "r-1", role: .resident), "------------YY"),
        ("system", Principal.scheduler, "--------------"),
    ]

    static func ticket(handledBy level: HandlingLevel) -> Ticket {
        let now = Date(timeIntervalSince1970: 1_772_000_000)
        return Ticket(id: 1, number: "2026-000001", channel: .hotline12345, reporter: Reporter(name: "张三", phone: "13812345678", userID: "r-1"),
                      villageID: "V1", gridID: "V1-G1", location: nil, address: nil, categoryID: "pension", description: "养老金没到账",
                      priority: .normal, status: .dispatched, outcome: nil, ownerUserID: "gw-a", handlingLevel: level,
                      departmentID: level == .department ? "dept-social" : nil, duplicateOf: nil, rejectionReason: nil, resultNote: nil,
                      dueAt: nil, escalationLevel: 0, satisfied: nil, reopenCount: 0, createdAt: now, updatedAt: now,
                      respondedAt: nil, repliedAt: nil, closedAt: nil)
    }

    /// The decision for one cell: nil allowed, else the refusal.
    static func decide(_ column: Int, _ principal: Principal) -> IntakeError? {
        let actions: [TicketActionName] = [.accept, .reject, .linkDuplicate, .resolveAtVillage, .dispatch, .sign, .returnToTriage,
                                           .startHandling, .reply, .reply, .followUp, .close]
        do {
            switch column {
            case 0..<12:
                try ActionPolicy.authorize(actions[column], on: ticket(handledBy: column == 9 ? .village : .department), by: principal)
            case 12:
                let report = NewTicket(channel: .hotline12345, reporter: Reporter(name: "张三", phone: "1", userID: principal.role == .resident ? principal.userID : nil),
                                       villageID: "V1", gridID: principal.gridID, description: "x")
                try ActionPolicy.authorizeSubmission(report, by: principal)
            default:
                try ActionPolicy.authorizeUnattachedUpload(by: principal)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test func everyRoleAgainstEveryAction() {
        for (name, principal, row) in Self.matrix {
            #expect(row.count == Self.columns.count, "\(name): one mark per column")
            for (column, mark) in row.enumerated() {
                let refusal = Self.decide(column, principal)
                if mark == "Y" {
                    #expect(refusal == nil, "\(name) may \(Self.columns[column]): \(String(describing: refusal))")
                } else {
                    let denied = if case .permissionDenied? = refusal { true } else { false }
                    #expect(denied, "\(name) may not \(Self.columns[column]), got \(String(describing: refusal))")
                }
            }
        }
    }

    @Test func everyRoleIsInTheMatrix() {
        #expect(Set(Self.matrix.map(\.1.role)) == Set(Role.allCases))
    }
}
