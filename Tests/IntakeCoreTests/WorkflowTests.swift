import Foundation
import Testing
@testable import IntakeCore

@Suite struct WorkflowTests {
    @Test(arguments: StoreKind.allCases) func departmentPathRunsEndToEnd(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.submit().ticket.id
        var v = try await h.act(.accept(Classification(categoryID: "pension")), id, by: Fixture.workerA)
        #expect(v.ticket.status == .accepted)
        #expect(v.ticket.ownerUserID == "gw-a")
        #expect(v.ticket.dueAt == Fixture.at(2026, 3, 6))
        v = try await h.act(.dispatch(to: "dept-social"), id, by: Fixture.workerA)
        #expect(v.ticket.status == .dispatched && v.ticket.departmentID == "dept-social")
        h.clock.advance(by: 86400)
        v = try await h.act(.sign, id, by: Fixture.socialStaff)
        #expect(v.ticket.status == .signed)
        #expect(v.ticket.dueAt == Fixture.at(2026, 3, 7), "the department's clock starts when it signs (Tue + 3 working days: end of Fri)")
        v = try await h.act(.startHandling, id, by: Fixture.socialStaff)
        #expect(v.ticket.status == .inProgress)
        v = try await h.act(.reply(outcome: .fixed, result: "已协调银行上门服务"), id, by: Fixture.socialStaff)
        #expect(v.ticket.status == .replied && v.ticket.outcome == .fixed)
        v = try await h.act(.followUp(satisfied: true, comment: "满意"), id, by: Fixture.workerA)
        #expect(v.ticket.status == .followedUp && v.ticket.satisfied == true)
        v = try await h.act(.close, id, by: Fixture.workerA)
        #expect(v.ticket.status == .closed && v.ticket.outcome == .fixed && v.ticket.closedAt != nil)
        #expect(v.ticket.ownerUserID == "gw-a", "the accepting worker stays the owner")
        let timeline = try await h.store.timeline(id, for: Fixture.leader)
        #expect(timeline.map(\.action) == [.submit, .accept, .dispatch, .sign, .startHandling, .reply, .followUp, .close])
        #expect(timeline.map(\.toStatus) == [.submitted, .accepted, .dispatched, .signed, .inProgress, .replied, .followedUp, .closed])
    }

    @Test(arguments: StoreKind.allCases) func villagePathAndReopening(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .accepted, category: "elderly-care")
        var v = try await h.act(.resolveAtVillage, id, by: Fixture.workerA)
        #expect(v.ticket.status == .inProgress && v.ticket.handlingLevel == .village)
        try await h.act(.reply(outcome: .cannotBeFixed, result: "已解释"), id, by: Fixture.workerA)
        h.clock.advance(by: 3600)
        v = try await h.act(.followUp(satisfied: false, comment: "不满意"), id, by: Fixture.workerA)
        #expect(v.ticket.status == .inProgress, "not satisfied reopens")
        #expect(v.ticket.outcome == nil && v.ticket.reopenCount == 1 && v.ticket.satisfied == false)
        try await h.act(.reply(outcome: .fixed, result: "已重新处理"), id, by: Fixture.workerA)
        try await h.act(.followUp(satisfied: true, comment: nil), id, by: Fixture.workerA)
        v = try await h.act(.close, id, by: Fixture.workerA)
        #expect(v.ticket.status == .closed && v.ticket.outcome == .fixed && v.ticket.satisfied == true)
    }

    @Test(arguments: StoreKind.allCases) func rejectReturnAndDuplicate(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let rejected = try await h.submit().ticket.id
        let r = try await h.act(.reject(reason: "恶意骚扰电话"), rejected, by: Fixture.workerA)
        #expect(r.ticket.status == .rejected && r.ticket.rejectionReason == "恶意骚扰电话")
        #expect(await intakeError { try await h.act(.reject(reason: "  "), try await h.submit().ticket.id, by: Fixture.workerA) }
                == .invalidInput("rejection needs a reason"))

        let returned = try await h.ticket(in: .signed)
        let back = try await h.act(.returnToTriage(reason: "不属于本科室职责"), returned, by: Fixture.socialStaff)
        #expect(back.ticket.status == .accepted && back.ticket.departmentID == nil)
        let fromDispatched = try await h.ticket(in: .dispatched)
        #expect(try await h.act(.returnToTriage(reason: "属地不清"), fromDispatched, by: Fixture.socialStaff).ticket.status == .accepted)

        let original = try await h.submit().ticket.id
        let dup = try await h.submit().ticket.id
        let d = try await h.act(.linkDuplicate(of: original), dup, by: Fixture.workerA)
        #expect(d.ticket.status == .closed && d.ticket.outcome == .duplicate && d.ticket.duplicateOf == original)
        let acceptedDup = try await h.ticket(in: .accepted)
        #expect(try await h.act(.linkDuplicate(of: original), acceptedDup, by: Fixture.workerA).ticket.duplicateOf == original)
        #expect(await intakeError { try await h.act(.linkDuplicate(of: 999_999), try await h.submit().ticket.id, by: Fixture.workerA) }
                == .notFound("ticket 999999"))
    }

    @Test(arguments: StoreKind.allCases) func dispatchNeedsADepartmentThatHandlesTheCategory(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .accepted, category: "pension")
        let e = await intakeError { try await h.act(.dispatch(to: "dept-build"), id, by: Fixture.workerA) }
        #expect(e == .invalidInput("department 'dept-build' does not handle category 'pension'"))
        #expect(try await h.store.ticket(id, for: Fixture.admin).view.ticket.status == .accepted, "a refused action changes nothing")
    }

    /// Every (status, action) pair not in the table is refused, with the allowed list.
    @Test func illegalTransitionsTable() {
        var refused = 0
        for status in TicketStatus.allCases {
            for action in TicketActionName.workflowActions {
                let legal = TransitionTable.moves[status]?[action] != nil
                do {
                    try TransitionTable.check(action, from: status)
                    #expect(legal, "\(action) from \(status) must be refused")
                } catch {
                    #expect(!legal)
                    guard case .illegalTransition(let t) = error else { Issue.record("wrong error \(error)"); continue }
                    #expect(t.action == action && t.from == status)
                    #expect(t.allowed == TransitionTable.allowedActions(from: status))
                    refused += 1
                }
            }
        }
        // 9 statuses × 11 actions, 13 legal moves.
        #expect(refused == 9 * 11 - 13)
    }

    static let illegalCases: [(TicketStatus, TicketAction)] = [
        (.submitted, .sign), (.submitted, .close), (.submitted, .reply(outcome: .fixed, result: "x")),
        (.accepted, .accept(Classification(categoryID: "pension"))), (.accepted, .sign), (.dispatched, .reply(outcome: .fixed, result: "x")),
        (.signed, .dispatch(to: "dept-social")), (.inProgress, .close), (.replied, .close), (.followedUp, .reply(outcome: .fixed, result: "x")),
        (.closed, .followUp(satisfied: true, comment: nil)), (.closed, .accept(Classification(categoryID: "pension"))), (.rejected, .accept(Classification(categoryID: "pension"))),
    ]

    @Test(arguments: StoreKind.allCases, 0..<illegalCases.count)
    func illegalMovesAreRefusedByTheStore(_ kind: StoreKind, index: Int) async throws {
        let (status, action) = Self.illegalCases[index]
        let h = try await Harness(kind)
        let id = try await h.ticket(in: status)
        let before = try await h.store.timeline(id, for: Fixture.admin).count
        let error = await intakeError { try await h.act(action, id, by: Fixture.admin) }
        guard case .illegalTransition(let t)? = error else { Issue.record("expected illegal transition, got \(String(describing: error))"); return }
        #expect(t.from == status && t.action == action.name)
        #expect(error!.description.contains("cannot '\(action.name.rawValue)' a ticket in status '\(status.rawValue)'"))
        #expect(try await h.store.timeline(id, for: Fixture.admin).count == before)
    }

    @Test func errorMessageNamesActionStatusAndAllowed() {
        let t = IllegalTransition(action: .sign, from: .submitted, allowed: TransitionTable.allowedActions(from: .submitted))
        #expect(t.description == "illegal transition: cannot 'sign' a ticket in status 'submitted'; allowed from 'submitted': accept, reject, link_duplicate")
    }
}

/// Acting on a ticket as it was on the caller's screen (its version = ledger length).
@Suite struct ExpectedVersionTests {
    @Test(arguments: StoreKind.allCases) func aStaleVersionIsRefusedInTheWritesOwnTransaction(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .accepted)                       // submit + accept: version 2
        _ = try await h.store.perform(.dispatch(to: "dept-social"), on: id, note: nil, expectedVersion: 2, by: Fixture.workerA)
        // A second screen still showing version 2 cannot act on what it has not seen.
        let stale = await intakeError { _ = try await h.store.perform(.sign, on: id, note: nil, expectedVersion: 2, by: Fixture.socialStaff) }
        #expect(stale == .versionMismatch(ticket: id, current: 3, expected: 2))
        #expect(try await h.store.ticket(id, for: Fixture.leader).timeline.count == 3, "the refused move left nothing")
        // Someone who may not see the ticket learns nothing about its version.
        let hidden = await intakeError { _ = try await h.store.perform(.sign, on: id, note: nil, expectedVersion: 2, by: Fixture.buildStaff) }
        if case .versionMismatch = hidden { Issue.record("the version of an invisible ticket leaked: \(String(describing: hidden))") }
        #expect(hidden != nil)
        _ = try await h.store.perform(.sign, on: id, note: nil, expectedVersion: 3, by: Fixture.socialStaff)
    }
}
