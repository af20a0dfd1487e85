import Foundation
import Testing
@testable import CanteenCore

@Suite struct EligibilityTests {
    func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    @Test func tierChangesOnTheBirthdayItself() throws {
        let born = day(1956, 6, 15)
        #expect(try AgeTier.of(birthDate: born, on: day(2026, 6, 14)) == .age60to69)
        #expect(try AgeTier.of(birthDate: born, on: day(2026, 6, 15)) == .age70to79)
        let older = day(1946, 6, 15)
        #expect(try AgeTier.of(birthDate: older, on: day(2026, 6, 14)) == .age70to79)
        #expect(try AgeTier.of(birthDate: older, on: day(2026, 6, 15)) == .age80plus)
    }

    @Test func underSixtyIsRefusedUntilTheSixtiethBirthday() throws {
        let born = day(1966, 12, 2)
        #expect(throws: EligibilityError.underAge(age: 59, minimum: 60)) { try AgeTier.of(birthDate: born, on: day(2026, 12, 1)) }
        #expect(try AgeTier.of(birthDate: born, on: day(2026, 12, 2)) == .age60to69)
        #expect(EligibilityError.underAge(age: 59, minimum: 60).description.hasPrefix("birth_date:"))
    }

    @Test func bornOnTwentyNinthFebruaryGetsOlderOnFirstMarchInCommonYears() throws {
        let born = day(1956, 2, 29)
        #expect(born.completedYears(on: day(2026, 2, 28)) == 69)
        #expect(try AgeTier.of(birthDate: born, on: day(2026, 2, 28)) == .age60to69)
        #expect(try AgeTier.of(birthDate: born, on: day(2026, 3, 1)) == .age70to79)
        // In a leap year the birthday is the 29th itself.
        let leapBorn = day(1968, 2, 29)
        #expect(throws: EligibilityError.underAge(age: 59, minimum: 60)) { try AgeTier.of(birthDate: leapBorn, on: day(2028, 2, 28)) }
        #expect(try AgeTier.of(birthDate: leapBorn, on: day(2028, 2, 29)) == .age60to69)
    }

    @Test func eligibilityEndsFromTheDateOfDeathOrMovingAway() throws {
        let end = EligibilityEnd(reason: .death, from: day(2026, 12, 10))
        let e = Eligibility(birthDate: day(1950, 1, 1), end: end)
        #expect(try e.tier(on: day(2026, 12, 9)) == .age70to79)
        #expect(throws: EligibilityError.ended(reason: .death, from: day(2026, 12, 10))) { try e.tier(on: day(2026, 12, 10)) }
        #expect(throws: EligibilityError.ended(reason: .death, from: day(2026, 12, 10))) { try e.tier(on: day(2027, 1, 1)) }
        let moved = Eligibility(birthDate: day(1950, 1, 1), end: EligibilityEnd(reason: .movedAway, from: day(2026, 3, 1)))
        #expect(throws: EligibilityError.ended(reason: .movedAway, from: day(2026, 3, 1))) {
            try SubsidyTable.standard.price(menuPrice: 1500, eligibility: moved, on: day(2026, 3, 1))
        }
    }

    @Test func subsidyIsTheTierAmountPlusEachFlagCapped() {
        let t = SubsidyTable.standard
        #expect(t.subsidy(tier: .age60to69, flags: []) == 300)
        #expect(t.subsidy(tier: .age70to79, flags: [.livingAlone]) == 600)
        #expect(t.subsidy(tier: .age80plus, flags: [.lowIncome, .disabled]) == 1200)
        // 800 + 300 + 100 + 200 = 1,400, capped at 1,200.
        #expect(t.subsidy(tier: .age80plus, flags: [.lowIncome, .livingAlone, .disabled]) == 1200)
    }

    @Test func mealPriceIsMenuPriceMinusSubsidyNeverBelowZero() throws {
        let t = SubsidyTable.standard
        let e = Eligibility(birthDate: day(1940, 5, 5), flags: [.lowIncome])
        let full = try t.price(menuPrice: 1500, eligibility: e, on: day(2026, 12, 1))
        #expect(full == MealPrice(menuPrice: 1500, subsidy: 1100, payable: 400, tier: .age80plus))
        let cheap = try t.price(menuPrice: 600, eligibility: e, on: day(2026, 12, 1))
        #expect(cheap == MealPrice(menuPrice: 600, subsidy: 600, payable: 0, tier: .age80plus))
        #expect(throws: EligibilityError.negativePrice(fen: -1)) { try t.price(menuPrice: -1, eligibility: e, on: day(2026, 12, 1)) }
    }

    @Test func subsidyTableIsConfigurableAndRefusesNegativeAmountsByName() throws {
        let json = #"{"per_tier": {"60-69": 200, "70-79": 400, "80+": 700}, "per_flag": {"disabled": 150}, "maximum_per_meal": 1000}"#
        let t = try JSONDecoder().decode(SubsidyTable.self, from: Data(json.utf8))
        #expect(t.subsidy(tier: .age70to79, flags: [.disabled, .lowIncome]) == 550)
        let again = try JSONDecoder().decode(SubsidyTable.self, from: JSONEncoder().encode(t))
        #expect(again == t)
        #expect(throws: EligibilityError.negativeAmount(field: "subsidy.flag.living_alone", fen: -5)) {
            try SubsidyTable(perTier: [.age60to69: 1], perFlag: [.livingAlone: -5], maximumPerMeal: 10)
        }
        let bad = #"{"per_tier": {"90+": 200}, "per_flag": {}, "maximum_per_meal": 1000}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SubsidyTable.self, from: Data(bad.utf8)) }
    }

    @Test func civilDateDayNumbersRoundTrip() {
        #expect(day(1970, 1, 1).dayNumber == 0)
        #expect(day(2000, 3, 1).dayNumber - day(2000, 2, 28).dayNumber == 2)
        for n in stride(from: -30_000, through: 30_000, by: 37) {
            #expect(CivilDate(dayNumber: n)!.dayNumber == n)
        }
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
    }
}
