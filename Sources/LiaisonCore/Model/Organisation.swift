import TownshipCreditCode

/// What a liaison is assigned to: a non-public enterprise (非公企业) or a social organisation (社会组织).
public enum OrganisationKind: String, Sendable, Hashable, CaseIterable {
    case enterprise
    case socialOrganisation = "social_organisation"
}

/// An enterprise or social organisation, registered by its unified social credit code.
public struct Organisation: Sendable, Hashable {
    public var id: String
    public var name: String
    public var kind: OrganisationKind
    public var creditCode: String

    public init(id: String, name: String, kind: OrganisationKind, creditCode: String) {
        self.id = id
        self.name = name
        self.kind = kind
        self.creditCode = creditCode
    }

    public func validated() throws(LiaisonError) -> Organisation {
        try Validate.identifier(id, field: "organisation.id")
        try Validate.text(name, field: "organisation.name", max: Validate.maxNameCharacters)
        if let problem = CreditCode.problem(in: creditCode) {
            throw .invalid(field: "organisation.credit_code", reason: LiaisonReason.creditCodeInvalid, problem)
        }
        return self
    }
}
