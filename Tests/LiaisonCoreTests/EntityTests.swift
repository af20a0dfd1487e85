import LiaisonCore
import Testing

@Suite struct EntityTests {
    let now = LocalDate(year: 2026, month: 3, day: 10)!.start

    @Test func organisationsNeedAValidCreditCode() throws {
        #expect(try Organisation(id: "org-1", name: "恒达机械", kind: .enterprise, creditCode: "91350100M000100Y43").validated().id == "org-1")
        let error = try #require(throws: LiaisonError.self) {
            try Organisation(id: "org-1", name: "恒达机械", kind: .enterprise, creditCode: "91350100M000100Y44").validated()
        }
        #expect(error.reason == "CREDIT_CODE_INVALID" && error.field == "organisation.credit_code")
        #expect(throws: LiaisonError.self) { try Organisation(id: "org 1", name: "x", kind: .enterprise, creditCode: "91350100M000100Y43").validated() }
    }

    @Test func liaisonsFromTheZoneNameTheirDepartment() throws {
        #expect(throws: LiaisonError.self) { try Liaison(id: "l1", name: "王", origin: .zoneDepartment).validated() }
        #expect(throws: LiaisonError.self) { try Liaison(id: "l1", name: "王", origin: .provincial, departmentID: "dept-social").validated() }
        _ = try Liaison(id: "l1", name: "王", origin: .zoneDepartment, departmentID: "dept-social").validated()
        _ = try Liaison(id: "l2", name: "李", origin: .municipal).validated()
    }

    @Test func visitsAndHelpNeedTheAssignedLiaison() throws {
        var history = AssignmentHistory(organisationID: "org-1")
        try history.assign(liaisonID: "l-alice", now: now.adding(days: -30))
        try history.assign(liaisonID: "l-bob", now: now.adding(days: -10))
        #expect(try history.assign(liaisonID: "l-bob", now: now).isEmpty, "assigning the same liaison again changes nothing")
        let early = LocalDate(containing: now.adding(days: -20))
        _ = try Visit(id: 1, liaisonID: "l-alice", organisationID: "org-1", date: early, findings: "缺工", followUps: []).validated(assignments: history, now: now)
        #expect(throws: LiaisonError.self) {
            try Visit(id: 1, liaisonID: "l-bob", organisationID: "org-1", date: early, findings: "缺工", followUps: []).validated(assignments: history, now: now)
        }
        #expect(throws: LiaisonError.self) {
            try Visit(id: 1, liaisonID: "l-bob", organisationID: "org-1", date: LocalDate(containing: now.adding(days: 2)), findings: "x", followUps: [])
                .validated(assignments: history, now: now)
        }
        #expect(throws: LiaisonError.self) {
            try Visit(id: 1, liaisonID: "l-bob", organisationID: "org-1", date: early, findings: "x", followUps: Array(repeating: "y", count: 21))
                .validated(assignments: history, now: now)
        }
        let today = LocalDate(containing: now)
        _ = try HelpRecord(id: 1, liaisonID: "l-bob", organisationID: "org-1", date: today, kind: .taxBenefit, amount: 150_000_00, note: "").validated(assignments: history, now: now)
        #expect(throws: LiaisonError.self) {
            try HelpRecord(id: 1, liaisonID: "l-alice", organisationID: "org-1", date: today, kind: .recruiting, amount: 3, note: "").validated(assignments: history, now: now)
        }
        for (kind, amount) in [(HelpKind.recruiting, Int64(0)), (.taxBenefit, -5), (.partyOrganisation, 2), (.recruiting, 100_001)] {
            #expect(throws: LiaisonError.self) {
                try HelpRecord(id: 1, liaisonID: "l-bob", organisationID: "org-1", date: today, kind: kind, amount: amount, note: "").validated(assignments: history, now: now)
            }
        }
        try history.end(now: now)
        #expect(history.current == nil)
        #expect(throws: LiaisonError.self) { try history.end(now: now) }
    }
}
