import JobFairCore
import TownshipProtos

/// Proto enums ↔ the core's.
enum EnumMapping {
    static func sector(_ s: Sector) -> Township_Jobfair_V1_Sector {
        switch s {
        case .manufacturing: .manufacturing
        case .logistics: .logistics
        case .services: .services
        case .agricultureProcessing: .agricultureProcessing
        }
    }

    static func sector(_ s: Township_Jobfair_V1_Sector, field: String) throws -> Sector {
        switch s {
        case .manufacturing: .manufacturing
        case .logistics: .logistics
        case .services: .services
        case .agricultureProcessing: .agricultureProcessing
        default: throw JobFairError.invalid(field: field, "a sector is required (SECTOR_MANUFACTURING, ...)")
        }
    }

    static func education(_ e: Education) -> Township_Jobfair_V1_Education {
        Township_Jobfair_V1_Education(rawValue: e.rawValue + 1) ?? .unspecified
    }

    static func education(_ e: Township_Jobfair_V1_Education, field: String) throws -> Education {
        guard let level = Education(rawValue: e.rawValue - 1) else {
            throw JobFairError.invalid(field: field, "an education level is required (EDUCATION_PRIMARY ... EDUCATION_DOCTORATE)")
        }
        return level
    }

    static func offer(_ s: OfferState?) -> Township_Jobfair_V1_OutcomeState {
        guard let s else { return .unspecified }
        return Township_Jobfair_V1_OutcomeState(rawValue: s.rawValue) ?? .unspecified
    }

    static func offer(_ s: Township_Jobfair_V1_OutcomeState, field: String) throws -> OfferState {
        guard let state = OfferState(rawValue: s.rawValue) else {
            throw JobFairError.invalid(field: field, "one of OUTCOME_STATE_OFFERED, _ACCEPTED, _REFUSED, _HIRED")
        }
        return state
    }

    static func choiceKind(_ k: StoredChoice.Kind) -> Township_Jobfair_V1_ChoiceOutcomeKind {
        switch k {
        case .matched: .matched
        case .notRanked: .notRanked
        case .filledByHigherRanked: .filledByHigherRanked
        case .notNeeded: .notNeeded
        case .alreadyFilled: .alreadyFilled
        }
    }
}
