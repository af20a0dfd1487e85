import Foundation
import IntakeCore
import Logging
import TownshipProtos
import TownshipRPC

/// The intake service on TWP/1: the 24 methods of `township.intake.v1.Intake` over an
/// `SQLiteTicketStore` and an `AttachmentService`. Every call first resolves the end-user
/// principal (`PrincipalResolver`); the core then decides what that principal may see and do.
public struct IntakeService: Sendable {
    public let store: SQLiteTicketStore
    public let attachments: AttachmentService
    let clock: any IntakeClock
    let resolver: PrincipalResolver
    let logger: Logger

    public init(store: SQLiteTicketStore, attachments: AttachmentService, callerPolicy: CallerPolicy,
                clock: any IntakeClock = SystemClock(), logger: Logger = Logger(label: "intake.service")) {
        self.store = store
        self.attachments = attachments
        self.clock = clock
        self.resolver = PrincipalResolver(policy: callerPolicy)
        self.logger = logger
    }

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
        do {
            let principal = try resolver.principal(for: context)
            return try await body(principal)
        } catch {
            throw ErrorMapping.rpcError(error, logger: context.logger)
        }
    }

    /// The service's own reads after a change already authorized (a department that returned a
    /// ticket no longer sees it, but its answer still carries the ticket and the event).
    static let readBack = IntakeCore.Principal.scheduler

    /// The answer of every workflow call: the ticket as the caller sees it and the event just appended.
    func actionResponse(_ view: TicketView) async throws -> Township_Intake_V1_TicketActionResponse {
        let timeline = try await store.timeline(view.ticket.id, for: Self.readBack)
        var response = Township_Intake_V1_TicketActionResponse()
        response.ticket = TicketMapping.ticket(view, version: Int64(timeline.count), now: clock.now())
        if let last = timeline.last { response.event = LedgerEventMapping.event(last) }
        return response
    }

    static func ticketID(_ wire: Township_Common_V1_TicketId, field: String = "ticket_id") throws -> TicketID {
        guard let id = TicketID(wire.value), id > 0 else {
            throw ServiceError.invalidArgument(field: field, wire.value.isEmpty ? "is required" : "'\(wire.value)' is not a ticket id")
        }
        return id
    }
}
