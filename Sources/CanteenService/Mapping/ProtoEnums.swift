import CanteenCore
import TownshipProtos

/// The core's enumerations and their canteen.proto counterparts.
enum ProtoEnums {
    static func tier(_ tier: AgeTier?) -> Township_Canteen_V1_AgeTier {
        switch tier {
        case .age60to69: return .ageTier60To69
        case .age70to79: return .ageTier70To79
        case .age80plus: return .ageTier80Plus
        case nil: return .unspecified
        }
    }

    static func tier(_ wire: Township_Canteen_V1_AgeTier) -> AgeTier? {
        switch wire {
        case .ageTier60To69: return .age60to69
        case .ageTier70To79: return .age70to79
        case .ageTier80Plus: return .age80plus
        default: return nil
        }
    }

    static func flag(_ wire: Township_Canteen_V1_SubsidyFlag) -> SubsidyFlag? {
        switch wire {
        case .lowIncome: return .lowIncome
        case .livingAlone: return .livingAlone
        case .disabled: return .disabled
        default: return nil
        }
    }

    static func flag(_ flag: SubsidyFlag) -> Township_Canteen_V1_SubsidyFlag {
        switch flag {
        case .lowIncome: return .lowIncome
        case .livingAlone: return .livingAlone
        case .disabled: return .disabled
        }
    }

    static func endReason(_ wire: Township_Canteen_V1_EligibilityEndReason) -> EligibilityEnd.Reason? {
        switch wire {
        case .death: return .death
        case .movedAway: return .movedAway
        default: return nil
        }
    }

    static func endReason(_ reason: EligibilityEnd.Reason) -> Township_Canteen_V1_EligibilityEndReason {
        reason == .death ? .death : .movedAway
    }

    static func refusal(_ kind: RefusalKind) -> Township_Canteen_V1_RefusalReason {
        switch kind {
        case .unknownCard: return .unknownCard
        case .cardRevoked: return .cardRevoked
        case .elderDeceased: return .elderDeceased
        case .elderMovedAway: return .elderMovedAway
        case .secondSubsidisedMeal: return .secondSubsidisedMeal
        case .mealAfterCancellation: return .mealAfterCancellation
        }
    }

    static func reservationStatus(_ state: ReservationState) -> Township_Canteen_V1_ReservationStatus {
        switch state {
        case .active: return .active
        case .cancelled: return .cancelled
        case .served: return .served
        case .noShow: return .noShow
        }
    }
}
