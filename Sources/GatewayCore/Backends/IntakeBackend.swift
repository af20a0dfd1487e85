import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// The intake service (residents' problems) behind the gateway.
public struct IntakeBackend: RPCBackend {
    public let name = "intake"
    let replicas: BackendReplicas
    /// The overview's open tickets as JSON, by audience: two pages of them every round.
    let openTickets = OverviewOpenTickets(capacity: 64, ticketJSON: ProtoJSONMemo(capacity: 4_096))

    public init(replicas: BackendReplicas) {
        self.replicas = replicas
    }

    /// One replica on `client`.
    public init(client: RPCClient) {
        self.init(replicas: BackendReplicas(client: client))
    }

    // MARK: Overview

    public func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        // Intake lists newest first; the overdue ones are asked for on their own so that
        // they all make the page however many open tickets there are.
        var openRequest = Township_Intake_V1_ListTicketsRequest()
        openRequest.filter.statuses = TicketStatusNames.open
        openRequest.page.pageSize = 100
        var overdueRequest = openRequest
        overdueRequest.filter.overdue = true
        async let statistics = result { try await call(Township_Intake_V1_Intake.getStatistics, .init(), for: user, timeout: timeout) }
        let list = BackendCall(Township_Intake_V1_Intake.listTickets)
        async let overdue = result { try await list.replyBytes(overdueRequest, on: replicas, for: user, timeout: timeout) }
        async let open = result { try await list.replyBytes(openRequest, on: replicas, for: user, timeout: timeout) }
        let (statisticsResult, overdueResult, openResult) = await (statistics, overdue, open)
        let audience = OverviewService.key(for: user)
        let listResult = overdueResult.flatMap { overdueBytes in
            openResult.flatMap { openBytes in
                Result { try openTickets.json(overdue: overdueBytes, open: openBytes, audience: audience) }
            }
        }

        var members: [(String, JSONValue)] = []
        var problems: [String] = []
        switch statisticsResult {
        case .success(let response): members.append(("statistics", .raw(try ProtoJSON.encode(response))))
        case .failure(let error): problems.append("statistics: \(Self.describe(error))")
        }
        switch listResult {
        case .success(let tickets): members.append(("openTickets", .array(tickets)))
        case .failure(let error): problems.append("open tickets: \(Self.describe(error))")
        }
        if members.isEmpty, case .failure(let error) = statisticsResult { throw error }
        return OverviewSectionData(data: .object(members), problems: problems)
    }

    /// Escalated, then overdue, then by due time (no deadline last), then oldest first. Each
    /// ticket's sort key is read once: the proto's nested getters copy on every comparison.
    static func overdueFirst(_ tickets: [Township_Intake_V1_Ticket]) -> [Township_Intake_V1_Ticket] {
        let keys = tickets.map { ticket in
            let deadline = ticket.deadline
            return (escalated: deadline.escalated, overdue: deadline.overdue, hasDeadline: ticket.hasDeadline,
                    due: ticket.hasDeadline ? (deadline.dueAt.seconds, deadline.dueAt.nanos) : (0, 0))
        }
        return tickets.indices.sorted { left, right in
            let a = keys[left], b = keys[right]
            if a.escalated != b.escalated { return a.escalated }
            if a.overdue != b.overdue { return a.overdue }
            if a.hasDeadline != b.hasDeadline { return a.hasDeadline }
            if a.due != b.due { return a.due < b.due }
            return left < right
        }.map { tickets[$0] }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as GatewayError: "\(error.code): \(error.message)"
        case let error as RPCError: error.description
        default: "\(error)"
        }
    }

    private func result<T: Sendable>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    // MARK: Events

    public var eventSource: (any BackendEventSource)? { IntakeEventSource(replicas: replicas) }

    public func shutdown() async {
        await replicas.shutdown()
    }
}

enum TicketStatusNames {
    /// Every status that is not final.
    static let open: [Township_Intake_V1_TicketStatus] = [
        .submitted, .accepted, .dispatched, .returned, .signed, .inProgress, .replied, .followedUp,
    ]
}

/// Intake's SubscribeEvents as backend events, one call per viewer with the viewer's
/// principal (multiplexed on a replica's TWP/1 connection): intake filters and masks them
/// with the visibility rule of its own queries. Each stream stays on the replica it started
/// on; when that one fails before the first event the stream starts once more on another,
/// and when it dies later the stream ends with the error, the replica's breaker counts it,
/// and the `EventFollower` resumes from the last position on whichever replica is picked then.
struct IntakeEventSource: BackendEventSource {
    let replicas: BackendReplicas

    func events(for user: GatewayUser, after position: Int64?) -> AsyncThrowingStream<BackendEvent, any Error> {
        var request = Township_Intake_V1_SubscribeEventsRequest()
        if let position { request.afterPosition = position }
        let options = CallOptions(timeout: nil, principal: user.encodedPrincipal)
        return AsyncThrowingStream { continuation in
            let task = Task { [replicas, request] in
                var replica = replicas.pick()
                var triedAnother = false
                while true {
                    var delivered = false
                    do {
                        let stream = replica.client.serverStreaming(
                            Township_Intake_V1_Intake.subscribeEvents.path, request, as: Township_Intake_V1_SubscribeEventsResponse.self,
                            options: options)
                        for try await response in stream {
                            if !delivered { replica.breaker.recordSuccess() }
                            delivered = true
                            continuation.yield(BackendEvent(backend: "intake", position: response.position, json: try ProtoJSON.encode(response)))
                        }
                        continuation.finish()
                    } catch let error as RPCError {
                        replicas.record(error, on: replica)
                        if !delivered, !triedAnother, replicas.mayRetryElsewhere(error, retrySafe: true) {
                            triedAnother = true
                            replica = replicas.pick(avoiding: replica)
                            continue
                        }
                        continuation.finish(throwing: error)
                    } catch {
                        continuation.finish(throwing: error)
                    }
                    return
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
