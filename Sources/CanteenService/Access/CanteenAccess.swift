import TownshipRoles
import TownshipServiceKit

/// Who may do what (the table at the top of canteen.proto). Roles come from principal.proto;
/// "staff" is the civil-affairs office (ROLE_DEPARTMENT_STAFF), a canteen's operators are the
/// ROLE_CANTEEN_OPERATOR users its `staff_user_ids` list, a family member is a ROLE_RESIDENT
/// linked to the elder.
enum CanteenAccess {
    static func denied(_ p: ServicePrincipal, _ what: String) -> CanteenRefusal {
        CanteenRefusal.denied("role \(p.role) may not \(what)")
    }

    /// Civil-affairs staff and admins: elders, cards, canteens, settlements.
    static func requireStaff(_ p: ServicePrincipal, _ what: String) throws {
        guard p.role == .admin || p.role == .departmentStaff else { throw denied(p, what) }
    }

    /// Who reads the district's figures and lists: leaders, staff, admins.
    static func requireReader(_ p: ServicePrincipal, _ what: String) throws {
        guard [.admin, .departmentStaff, .leader].contains(p.role) else { throw denied(p, what) }
    }

    /// Any role that takes part in meal assistance.
    static func requireParticipant(_ p: ServicePrincipal, _ what: String) throws {
        guard [.admin, .departmentStaff, .leader, .canteenOperator, .resident].contains(p.role) else { throw denied(p, what) }
    }

    /// An operator working at this canteen (or an admin; staff when `staffToo`).
    static func requireOperator(_ p: ServicePrincipal, of canteen: CanteenRecord, _ what: String, staffToo: Bool = false) throws {
        if p.role == .admin || (staffToo && p.role == .departmentStaff) { return }
        guard p.role == .canteenOperator else { throw denied(p, what) }
        guard canteen.staffUserIDs.contains(p.userID) else {
            throw CanteenRefusal.denied("user \(p.userID) does not work at canteen \(canteen.id) and may not \(what) there")
        }
    }

    /// Who may order for an elder at a canteen: staff and admins, the canteen's operators, the
    /// elder's family members.
    static func requireMayOrder(_ p: ServicePrincipal, elderID: Int64, canteen: CanteenRecord, store: CanteenStore) throws {
        switch p.role {
        case .admin, .departmentStaff: return
        case .canteenOperator: try requireOperator(p, of: canteen, "take reservations")
        case .resident: try requireFamily(p, elderID: elderID, store: store)
        default: throw denied(p, "order meals")
        }
    }

    static func requireFamily(_ p: ServicePrincipal, elderID: Int64, store: CanteenStore) throws {
        guard try store.isFamilyMember(userID: p.userID, elderID: elderID) else {
            throw CanteenRefusal.denied("user \(p.userID) is not a family member of elder \(WireIDs.elder(elderID))", reason: "NOT_FAMILY_MEMBER")
        }
    }

    /// Reading one elder: staff, leaders, admins and operators; residents for their elder.
    static func requireMayRead(_ p: ServicePrincipal, elderID: Int64, store: CanteenStore) throws {
        switch p.role {
        case .admin, .departmentStaff, .leader, .canteenOperator: return
        case .resident: try requireFamily(p, elderID: elderID, store: store)
        default: throw denied(p, "read elders")
        }
    }
}
