import LiaisonCore
import LiaisonService
import TownshipProtos
import TownshipRPC
import TownshipWire
import Testing

/// The whole half-month cycle over TLS with the injected clock: filing, review (merge),
/// publication, claims, the deadline pass (reminder, overdue, unclaimed), assignment by the
/// office, answers, progress, confirmation, clearing, and the figures.
@Suite(.serialized) struct HalfMonthCycleOverRPCTests {
    @Test func theWholeCycle() async throws {
        let live = try await LiveLiaison()
        do {
            // 1st–15th March: three enterprises report the same problem; one difficult one.
            let a = try await live.file("org-1", by: As.alice, title: "公交线路不便")
            let b = try await live.file("org-2", by: As.alice, title: "公交线路不便")
            let c = try await live.file("org-3", by: As.bob, title: "公交线路不便")
            let d = try await live.file("org-3", by: As.bob, title: "排污管网未接通", type: .difficult)
            #expect(a.period == "2026-03-1" && a.state == .filed)

            // The office reviews on the 16th: merges the three, publishes the list.
            live.clock.set(LiveLiaison.start.adding(days: 14))
            var merge = Township_Liaison_V1_MergeProblemsRequest()
            merge.clientRequestID = "merge-1"; merge.itemIds = [a.itemID, b.itemID, c.itemID]
            merge.title = "公交线路不便"; merge.description_p = "三家企业反映职工通勤难"
            let common = try await live.call(M.mergeProblems, merge, as: As.admin).item
            #expect(common.type == .common && common.sources.map(\.organisationID) == ["org-1", "org-2", "org-3"])
            #expect(try await live.call(M.mergeProblems, merge, as: As.admin).item.itemID == common.itemID, "a retried merge returns the first")
            #expect(try await live.get(a.itemID).mergedInto == common.itemID)
            let published = try await live.publish("2026-03-1")
            #expect(published.map(\.itemID) == [d.itemID, common.itemID])
            #expect(try await live.publish("2026-03-1").isEmpty, "publishing again publishes nothing new")
            let publishedAt = live.clock.now()

            // A department claims the common item; the deadline pass reminds, then marks it overdue.
            live.clock.advance(days: 1)
            let claimAt = live.clock.now()
            let claimed = try await live.claim(common.itemID, by: As.social)
            #expect(claimed.state == .claimed && claimed.solutionDueAt.seconds == claimAt.adding(days: 7).secondsSinceEpoch)
            live.clock.set(claimAt.adding(days: 5))
            try await live.store.sweep(now: live.clock.now())
            #expect(try await live.get(common.itemID).timeline.last?.kind == .reminded)
            live.clock.set(claimAt.adding(days: 7, seconds: 60))
            try await live.store.sweep(now: live.clock.now())
            let overdue = try await live.get(common.itemID)
            #expect(overdue.overdue && overdue.timeline.last?.kind == .overdue)
            // Overdue items come first in the list.
            var list = Township_Liaison_V1_ListProblemsRequest(); list.period = "2026-03-1"
            #expect(try await live.call(M.listProblems, list, as: As.leader).items.first?.itemID == common.itemID)

            // Nobody claimed the difficult item: flagged after 3 days, then assigned by the office.
            #expect(try await live.get(d.itemID).timeline.contains { $0.kind == .unclaimedPastWindow })
            var assign = Township_Liaison_V1_AssignProblemRequest(); assign.itemID = d.itemID; assign.departmentID.value = "dept-construction"
            let assigned = try await live.call(M.assignProblem, assign, as: As.admin).item
            #expect(assigned.assignedByOffice && assigned.departmentID.value == "dept-construction")
            #expect(publishedAt < live.clock.now())

            // Answers (one late, one on time), monthly progress, confirmation, clearing.
            _ = try await live.answer(common.itemID, "协调公交公司增开班次", by: As.social)
            live.clock.advance(days: 2)
            let onTime = try await live.answer(d.itemID, "纳入管网改造计划", by: As.construction)
            #expect(onTime.answeredOnTime)
            var progress = Township_Liaison_V1_ReportProgressRequest()
            progress.clientRequestID = "p-1"; progress.itemID = common.itemID; progress.note = "新线路试运行"
            #expect(try await live.call(M.reportProgress, progress, as: As.social).item.progress.count == 1)
            #expect(try await live.call(M.reportProgress, progress, as: As.social).item.progress.count == 1, "a retried report is not appended twice")
            _ = try await live.confirm(common.itemID, by: As.bob)
            let cleared = try await live.clear(common.itemID)
            #expect(cleared.state == .cleared)
            #expect(cleared.timeline.map(\.kind) == [.merged, .published, .claimed, .reminded, .overdue, .answered, .progressReported, .confirmed, .cleared])

            // The figures the leaders see.
            var figures = Township_Liaison_V1_GetFiguresRequest(); figures.period = "2026-03-1"
            let f = try await live.call(M.getFigures, figures, as: As.leader)
            #expect(f.total.published == 2 && f.total.claimed == 1 && f.total.assigned == 1 && f.total.cleared == 1)
            #expect(f.total.claimRatePermille == 500 && f.total.answeredOnTimePermille == 500 && f.total.clearedPermille == 500)
            #expect(f.byDepartment.map(\.departmentID.value) == ["dept-construction", "dept-social"])
            #expect(f.byType.map(\.type) == [.common, .difficult])
            #expect(f.help.provincialLiaisons == 1 && f.help.zoneDepartmentLiaisons == 1 && f.help.enterprises == 3)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    @Test func theStoreIsWALWithSynchronousFull() async throws {
        let live = try await LiveLiaison()
        let settings = try live.store.durabilitySettings()
        await live.stop()
        #expect(settings.journalMode == "wal" && settings.synchronous == 2)
    }
}
