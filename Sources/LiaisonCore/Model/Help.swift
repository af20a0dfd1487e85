/// Help a liaison obtained for an organisation: what adds up to the figures leaders see.
public enum HelpKind: String, Sendable, Hashable, CaseIterable {
    /// People hired with the liaison's help; `amount` is the number of hires.
    case recruiting
    /// Tax benefits obtained; `amount` is in fen (1/100 yuan).
    case taxBenefit = "tax_benefit"
    /// A party organisation (党组织) founded; `amount` is 1.
    case partyOrganisation = "party_organisation"
    /// A mass organisation (群团组织: union, youth league, women's federation) founded; `amount` is 1.
    case massOrganisation = "mass_organisation"
    /// A safety rectification agreement (安全整改承诺书) signed; `amount` is 1.
    case safetyAgreement = "safety_agreement"
    /// A suggestion collected from the organisation; `amount` is 1.
    case suggestion

    /// Whether `amount` is a quantity (hires, fen) rather than always 1.
    public var hasAmount: Bool { self == .recruiting || self == .taxBenefit }
}

public struct HelpRecord: Sendable, Hashable {
    public var id: Int64
    public var liaisonID: String
    public var organisationID: String
    public var date: LocalDate
    public var kind: HelpKind
    public var amount: Int64
    public var note: String

    /// Hires in one record, and tax benefits in one record (10 billion yuan): anything above is a typo.
    public static let maxHires: Int64 = 100_000
    public static let maxTaxBenefitFen: Int64 = 1_000_000_000_000

    public init(id: Int64, liaisonID: String, organisationID: String, date: LocalDate, kind: HelpKind, amount: Int64, note: String) {
        self.id = id
        self.liaisonID = liaisonID
        self.organisationID = organisationID
        self.date = date
        self.kind = kind
        self.amount = amount
        self.note = note
    }

    public func validated(assignments: AssignmentHistory, now: Instant) throws(LiaisonError) -> HelpRecord {
        switch kind {
        case .recruiting:
            guard (1...Self.maxHires).contains(amount) else { throw .invalid(field: "help.amount", "hires are 1 to \(Self.maxHires), not \(amount)") }
        case .taxBenefit:
            guard (1...Self.maxTaxBenefitFen).contains(amount) else {
                throw .invalid(field: "help.amount", "tax benefits are 1 to \(Self.maxTaxBenefitFen) fen, not \(amount)")
            }
        case .partyOrganisation, .massOrganisation, .safetyAgreement, .suggestion:
            guard amount == 1 else { throw .invalid(field: "help.amount", "a \(kind.rawValue) counts once: amount is 1, not \(amount)") }
        }
        guard note.count <= Validate.maxTextCharacters else {
            throw .invalid(field: "help.note", "at most \(Validate.maxTextCharacters) characters")
        }
        guard date <= LocalDate(containing: now) else { throw .invalid(field: "help.date", "\(date) is in the future") }
        guard assignments.current?.liaisonID == liaisonID else {
            throw .denied(reason: LiaisonReason.notAssigned, "liaison \(liaisonID) is not assigned to \(organisationID)")
        }
        return self
    }
}

/// The help figures: sums over help records (and counts of visits, liaisons, organisations).
public struct HelpTotals: Sendable, Hashable {
    public var liaisons: [LiaisonOrigin: Int] = [:]
    public var organisations: [OrganisationKind: Int] = [:]
    public var visits = 0
    public var hires: Int64 = 0
    public var taxBenefitFen: Int64 = 0
    public var partyOrganisations = 0
    public var massOrganisations = 0
    public var suggestions = 0
    /// Distinct organisations that signed a safety agreement.
    public var safetyAgreements = 0

    public init() {}

    public static func of(liaisons: [Liaison], organisations: [Organisation], visits: Int, help: [HelpRecord]) -> HelpTotals {
        var totals = HelpTotals()
        for liaison in liaisons { totals.liaisons[liaison.origin, default: 0] += 1 }
        for organisation in organisations { totals.organisations[organisation.kind, default: 0] += 1 }
        totals.visits = visits
        var signed = Set<String>()
        for record in help {
            switch record.kind {
            case .recruiting: totals.hires += record.amount
            case .taxBenefit: totals.taxBenefitFen += record.amount
            case .partyOrganisation: totals.partyOrganisations += 1
            case .massOrganisation: totals.massOrganisations += 1
            case .suggestion: totals.suggestions += 1
            case .safetyAgreement: signed.insert(record.organisationID)
            }
        }
        totals.safetyAgreements = signed.count
        return totals
    }
}
