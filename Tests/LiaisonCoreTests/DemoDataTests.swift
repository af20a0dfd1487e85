import LiaisonCore
import Testing

@Suite struct DemoDataTests {
    let now = LocalDate(year: 2026, month: 3, day: 20)!.start.adding(seconds: 10 * 3600)

    @Test func theDemoZoneHasTheSeedsFigures() throws {
        let data = DemoLiaisonData.make(now: now)
        let totals = HelpTotals.of(liaisons: data.liaisons, organisations: data.organisations, visits: data.visits.count, help: data.help)
        #expect(totals.liaisons == [.zoneDepartment: 48, .provincial: 2, .municipal: 5])
        #expect(totals.organisations[.enterprise]! + totals.organisations[.socialOrganisation]! == 227)
        #expect(totals.visits == 282 && totals.suggestions == 28)
        #expect(totals.partyOrganisations == 5 && totals.massOrganisations == 8)
        #expect(totals.hires == 563)
        #expect(totals.taxBenefitFen == 6_178_000_000, "61.78 million yuan")
        #expect(totals.safetyAgreements == 154)
        #expect(data.liaisons[0].id == DemoLiaisonData.demoLiaisonID)
    }

    @Test func everyDemoRecordPassesTheRules() throws {
        let data = DemoLiaisonData.make(now: now)
        for liaison in data.liaisons { _ = try liaison.validated() }
        for organisation in data.organisations { _ = try organisation.validated() }
        #expect(Set(data.organisations.map(\.creditCode)).count == data.organisations.count)
        let histories = Dictionary(uniqueKeysWithValues: data.assignments.map { ($0.organisationID, $0) })
        for visit in data.visits { _ = try visit.validated(assignments: histories[visit.organisationID]!, now: now) }
        // The problem lists: every state appears, the current list is still in review.
        let states = Set(data.items.map(\.state))
        #expect(states.isSuperset(of: [.filed, .merged, .claimed, .answered, .cleared]))
        let current = ProblemPeriod(containing: now)
        #expect(data.items.filter { $0.period == current }.allSatisfy { $0.state == .filed })
        #expect(data.items.allSatisfy { item in item.timeline.allSatisfy { $0.at <= now } })
        #expect(Set(data.items.map(\.id)).count == data.items.count)
        let figures = ProblemFigures.of(data.items, now: now)
        #expect(figures.total.published > 0 && figures.total.cleared > 0 && figures.total.assigned > 0)
    }

    @Test func theSameSeedGivesTheSameDataAndScaleMultiplies() {
        let a = DemoLiaisonData.make(now: now), b = DemoLiaisonData.make(now: now)
        #expect(a.organisations == b.organisations && a.items == b.items && a.help == b.help)
        let big = DemoLiaisonData.make(now: now, scale: 3)
        #expect(big.liaisons.count == 165 && big.organisations.count == 681 && big.visits.count == 846)
        #expect(HelpTotals.of(liaisons: [], organisations: [], visits: 0, help: big.help).taxBenefitFen == 3 * 6_178_000_000)
    }
}
