import Foundation

/// Encodes a completed call's reply inside the write's transaction (see `IntakeStore.perform(_:on:note:expectedVersion:by:once:reply:)`).
public typealias ActionReplyEncoder = @Sendable (ActionOutcome) throws -> [UInt8]

/// What the intake service, its executable and its background services need of a store beyond
/// `TicketStore`: idempotent calls, the global chain and its checkpoints, ledger positions and
/// the demo bulk load. `SQLiteTicketStore` and `IntakePostgresStore.PostgresTicketStore` fill
/// it, so nothing outside the stores themselves names an engine.
public protocol IntakeStore: TicketStore {
    var configuration: IntakeConfiguration { get }

    /// `perform`, once per claim: a retry within the retention answers the first reply without acting again.
    func perform(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?,
                 by principal: Principal, once claim: IdempotencyClaim?, reply: @escaping ActionReplyEncoder) async throws -> IdempotentReply
    /// `submit` with a client request id, once per claim; a retry by request id alone answers the first ticket.
    func submit(_ report: NewTicket, by principal: Principal, clientRequestID: String, once claim: IdempotencyClaim?,
                reply: @escaping ActionReplyEncoder) async throws -> IdempotentReply
    /// Submits once per (principal, `clientRequestID`); `replayed` when an earlier attempt filed it.
    func submit(_ report: NewTicket, by principal: Principal, clientRequestID: String) async throws -> (view: TicketView, replayed: Bool)

    /// Signs the global chain's head (nil without a checkpoint key).
    @discardableResult
    func writeCheckpoint() async throws -> LedgerCheckpoint?
    func verifyGlobalChain() async throws -> GlobalChainVerification

    /// The position of the newest ledger event (0 when empty).
    func ledgerHeadPosition() async throws -> Int64
    func ticketID(number: String) async throws -> TicketID?
    /// Ids of every ticket, in id order, after `id`.
    func ticketIDs(after id: TicketID, limit: Int) async throws -> [TicketID]

    /// Event streams of this store waiting for a change now (tests wait for this instead of sleeping).
    var eventWaiterCount: Int { get }

    /// The demo loader's fast path: generated tickets with their whole ledgers.
    func bulkInsert(_ batch: [GeneratedTicket]) async throws
}

extension IntakeStore {
    public func perform(_ action: TicketAction, on ticketID: TicketID, note: String?, by principal: Principal) async throws -> TicketView {
        try await perform(action, on: ticketID, note: note, expectedVersion: nil, by: principal)
    }

    /// What `check-config` and `seed` call data: any ledger event.
    public func hasData() async throws -> Bool { try await ledgerHeadPosition() > 0 }
}

/// A submission's client request id: what every store accepts.
public enum ClientRequestID {
    public static let maxLength = 128

    /// Refuses an empty or overlong id.
    public static func check(_ clientRequestID: String) throws {
        guard !clientRequestID.isEmpty, clientRequestID.count <= maxLength else {
            throw IntakeError.invalidInput("client_request_id must be 1–\(maxLength) characters")
        }
    }
}
