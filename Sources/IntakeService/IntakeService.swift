import Foundation
import IntakeCore
import Logging
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

/// The intake service on TWP/1: the 24 methods of `township.intake.v1.Intake` over an
/// `IntakeStore` (SQLite or PostgreSQL) and an `AttachmentService`. Every call first resolves the end-user
/// principal (the kit's `CallGate`); the core then decides what that principal may see and do.
public struct IntakeService: Sendable {
    public let store: any IntakeStore
    public let attachments: AttachmentService
    let clock: any IntakeClock
    let gate: CallGate
    let logger: Logger

    public init(store: any IntakeStore, attachments: AttachmentService, callerPolicy: CallerPolicy,
                clock: any IntakeClock = SystemClock(), logger: Logger = Logger(label: "intake.service")) {
        self.store = store
        self.attachments = attachments
        self.clock = clock
        self.gate = CallGate(serviceName: "intake", policy: callerPolicy, serviceMethods: Self.serviceMethods)
        self.logger = logger
    }

    /// What a service of `callers.services` may call acting as itself (proto-spec §6):
    /// enterprise-liaison files a difficult problem as a ticket and follows it. It holds the
    /// kit's service role (`resident`), so it files as its own reporter and reads only the
    /// tickets it filed; every other method is PERMISSION_DENIED for it.
    public static let serviceMethods: Set<String> = [
        Township_Intake_V1_Intake.submitTicket.path, Township_Intake_V1_Intake.getTicket.path,
    ]

    /// Every method of the service, registered by its generated descriptor.
    public func makeRouter() -> RPCRouter {
        var router = RPCRouter()
        registerSubmission(&router)
        registerWorkflow(&router)
        registerQueries(&router)
        registerReferenceData(&router)
        registerSubscription(&router)
        registerAttachments(&router)
        return router
    }

    /// Runs `body` for the call's principal; whatever it throws reaches the caller as an RPC error.
    func serve<T>(_ context: RPCContext, _ body: (IntakeCore.Principal) async throws -> T) async throws -> T {
        try await gate.run(context) { principal in
            try await body(IntakeCore.Principal(userID: principal.userID, role: principal.role, gridID: principal.gridID,
                                                departmentID: principal.departmentID, villageID: principal.villageID))
        }
    }

    static func ticketID(_ wire: Township_Common_V1_TicketId, field: String = "ticket_id") throws -> TicketID {
        try WireIDs.ticketID(wire, field: field)
    }
}
