import Foundation
import LiaisonCore
import Logging
import NIOCore
import ServiceLifecycle
import TownshipProtos
import TownshipRPC

/// How the referral pass talks to intake (`intake.*` settings; deploy/enterprise-liaison.example.md).
public struct IntakeReferralSettings: Sendable {
    /// How often the pass runs: files pending referrals, refreshes ticket statuses. Default 30 s.
    public var passInterval: Duration
    /// Each call's deadline, the client's retries included. Default 10 s.
    public var callTimeout: Duration
    /// A filed ticket's status is read again after this long. Default 300 s.
    public var refreshAfterSeconds: Int64
    /// Referrals filed, and statuses read, per pass at most. Default 100.
    public var batchSize: Int

    public init(passInterval: Duration = .seconds(30), callTimeout: Duration = .seconds(10), refreshAfterSeconds: Int64 = 300,
                batchSize: Int = 100) {
        self.passInterval = passInterval
        self.callTimeout = callTimeout
        self.refreshAfterSeconds = refreshAfterSeconds
        self.batchSize = batchSize
    }
}

/// Files the referrals of the outbox as intake tickets and keeps their statuses current. It
/// calls intake over TWP/1 with this service's own certificate and no principal, acting as
/// itself (proto-spec §6; intake lists it in `callers.services`), through an `RPCClient` with
/// a deadline per call and the client's retries. Every submission carries the referral's
/// fixed idempotency key, so a retry, here or after a restart, never files a second ticket.
/// A failure leaves the outbox row for the next pass and is recorded on the item (attempts,
/// last error): nothing is lost while intake is down.
public struct IntakeReferralService: Service {
    let store: LiaisonStore
    let client: RPCClient
    let clock: any LiaisonClock
    let settings: IntakeReferralSettings
    let logger: Logger

    public init(store: LiaisonStore, client: RPCClient, clock: any LiaisonClock, settings: IntakeReferralSettings = .init(), logger: Logger) {
        self.store = store
        self.client = client
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await pass()
                try? await Task.sleep(for: settings.passInterval)
            }
        }
        await client.shutdown()
    }

    /// What one pass did.
    public struct PassResult: Sendable, Equatable {
        public var filed: Int
        public var failed: Int
        public var refreshed: Int

        public init(filed: Int = 0, failed: Int = 0, refreshed: Int = 0) {
            self.filed = filed
            self.failed = failed
            self.refreshed = refreshed
        }
    }

    /// One pass: every pending referral (oldest first, up to the batch size) is submitted; then
    /// the statuses due for a refresh are read.
    @discardableResult
    public func pass() async -> PassResult {
        var result = PassResult()
        do {
            for pending in try store.pendingReferrals(limit: settings.batchSize) {
                guard !Task.isCancelled else { return result }
                if await submit(pending) { result.filed += 1 } else { result.failed += 1 }
            }
            let due = Instant(secondsSinceEpoch: clock.now().secondsSinceEpoch - settings.refreshAfterSeconds)
            for open in try store.referralsToRefresh(checkedBefore: due, limit: settings.batchSize) {
                guard !Task.isCancelled else { return result }
                if await refresh(open) { result.refreshed += 1 }
            }
        } catch {
            // The store failed: the next pass starts over from the outbox, which is unchanged.
            logger.error("referral pass failed: \(error)")
        }
        return result
    }

    private func submit(_ pending: PendingReferral) async -> Bool {
        let options = CallOptions(timeout: settings.callTimeout, idempotencyKey: pending.idempotencyKey)
        do {
            let reply = try await client.unary(Township_Intake_V1_Intake.submitTicket.path, ByteBuffer(bytes: pending.request), options: options)
            let response = try Township_Intake_V1_TicketActionResponse(serializedBytes: Array(reply.readableBytesView))
            let ticket = response.ticket
            try await store.referralFiled(item: pending.itemID, ticketID: ticket.id.value, number: ticket.number,
                                          status: Self.statusName(ticket.status), now: clock.now())
            logger.info("referral filed", metadata: ["item": "\(pending.itemID)", "ticket": "\(ticket.number)"])
            return true
        } catch {
            await recordFailure(item: pending.itemID, error)
            return false
        }
    }

    private func refresh(_ open: OpenReferral) async -> Bool {
        var request = Township_Intake_V1_GetTicketRequest()
        request.ticketID.value = open.ticketID
        do {
            let response = try await client.unary(Township_Intake_V1_Intake.getTicket.path, request, as: Township_Intake_V1_GetTicketResponse.self,
                                                  options: CallOptions(timeout: settings.callTimeout, isIdempotent: true))
            try await store.referralStatus(item: open.itemID, status: Self.statusName(response.ticket.status), now: clock.now())
            return true
        } catch {
            await recordFailure(item: open.itemID, error)
            return false
        }
    }

    private func recordFailure(item: Int64, _ error: any Error) async {
        let text = Self.describe(error)
        logger.warning("intake call for referred item failed; retried on the next pass", metadata: ["item": "\(item)", "error": "\(text)"])
        do {
            try await store.referralFailed(item: item, error: text, now: clock.now())
        } catch {
            logger.error("could not record the failed referral of item \(item): \(error)")
        }
    }

    /// "UNAVAILABLE: connection refused", as the office reads it on the item.
    static func describe(_ error: any Error) -> String {
        if let rpc = error as? RPCError { return "\(rpc.status): \(rpc.message)" }
        return "\(error)"
    }

    /// intake.proto's name of a ticket status, e.g. "TICKET_STATUS_SUBMITTED".
    static func statusName(_ status: Township_Intake_V1_TicketStatus) -> String {
        let names: [Township_Intake_V1_TicketStatus: String] = [
            .submitted: "SUBMITTED", .accepted: "ACCEPTED", .rejected: "REJECTED", .duplicate: "DUPLICATE",
            .dispatched: "DISPATCHED", .returned: "RETURNED", .signed: "SIGNED", .inProgress: "IN_PROGRESS",
            .replied: "REPLIED", .followedUp: "FOLLOWED_UP", .closed: "CLOSED",
        ]
        return "TICKET_STATUS_" + (names[status] ?? "\(status.rawValue)")
    }
}
