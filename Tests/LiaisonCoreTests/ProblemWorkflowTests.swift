import LiaisonCore
import Testing

@Suite struct ProblemWorkflowTests {
    @Test func theWholeHalfMonthCycle() throws {
        var zone = Zone()
        let w = zone.workflow
        // Filing: two liaisons find the same problem at three enterprises, and a difficult one.
        let a = try zone.file("org-1", by: Zone.alice, title: "公交线路不便")
        let b = try zone.file("org-2", by: Zone.alice, title: "公交线路不便")
        let c = try zone.file("org-3", by: Zone.bob, title: "公交线路不便")
        let d = try zone.file("org-3", by: Zone.bob, title: "排污管网未接通", type: .difficult)
        #expect(a.period.description == "2026-03-1" && a.state == .filed && a.sources.count == 1)

        // Review: merge the three into one common item that keeps every source.
        let reviewAt = a.period.end
        let merged = try w.merge([a, b, c], newID: 10, title: "公交线路不便", description: "三家企业反映职工通勤难", by: Zone.office, now: reviewAt)
        #expect(merged.common.type == .common)
        #expect(merged.common.sources.map(\.organisationID) == ["org-1", "org-2", "org-3"])
        #expect(merged.common.sources.map(\.originalItemID) == [a.id, b.id, c.id])
        #expect(merged.common.mergedFrom == [a.id, b.id, c.id])
        #expect(merged.absorbed.allSatisfy { $0.state == .merged && $0.mergedInto == 10 })

        // Publish: only the period's filed items (the absorbed ones stay merged).
        let publishAt = reviewAt.adding(seconds: 3600)
        let published = try w.publish(merged.absorbed + [merged.common, d], period: a.period, by: Zone.office, now: publishAt)
        #expect(published.map(\.id) == [10, d.id])
        var common = published[0], difficult = published[1]

        // Claim: the clock starts; 7 days to propose a solution.
        let claimAt = publishAt.adding(days: 1)
        common = try w.claim(common, by: Zone.social, now: claimAt)
        #expect(common.state == .claimed && common.department == "dept-social")
        #expect(common.solutionDueAt == claimAt.adding(days: 7))

        // Reminder 48 hours before, once; overdue after; answered late.
        #expect(w.sweep(common, now: claimAt.adding(days: 4)) == nil)
        common = try #require(w.sweep(common, now: claimAt.adding(days: 5)))
        #expect(common.remindedAt == claimAt.adding(days: 5) && common.timeline.last?.kind == .reminded)
        #expect(w.sweep(common, now: claimAt.adding(days: 6)) == nil, "the reminder is sent once")
        #expect(!common.isOverdue(at: claimAt.adding(days: 7)))
        common = try #require(w.sweep(common, now: claimAt.adding(days: 7, seconds: 1)))
        #expect(common.overdueAt != nil && common.timeline.last?.kind == .overdue)
        #expect(common.isOverdue(at: claimAt.adding(days: 8)))
        common = try w.answer(common, solution: "协调公交公司增开班次", by: Zone.social, now: claimAt.adding(days: 8))
        #expect(common.state == .answered && common.answeredOnTime == false)
        #expect(common.progressDueAt == claimAt.adding(days: 38))

        // Monthly progress: overdue after 30 days without a report; a report resets it.
        common = try #require(w.sweep(common, now: claimAt.adding(days: 39)))
        #expect(common.progressOverdueAt != nil)
        common = try w.reportProgress(common, note: "新线路已试运行", by: Zone.social, now: claimAt.adding(days: 40))
        #expect(common.progressOverdueAt == nil && common.progress.count == 1)

        // Clearing needs the enterprise's confirmation first.
        #expect(throws: LiaisonError.self) { try w.clear(common, by: Zone.office, now: claimAt.adding(days: 41)) }
        common = try w.confirm(common, note: "企业确认", by: Zone.bob, assignments: Array(zone.histories.values), now: claimAt.adding(days: 41))
        common = try w.clear(common, by: Zone.office, now: claimAt.adding(days: 42))
        #expect(common.state == .cleared)
        #expect(common.timeline.map(\.kind) == [.merged, .published, .claimed, .reminded, .overdue, .answered, .progressOverdue,
                                                 .progressReported, .confirmed, .cleared])

        // Nobody claims the difficult item: after the 3-day window the office is told and assigns it.
        #expect(throws: LiaisonError.self) { try w.assign(difficult, to: "dept-construction", by: Zone.office, now: publishAt.adding(days: 2)) }
        #expect(w.sweep(difficult, now: publishAt.adding(days: 2)) == nil)
        difficult = try #require(w.sweep(difficult, now: publishAt.adding(days: 3)))
        #expect(difficult.timeline.last?.kind == .unclaimedPastWindow)
        difficult = try w.assign(difficult, to: "dept-construction", by: Zone.office, now: publishAt.adding(days: 3))
        #expect(difficult.assignedByOffice && difficult.department == "dept-construction")
        difficult = try w.answer(difficult, solution: "纳入管网改造计划", by: Zone.construction, now: publishAt.adding(days: 5))
        #expect(difficult.answeredOnTime == true)

        // The figures.
        let figures = ProblemFigures.of([common, difficult] + merged.absorbed, now: publishAt.adding(days: 5))
        #expect(figures.total.published == 2 && figures.total.claimed == 1 && figures.total.assigned == 1)
        #expect(figures.total.claimRatePermille == 500 && figures.total.answeredOnTimePermille == 500 && figures.total.clearedPermille == 500)
        #expect(figures.byDepartment["dept-social"]?.cleared == 1)
        #expect(figures.byDepartment["dept-construction"]?.assigned == 1)
        #expect(figures.byType[.difficult]?.answeredOnTime == 1)
        #expect(figures.byType[.individual] == nil, "merged-away items are not on the list")
    }

    @Test func aLiaisonFilesOnlyForTheirOwnEnterprises() throws {
        var zone = Zone()
        let error = try #require(throws: LiaisonError.self) { try zone.file("org-3", by: Zone.alice) }
        #expect(error.reason == "NOT_ASSIGNED" && error.kind == .permissionDenied)
        #expect(throws: LiaisonError.self) { try zone.file("org-1", by: Zone.social) }
        #expect(throws: LiaisonError.self) { try zone.file("org-1", by: Zone.office) }
    }

    @Test func aReassignedLiaisonNoLongerFiles() throws {
        var zone = Zone()
        _ = try zone.histories["org-1"]!.assign(liaisonID: "l-bob", now: zone.start.adding(seconds: -60))
        #expect(throws: LiaisonError.self) { try zone.file("org-1", by: Zone.alice) }
        _ = try zone.file("org-1", by: Zone.bob)
        let history = zone.histories["org-1"]!
        #expect(history.assignments.count == 2 && history.assignments[0].until != nil && history.current?.liaisonID == "l-bob")
        #expect(history.liaison(at: zone.start.adding(days: -30)) == "l-alice")
    }

    @Test func aClaimOfAClaimedItemFailsNamingTheClaimer() throws {
        var zone = Zone()
        let (item, at) = try zone.published()
        let claimed = try zone.workflow.claim(item, by: Zone.social, now: at)
        let error = try #require(throws: LiaisonError.self) { try zone.workflow.claim(claimed, by: Zone.construction, now: at) }
        #expect(error.reason == "ALREADY_CLAIMED" && error.kind == .alreadyExists && error.message.contains("dept-social"))
        #expect(throws: LiaisonError.self) { try zone.workflow.assign(claimed, to: "dept-construction", by: Zone.office, now: at.adding(days: 5)) }
    }

    @Test func onlyTheClaimingDepartmentAnswers() throws {
        var zone = Zone()
        let (item, at) = try zone.published()
        let claimed = try zone.workflow.claim(item, by: Zone.social, now: at)
        let error = try #require(throws: LiaisonError.self) { try zone.workflow.answer(claimed, solution: "x", by: Zone.construction, now: at) }
        #expect(error.reason == "NOT_CLAIMING_DEPARTMENT")
        #expect(throws: LiaisonError.self) { try zone.workflow.answer(item, solution: "x", by: Zone.social, now: at) }
        #expect(throws: LiaisonError.self) { try zone.workflow.reportProgress(claimed, note: "x", by: Zone.social, now: at) }
        #expect(throws: LiaisonError.self) { try zone.workflow.answer(claimed, solution: "  ", by: Zone.social, now: at) }
    }

    @Test func clearingWithoutConfirmationIsRefused() throws {
        var zone = Zone()
        let (item, at) = try zone.published()
        var answered = try zone.workflow.claim(item, by: Zone.social, now: at)
        answered = try zone.workflow.answer(answered, solution: "方案", by: Zone.social, now: at)
        let error = try #require(throws: LiaisonError.self) { try zone.workflow.clear(answered, by: Zone.office, now: at) }
        #expect(error.reason == "NOT_CONFIRMED_BY_ENTERPRISE")
        // Only the enterprise's liaison (or the office) records the confirmation.
        let denied = try #require(throws: LiaisonError.self) {
            try zone.workflow.confirm(answered, note: "", by: Zone.bob, assignments: Array(zone.histories.values), now: at)
        }
        #expect(denied.reason == "NOT_ASSIGNED")
        #expect(throws: LiaisonError.self) { try zone.workflow.confirm(answered, note: "", by: Zone.social, assignments: [], now: at) }
        let confirmed = try zone.workflow.confirm(answered, note: "", by: Zone.alice, assignments: Array(zone.histories.values), now: at)
        #expect(throws: LiaisonError.self) { try zone.workflow.clear(confirmed, by: Zone.social, now: at) }
        #expect(try zone.workflow.clear(confirmed, by: Zone.office, now: at).state == .cleared)
    }

    @Test func mergesNeedOnePeriodAndFiledItems() throws {
        var zone = Zone()
        let a = try zone.file("org-1", by: Zone.alice)
        let b = try zone.file("org-3", by: Zone.bob, at: zone.start.adding(days: 15))
        #expect(a.period != b.period)
        let error = try #require(throws: LiaisonError.self) {
            try zone.workflow.merge([a, b], newID: 99, title: "t", description: "d", by: Zone.office, now: b.filedAt)
        }
        #expect(error.reason == "PERIODS_DIFFER")
        let c = try zone.file("org-2", by: Zone.alice)
        #expect(throws: LiaisonError.self) { try zone.workflow.merge([a], newID: 99, title: "t", description: "d", by: Zone.office, now: zone.start) }
        #expect(throws: LiaisonError.self) { try zone.workflow.merge([a, a], newID: 99, title: "t", description: "d", by: Zone.office, now: zone.start) }
        #expect(throws: LiaisonError.self) { try zone.workflow.merge([a, c], newID: 99, title: "t", description: "d", by: Zone.alice, now: zone.start) }
        let published = try zone.workflow.publish([a, c], period: a.period, by: Zone.office, now: zone.start)
        let stateError = try #require(throws: LiaisonError.self) {
            try zone.workflow.merge(published, newID: 99, title: "t", description: "d", by: Zone.office, now: zone.start)
        }
        #expect(stateError.reason == "WRONG_STATE")
    }

    @Test func aListIsNotPublishedBeforeItsPeriodBegins() throws {
        let zone = Zone()
        let future = ProblemPeriod(containing: zone.start).next
        let error = try #require(throws: LiaisonError.self) { try zone.workflow.publish([], period: future, by: Zone.office, now: zone.start) }
        #expect(error.reason == "PERIOD_NOT_STARTED")
    }

    @Test func aDifferentPolicyMovesTheDeadlines() throws {
        var zone = Zone()
        let (item, at) = try zone.published()
        let workflow = ProblemWorkflow(policy: DeadlinePolicy(solutionDays: 3, reminderHoursBefore: 12, claimWindowDays: 1, progressIntervalDays: 10))
        let claimed = try workflow.claim(item, by: Zone.social, now: at)
        #expect(claimed.solutionDueAt == at.adding(days: 3))
        #expect(workflow.sweep(claimed, now: at.adding(days: 2, seconds: 11 * 3600)) == nil)
        #expect(workflow.sweep(claimed, now: at.adding(days: 2, seconds: 12 * 3600))?.remindedAt != nil)
        #expect(DeadlinePolicy.standard.problem == nil)
        #expect(DeadlinePolicy(solutionDays: 0, reminderHoursBefore: 0, claimWindowDays: 1, progressIntervalDays: 1).problem != nil)
        #expect(DeadlinePolicy(solutionDays: 7, reminderHoursBefore: 7 * 24, claimWindowDays: 1, progressIntervalDays: 1).problem != nil)
    }

    @Test func badTextIsRefused() throws {
        var zone = Zone()
        #expect(throws: LiaisonError.self) { try zone.file("org-1", by: Zone.alice, title: "") }
        #expect(throws: LiaisonError.self) { try zone.file("org-1", by: Zone.alice, title: String(repeating: "长", count: 129)) }
        #expect(throws: LiaisonError.self) { try zone.file("org-1", by: Zone.alice, title: "a\u{7}b") }
        let (item, at) = try zone.published()
        let claimed = try zone.workflow.claim(item, by: Zone.social, now: at)
        #expect(throws: LiaisonError.self) { try zone.workflow.answer(claimed, solution: String(repeating: "x", count: 4001), by: Zone.social, now: at) }
    }

    @Test func retypingHappensOnlyDuringReview() throws {
        var zone = Zone()
        let item = try zone.file("org-1", by: Zone.alice)
        let retyped = try zone.workflow.retype(item, to: .difficult, by: Zone.office, now: zone.start)
        #expect(retyped.type == .difficult && retyped.timeline.last?.kind == .retyped)
        #expect(throws: LiaisonError.self) { try zone.workflow.retype(item, to: .difficult, by: Zone.alice, now: zone.start) }
        let published = try zone.workflow.publish([retyped], period: item.period, by: Zone.office, now: zone.start)[0]
        #expect(throws: LiaisonError.self) { try zone.workflow.retype(published, to: .common, by: Zone.office, now: zone.start) }
    }
}

extension ProblemItem {
    var filedAt: Instant { sources[0].filedAt }
}

@Suite struct RetryTests {
    @Test func repeatingAStepThatSucceededChangesNothing() throws {
        var zone = Zone()
        let w = zone.workflow
        let (item, at) = try zone.published()
        let claimed = try w.claim(item, by: Zone.social, now: at)
        #expect(try w.claim(claimed, by: Zone.social, now: at.adding(days: 1)) == claimed)
        let answered = try w.answer(claimed, solution: "方案", by: Zone.social, now: at)
        #expect(try w.answer(answered, solution: "方案", by: Zone.social, now: at.adding(days: 1)) == answered)
        #expect(throws: LiaisonError.self) { try w.answer(answered, solution: "另一个方案", by: Zone.social, now: at) }
        let confirmed = try w.confirm(answered, note: "", by: Zone.office, assignments: [], now: at)
        #expect(try w.confirm(confirmed, note: "", by: Zone.office, assignments: [], now: at.adding(days: 1)) == confirmed)
        let cleared = try w.clear(confirmed, by: Zone.office, now: at)
        #expect(try w.clear(cleared, by: Zone.office, now: at.adding(days: 1)) == cleared)
    }
}
