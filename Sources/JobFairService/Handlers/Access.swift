import TownshipRoles
import TownshipServiceKit

/// What a principal may do, decided where the data lives: admins everything; leaders read
/// figures and rounds; employers the enterprises that list them; job seekers their own profile.
struct Access: Sendable {
    let principal: ServicePrincipal
    let store: JobFairStore

    var isAdmin: Bool { principal.role == .admin }

    func denied(_ what: String) -> JobFairError {
        .permissionDenied("role \(principal.role) (user \(principal.userID)) may not \(what)")
    }

    func requireAdmin(_ what: String) throws {
        guard isAdmin else { throw denied(what) }
    }

    func requireLeaderOrAdmin(_ what: String) throws {
        guard isAdmin || principal.role == .leader else { throw denied(what) }
    }

    /// Admins, and employers whom the enterprise lists.
    func requireManager(of enterpriseID: Int, _ what: String) async throws {
        if isAdmin { return }
        guard principal.role == .employer, try await store.manages(principal.userID, enterprise: enterpriseID) else {
            throw denied("\(what) of enterprise \(enterpriseID)")
        }
    }

    /// The seeker a request acts for: the caller's own profile when `requested` is nil (job
    /// seekers), any seeker for admins; a job seeker naming someone else is refused.
    func seekerID(_ requested: Int?, _ what: String) async throws -> Int {
        if isAdmin {
            guard let requested else { throw JobFairError.invalid(field: "seeker_id", "admins name the seeker") }
            return requested
        }
        guard principal.role == .jobSeeker else { throw denied(what) }
        let own = try await store.seeker(userID: principal.userID).seeker.id
        if let requested, requested != own { throw denied("\(what) of another seeker") }
        return own
    }
}
