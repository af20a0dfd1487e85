/// Why a liaison request was refused: a kind (which the service maps to a status of spec §7),
/// a reason from liaison.proto's list, a sentence for people, and the field at fault if any.
/// Every rule throws one of these before changing anything.
public struct LiaisonError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The request itself is wrong (INVALID_ARGUMENT).
        case invalidArgument
        /// Something it names does not exist (NOT_FOUND).
        case notFound
        /// The caller may not do this (PERMISSION_DENIED).
        case permissionDenied
        /// The item is not in a state that allows it (FAILED_PRECONDITION).
        case failedPrecondition
        /// Someone else got there first (ALREADY_EXISTS), e.g. a claim.
        case alreadyExists
    }

    public var kind: Kind
    public var reason: String
    public var message: String
    public var field: String?

    public init(_ kind: Kind, reason: String, _ message: String, field: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.message = message
        self.field = field
    }

    public var description: String { "\(reason): \(message)" }

    public static func invalid(field: String, reason: String = "INVALID_ARGUMENT", _ message: String) -> LiaisonError {
        LiaisonError(.invalidArgument, reason: reason, "\(field): \(message)", field: field)
    }

    public static func notFound(reason: String, _ message: String) -> LiaisonError {
        LiaisonError(.notFound, reason: reason, message)
    }

    public static func denied(reason: String = "PERMISSION_DENIED", _ message: String) -> LiaisonError {
        LiaisonError(.permissionDenied, reason: reason, message)
    }

    public static func precondition(reason: String, _ message: String) -> LiaisonError {
        LiaisonError(.failedPrecondition, reason: reason, message)
    }
}

/// Every `ErrorDetails.reason` enterprise-liaison answers with (liaison.proto lists the same).
public enum LiaisonReason {
    public static let invalidArgument = "INVALID_ARGUMENT"
    public static let periodInvalid = "PERIOD_INVALID"
    public static let creditCodeInvalid = "CREDIT_CODE_INVALID"
    public static let liaisonNotFound = "LIAISON_NOT_FOUND"
    public static let organisationNotFound = "ORGANISATION_NOT_FOUND"
    public static let itemNotFound = "ITEM_NOT_FOUND"
    public static let notAssigned = "NOT_ASSIGNED"
    public static let notClaimingDepartment = "NOT_CLAIMING_DEPARTMENT"
    public static let wrongState = "WRONG_STATE"
    public static let alreadyClaimed = "ALREADY_CLAIMED"
    public static let notConfirmed = "NOT_CONFIRMED_BY_ENTERPRISE"
    public static let periodsDiffer = "PERIODS_DIFFER"
    public static let periodNotStarted = "PERIOD_NOT_STARTED"
    public static let claimWindowOpen = "CLAIM_WINDOW_OPEN"
    public static let duplicate = "DUPLICATE"
    public static let notDifficult = "NOT_DIFFICULT"
    public static let alreadyReferred = "ALREADY_REFERRED"
}
