import GRDB

/// Which tickets a principal may read, as an SQL condition the store adds to every query,
/// so that invisible rows are never loaded (not filtered after loading).
///
/// - leader, admin, system: every ticket.
/// - grid worker: tickets of their grid, plus the tickets they accepted (they stay accountable).
/// - department staff: tickets currently dispatched to their department.
/// - resident: the tickets they reported through their own account.
/// - any other role: nothing; refused with a permission error.
public struct VisibilityScope: Sendable {
    /// SQL over the `ticket` table (alias `t`); "1" when unrestricted.
    public let condition: String
    public let arguments: [String]
    public let explanation: String
    /// Whether the condition names only columns the statistics cells are keyed by, so the
    /// figures can be summed from cells (see StatisticsCells) rather than from tickets.
    public let coveredByStatisticsCells: Bool

    public init(for principal: Principal) throws(IntakeError) {
        switch principal.role {
        case .leader, .admin, .system:
            condition = "1"; arguments = []; explanation = "\(principal.role.rawValue) sees every ticket"
            coveredByStatisticsCells = true
        case .gridWorker:
            guard let grid = principal.gridID, !grid.isEmpty else {
                throw .permissionDenied("grid worker '\(principal.userID)' has no grid id in the principal")
            }
            // A UNION of two index lookups rather than an OR, which SQLite cannot serve from one index.
            condition = "t.id IN (SELECT id FROM ticket WHERE grid_id = ? UNION ALL SELECT id FROM ticket WHERE owner_user_id = ?)"
            arguments = [grid, principal.userID]
            coveredByStatisticsCells = false
            explanation = "grid worker '\(principal.userID)' sees only tickets of grid '\(grid)' or tickets they accepted"
        case .departmentStaff:
            guard let dept = principal.departmentID, !dept.isEmpty else {
                throw .permissionDenied("department staff '\(principal.userID)' has no department id in the principal")
            }
            condition = "t.department_id = ?"
            arguments = [dept]
            coveredByStatisticsCells = true
            explanation = "department staff '\(principal.userID)' sees only tickets dispatched to department '\(dept)'"
        case .resident:
            condition = "t.reporter_user_id = ?"
            arguments = [principal.userID]
            coveredByStatisticsCells = false
            explanation = "resident '\(principal.userID)' sees only their own tickets"
        case .liaison, .canteenOperator, .employer, .jobSeeker:
            throw .permissionDenied("role '\(principal.role.rawValue)' has no access to intake tickets")
        }
    }

    var statementArguments: StatementArguments { StatementArguments(arguments) }
}
