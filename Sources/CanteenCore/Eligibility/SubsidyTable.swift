/// Subsidy per meal in fen (1/100 yuan; integers only, never floating point): a base amount
/// per age tier plus an extra per flag, the extras adding up, the total capped. Loaded from
/// the service's configuration; `standard` is the documented default.
public struct SubsidyTable: Hashable, Sendable, Codable {
    public let perTier: [AgeTier: Int]
    public let perFlag: [SubsidyFlag: Int]
    /// No meal is subsidised by more than this, whatever the flags add up to.
    public let maximumPerMeal: Int

    public init(perTier: [AgeTier: Int], perFlag: [SubsidyFlag: Int], maximumPerMeal: Int) throws(EligibilityError) {
        for tier in AgeTier.allCases {
            let fen = perTier[tier] ?? 0
            if fen < 0 { throw .negativeAmount(field: "subsidy.tier.\(tier.rawValue)", fen: fen) }
        }
        for flag in SubsidyFlag.allCases {
            let fen = perFlag[flag] ?? 0
            if fen < 0 { throw .negativeAmount(field: "subsidy.flag.\(flag.rawValue)", fen: fen) }
        }
        if maximumPerMeal < 0 { throw .negativeAmount(field: "subsidy.maximum_per_meal", fen: maximumPerMeal) }
        self.perTier = perTier
        self.perFlag = perFlag
        self.maximumPerMeal = maximumPerMeal
    }

    /// Defaults: 3 / 5 / 8 yuan by tier; +3 yuan low income, +1 living alone, +2 disabled;
    /// at most 12 yuan a meal.
    public static let standard = try! SubsidyTable(
        perTier: [.age60to69: 300, .age70to79: 500, .age80plus: 800],
        perFlag: [.lowIncome: 300, .livingAlone: 100, .disabled: 200],
        maximumPerMeal: 1200
    )

    public func subsidy(tier: AgeTier, flags: Set<SubsidyFlag>) -> Int {
        let total = (perTier[tier] ?? 0) + flags.reduce(0) { $0 + (perFlag[$1] ?? 0) }
        return min(total, maximumPerMeal)
    }

    /// What the elder pays and what the subsidy covers for one meal on `day`. The subsidy
    /// never exceeds the menu price, so the elder never pays less than 0 and the operator
    /// is never paid more than the meal costs.
    public func price(menuPrice: Int, eligibility: Eligibility, on day: CivilDate) throws(EligibilityError) -> MealPrice {
        guard menuPrice >= 0 else { throw .negativePrice(fen: menuPrice) }
        let tier = try eligibility.tier(on: day)
        let applied = min(subsidy(tier: tier, flags: eligibility.flags), menuPrice)
        return MealPrice(menuPrice: menuPrice, subsidy: applied, payable: menuPrice - applied, tier: tier)
    }

    // Codable with string keys ("60-69", "low_income"): a dictionary keyed by an enum would
    // otherwise encode as an array of pairs.
    enum CodingKeys: String, CodingKey { case perTier = "per_tier", perFlag = "per_flag", maximumPerMeal = "maximum_per_meal" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let tiers = try c.decode([String: Int].self, forKey: .perTier)
        let flags = try c.decode([String: Int].self, forKey: .perFlag)
        var perTier: [AgeTier: Int] = [:]
        for (k, v) in tiers {
            guard let tier = AgeTier(rawValue: k) else {
                throw DecodingError.dataCorruptedError(forKey: .perTier, in: c, debugDescription: "unknown tier \(k)")
            }
            perTier[tier] = v
        }
        var perFlag: [SubsidyFlag: Int] = [:]
        for (k, v) in flags {
            guard let flag = SubsidyFlag(rawValue: k) else {
                throw DecodingError.dataCorruptedError(forKey: .perFlag, in: c, debugDescription: "unknown flag \(k)")
            }
            perFlag[flag] = v
        }
        try self.init(perTier: perTier, perFlag: perFlag, maximumPerMeal: c.decode(Int.self, forKey: .maximumPerMeal))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Dictionary(uniqueKeysWithValues: perTier.map { ($0.key.rawValue, $0.value) }), forKey: .perTier)
        try c.encode(Dictionary(uniqueKeysWithValues: perFlag.map { ($0.key.rawValue, $0.value) }), forKey: .perFlag)
        try c.encode(maximumPerMeal, forKey: .maximumPerMeal)
    }
}

/// One served meal's money, in fen: payable = menu price − subsidy, never below 0.
public struct MealPrice: Hashable, Sendable {
    public let menuPrice: Int
    public let subsidy: Int
    public let payable: Int
    public let tier: AgeTier
}
