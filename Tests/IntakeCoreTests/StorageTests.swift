import Foundation
import GRDB
import Testing
@testable import IntakeCore

@Suite struct StorageTests {
    func normalised(_ d: ReferenceData) -> ReferenceData {
        var d = d
        d.villages.sort { $0.id < $1.id }; d.grids.sort { $0.id < $1.id }; d.gridWorkers.sort { $0.userID < $1.userID }
        d.categories.sort { $0.id < $1.id }
        d.departments = d.departments.sorted { $0.id < $1.id }.map { var x = $0; x.categoryIDs.sort(); return x }
        return d
    }

    @Test func walAndFullSynchronous() async throws {
        let h = try await Harness()
        let settings = try h.sqlite.durabilitySettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)  // FULL
    }

    @Test(arguments: StoreKind.allCases) func dataSurvivesReopening(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .signed)
        let again = try await h.reopened()
        let detail = try await again.store.ticket(id, for: Fixture.admin)
        #expect(detail.view.ticket.status == .signed && detail.timeline.count == 4)
        #expect(normalised(again.store.referenceData()) == normalised(Fixture.reference))
        #expect(try await again.store.verifyLedger(id, for: Fixture.admin).isIntact)
    }

    @Test func listQueriesUseIndexes() async throws {
        let h = try await Harness()
        let queue = try DatabaseQueue(path: h.dir.databasePath)
        let plans: [String] = try await queue.read { db in
            try [
                "SELECT t.* FROM ticket t WHERE t.village_id = 'V1' ORDER BY t.created_at DESC, t.id DESC LIMIT 50",
                "SELECT t.* FROM ticket t WHERE t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= 5 ORDER BY t.created_at DESC, t.id DESC LIMIT 50",
                "SELECT COALESCE(t.department_id, '') AS k, COUNT(*) FROM ticket t GROUP BY k",
                "SELECT COUNT(t.responded_at), SUM(t.outcome = 'fixed'), COUNT(t.satisfied) FROM ticket t WHERE t.village_id = 'V1'",
            ].map { sql in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ") }
        }
        #expect(plans[0].contains("ticket_by_village"))
        #expect(plans[1].contains("INDEX"))
        #expect(plans[2].contains("COVERING INDEX"))
        #expect(plans[3].contains("COVERING INDEX ticket_statistics"), "\(plans[3])")
    }

    @Test(arguments: StoreKind.allCases) func referenceDataIsValidated(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        var bad = Fixture.reference
        bad.grids.append(Grid(id: "X", villageID: "nowhere", level: 3, name: "x"))
        #expect(await intakeError { try await h.store.replaceReferenceData(bad, by: Fixture.admin) }
                == .referenceData(.unknownReference(kind: "village", id: "nowhere", referencedBy: "X")))
        #expect(await intakeError { try await h.submit(Fixture.report(village: "V2", grid: "V1-G1")) }
                == .invalidInput("grid 'V1-G1' belongs to village 'V1', not 'V2'"))
    }
}
