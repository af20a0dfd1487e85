import Foundation
import Testing
@testable import IntakeCore

@Suite struct AuthorizationTests {
    /// Tickets: a in grid V1-G1 (dispatched to social), b in V2-G1 (reported by resident R), c in V1-G2.
    func seeded(_ kind: StoreKind) async throws -> (Harness, a: TicketID, b: TicketID, c: TicketID) {
        let h = try await Harness(kind)
        let a = try await h.ticket(in: .dispatched, category: "pension")
        let b = try await h.submit(Fixture.report("违建挡路", village: "V2", grid: "V2-G1", reporterID: "resident-r"), by: Fixture.residentR).ticket.id
        let c = try await h.submit(Fixture.report("养老金没到账", grid: "V1-G2")).ticket.id
        return (h, a, b, c)
    }

    func visible(_ h: Harness, _ p: Principal) async throws -> Set<TicketID> {
        Set(try await h.store.list(TicketFilter(), page: PageRequest(limit: 100), for: p).items.map(\.ticket.id))
    }

    @Test(arguments: StoreKind.allCases) func visibilityMatrix(_ kind: StoreKind) async throws {
        let (h, a, b, c) = try await seeded(kind)
        #expect(try await visible(h, Fixture.admin) == [a, b, c])
        #expect(try await visible(h, Fixture.leader) == [a, b, c])
        #expect(try await visible(h, Fixture.workerA) == [a])
        #expect(try await visible(h, Fixture.workerB) == [b])
        #expect(try await visible(h, Fixture.socialStaff) == [a])
        #expect(try await visible(h, Fixture.buildStaff) == [])
        #expect(try await visible(h, Fixture.residentR) == [b])
        #expect(try await visible(h, Fixture.residentS) == [])
        #expect(try await h.store.statistics(TicketFilter(), for: Fixture.workerB).total == 1)
        #expect(try await h.store.events(after: 0, limit: 100, for: Fixture.residentR).allSatisfy { $0.ticketID == b })
    }

    @Test(arguments: StoreKind.allCases) func refusalsAreClearPermissionErrors(_ kind: StoreKind) async throws {
        let (h, a, b, _) = try await seeded(kind)
        let e1 = await intakeError { _ = try await h.store.ticket(b, for: Fixture.workerA) }
        guard case .permissionDenied(let why)? = e1 else { Issue.record("got \(String(describing: e1))"); return }
        #expect(why.contains("grid 'V1-G1'"))
        #expect(await intakeError { _ = try await h.store.list(TicketFilter(), page: PageRequest(), for: Fixture.employer) }
                == .permissionDenied("role 'employer' has no access to intake tickets"))
        let noGrid = Principal(userID: "gw-x", role: .gridWorker)
        #expect(await intakeError { _ = try await h.store.ticket(a, for: noGrid) }
                == .permissionDenied("grid worker 'gw-x' has no grid id in the principal"))
        #expect(await intakeError { _ = try await h.store.ticket(a, for: Fixture.residentR) }.map { if case .permissionDenied = $0 { true } else { false } } == true)
        #expect(await intakeError { _ = try await h.store.ticket(424242, for: Fixture.admin) } == .notFound("ticket 424242"))
    }

    @Test(arguments: StoreKind.allCases) func actionsNeedTheRightRole(_ kind: StoreKind) async throws {
        let (h, a, b, c) = try await seeded(kind)
        // Another department cannot see, let alone sign, a ticket dispatched elsewhere.
        #expect(await intakeError { try await h.act(.sign, a, by: Fixture.buildStaff) }.map { if case .permissionDenied = $0 { true } else { false } } == true)
        // A grid worker may not sign for the department.
        let e = await intakeError { try await h.act(.sign, a, by: Fixture.workerA) }
        #expect(e?.description.contains("may not 'sign'") == true)
        // Residents never move tickets, even their own.
        #expect(await intakeError { try await h.act(.accept(Classification(categoryID: "pension")), b, by: Fixture.residentR) }?
            .description.contains("may not 'accept'") == true)
        // Department staff do not accept tickets.
        #expect(await intakeError { try await h.act(.reject(reason: "x"), c, by: Fixture.socialStaff) }.map { if case .permissionDenied = $0 { true } else { false } } == true)
        // Residents file only as themselves.
        #expect(await intakeError { try await h.submit(Fixture.report(reporterID: "resident-s"), by: Fixture.residentR) }
                == .permissionDenied("resident 'resident-r' may file tickets only as themselves"))
        // Only admins change reference data.
        #expect(await intakeError { try await h.store.replaceReferenceData(Fixture.reference, by: Fixture.leader) }?
            .description.contains("only admins") == true)
        // The right department may.
        #expect(try await h.act(.sign, a, by: Fixture.socialStaff).ticket.status == .signed)
    }

    @Test(arguments: StoreKind.allCases) func gridWorkerReportsLandInTheirGrid(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let v = try await h.submit(Fixture.report(grid: nil, channel: .gridPhoto), by: Fixture.workerA)
        #expect(v.ticket.gridID == "V1-G1")
        #expect(try await h.store.ticket(v.ticket.id, for: Fixture.workerA).view.ticket.id == v.ticket.id)
        #expect(await intakeError { try await h.submit(Fixture.report(grid: "V1-G2"), by: Fixture.workerA) }
                == .permissionDenied("grid worker 'gw-a' may file tickets only for grid 'V1-G1'"))
    }

    @Test(arguments: StoreKind.allCases) func phoneIsMaskedForAllButOwnerAndReporter(_ kind: StoreKind) async throws {
        let (h, a, b, _) = try await seeded(kind)
        #expect(try await h.store.ticket(a, for: Fixture.workerA).view.ticket.reporter.phone == "13812345678")  // owner
        #expect(try await h.store.ticket(a, for: Fixture.leader).view.ticket.reporter.phone == "138****5678")
        #expect(try await h.store.ticket(a, for: Fixture.socialStaff).view.ticket.reporter.phone == "138****5678")
        #expect(try await h.store.ticket(b, for: Fixture.residentR).view.ticket.reporter.phone == "13812345678")  // themselves
        let page = try await h.store.list(TicketFilter(), page: PageRequest(), for: Fixture.admin)
        #expect(page.items.allSatisfy { $0.ticket.reporter.phone == "138****5678" && $0.isPhoneMasked })
        #expect(PhoneMasking.mask("96150") == "***50")
    }
}
