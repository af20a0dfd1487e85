import Foundation
import NIOCore
import Synchronization
import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// An in-memory intake for the gateway's tests: the methods the gateway uses, every
/// workflow action allowed from any status (the gateway's role checks are under test, not
/// intake's workflow), and a record of the principals it was sent.
final class FakeIntake: Sendable {
    private struct State {
        var tickets: [Township_Intake_V1_Ticket] = []
        var ledger: [Township_Intake_V1_SubscribeEventsResponse] = []
        var principals: [Township_Common_V1_Principal] = []
        var subscribers: [UUID: AsyncStream<Township_Intake_V1_SubscribeEventsResponse>.Continuation] = [:]
    }

    private let state = Mutex(State())
    /// Added to every GetStatistics call (to play a slow backend).
    let statisticsDelay = Mutex<Duration>(.zero)
    let statisticsCalls = Atomic<Int>(0)
    /// When the latest change was committed and handed to the subscribers.
    let lastChangeAt = Mutex<ContinuousClock.Instant?>(nil)

    var principals: [Township_Common_V1_Principal] { state.withLock { $0.principals } }
    var subscriberCount: Int { state.withLock { $0.subscribers.count } }
    var tickets: [Township_Intake_V1_Ticket] { state.withLock { $0.tickets } }

    private func record(_ context: RPCContext) throws -> Township_Common_V1_Principal {
        guard let bytes = context.principal,
            let principal = try? Township_Common_V1_Principal(serializedBytes: Array(bytes.readableBytesView)),
            principal.role != .unspecified
        else { throw RPCError(.unauthenticated, "no principal") }
        state.withLock { $0.principals.append(principal) }
        return principal
    }

    /// Adds a ticket directly, as if it had been filed and routed earlier.
    @discardableResult
    func seed(village: String, grid: String = "", category: String, department: String = "", status: Township_Intake_V1_TicketStatus, overdue: Bool = false, submitter: String = "u-resident") -> Township_Intake_V1_Ticket {
        state.withLock { state in
            var ticket = Township_Intake_V1_Ticket()
            let number = state.tickets.count + 1
            ticket.id.value = "t-\(number)"
            ticket.number = String(format: "2026-%06d", number)
            ticket.submission.place.villageID.value = village
            if !grid.isEmpty { ticket.submission.place.gridID.value = grid }
            ticket.submission.categoryID.value = category
            ticket.submission.problemDescription = "问题 \(number)"
            ticket.submission.channel = .hotline12345
            if !department.isEmpty { ticket.departmentID.value = department }
            ticket.status = status
            ticket.submittedBy.userID.value = submitter
            ticket.reporter.name = "张三"
            ticket.reporter.phone = "13800005678"
            ticket.createdAt = Google_Protobuf_Timestamp(date: Date())
            ticket.updatedAt = ticket.createdAt
            if overdue {
                ticket.deadline.overdue = true
                ticket.deadline.dueAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-3600))
            }
            state.tickets.append(ticket)
            return ticket
        }
    }

    /// Applies an action to a ticket and tells the subscribers.
    private func act(_ id: String, _ action: Township_Intake_V1_Action, to status: Township_Intake_V1_TicketStatus, by principal: Township_Common_V1_Principal, change: (inout Township_Intake_V1_Ticket) -> Void = { _ in }) throws -> Township_Intake_V1_TicketActionResponse {
        let (response, published, live) = try state.withLock { state -> (Township_Intake_V1_TicketActionResponse, Township_Intake_V1_SubscribeEventsResponse, [AsyncStream<Township_Intake_V1_SubscribeEventsResponse>.Continuation]) in
            guard let index = state.tickets.firstIndex(where: { $0.id.value == id }) else {
                var details = Township_Common_V1_ErrorDetails()
                details.reason = "TICKET_NOT_FOUND"
                throw RPCError(.notFound, "no ticket \(id)", details: ByteBuffer(bytes: try details.serializedBytes() as [UInt8]))
            }
            var event = Township_Intake_V1_LedgerEvent()
            event.position = Int64(state.ledger.count + 1)
            event.ticketID.value = id
            event.fromStatus = state.tickets[index].status
            event.toStatus = status
            event.action = action
            event.actor = principal
            event.occurredAt = Google_Protobuf_Timestamp(date: Date())
            state.tickets[index].status = status
            state.tickets[index].version += 1
            state.tickets[index].updatedAt = event.occurredAt
            change(&state.tickets[index])
            var published = Township_Intake_V1_SubscribeEventsResponse()
            published.position = event.position
            published.event = event
            published.ticket = state.tickets[index]
            state.ledger.append(published)
            var response = Township_Intake_V1_TicketActionResponse()
            response.ticket = state.tickets[index]
            response.event = event
            return (response, published, Array(state.subscribers.values))
        }
        lastChangeAt.withLock { $0 = .now }
        for continuation in live { continuation.yield(published) }
        return response
    }

    /// Intake's visibility rule (IntakeCore's VisibilityScope) and phone masking, in one place
    /// for every read of the fake: leaders and admins see everything; a grid worker the
    /// tickets of their grid and those they accepted; department staff the tickets dispatched
    /// to their department; a resident their own. Others see the phone masked.
    static func view(_ ticket: Township_Intake_V1_Ticket, for principal: Township_Common_V1_Principal) -> Township_Intake_V1_Ticket? {
        let visible: Bool
        switch principal.role {
        case .leader, .admin: return ticket
        case .gridWorker:
            visible = ticket.submission.place.gridID.value == principal.gridID.value || ticket.owner.userID.value == principal.userID.value
        case .departmentStaff: visible = ticket.hasDepartmentID && ticket.departmentID.value == principal.departmentID.value
        case .resident: visible = ticket.submittedBy.userID.value == principal.userID.value
        default: visible = false
        }
        guard visible else { return nil }
        var shown = ticket
        let phone = shown.reporter.phone
        if phone.count > 7 { shown.reporter.phone = String(phone.prefix(3)) + "****" + String(phone.suffix(4)) }
        shown.reporter.masked = true
        return shown
    }

    /// Performs an action as `principal` directly at intake (not through the gateway), e.g.
    /// while the gateway is down.
    @discardableResult
    func perform(_ action: Township_Intake_V1_Action, on id: String, to status: Township_Intake_V1_TicketStatus, by principal: Township_Common_V1_Principal) throws -> Township_Intake_V1_TicketActionResponse {
        try act(id, action, to: status, by: principal)
    }

    /// Intake's filter, for the fields the gateway sets.
    static func matches(_ ticket: Township_Intake_V1_Ticket, _ filter: Township_Intake_V1_TicketFilter) -> Bool {
        if !filter.statuses.isEmpty, !filter.statuses.contains(ticket.status) { return false }
        if !filter.ticketIds.isEmpty, !filter.ticketIds.contains(ticket.id) { return false }
        if !filter.categoryIds.isEmpty, !filter.categoryIds.contains(ticket.submission.categoryID) { return false }
        if filter.hasCreated {
            let created = ticket.createdAt.date
            if filter.created.hasStart, created < filter.created.start.date { return false }
            if filter.created.hasEnd, created >= filter.created.end.date { return false }
        }
        return true
    }

    /// Changes a stored ticket (e.g. its creation time), as if it had been so all along.
    func modify(_ id: String, _ change: (inout Township_Intake_V1_Ticket) -> Void) {
        state.withLock { state in
            if let index = state.tickets.firstIndex(where: { $0.id.value == id }) { change(&state.tickets[index]) }
        }
    }

    var router: RPCRouter {
        var router = RPCRouter()
        let intake = Township_Intake_V1_Intake.self
        router.unary(intake.submitTicket.path, Township_Intake_V1_SubmitTicketRequest.self, Township_Intake_V1_TicketActionResponse.self) { request, context in
            let principal = try self.record(context)
            guard request.submission.place.hasVillageID else { throw RPCError(.invalidArgument, "submission.place.village_id is required") }
            let ticket = self.seed(
                village: request.submission.place.villageID.value, grid: request.submission.place.gridID.value,
                category: request.submission.categoryID.value, status: .submitted, submitter: principal.userID.value)
            return try self.act(ticket.id.value, .submit, to: .submitted, by: principal) {
                $0.submission = request.submission
                $0.reporter = request.reporter
            }
        }
        func action<R: Message & TicketIdentified>(_ method: MethodDescriptor<R, Township_Intake_V1_TicketActionResponse>, _ kind: Township_Intake_V1_Action, _ to: Township_Intake_V1_TicketStatus) {
            router.unary(method.path, R.self, Township_Intake_V1_TicketActionResponse.self) { request, context in
                try self.act(request.ticketID.value, kind, to: to, by: try self.record(context))
            }
        }
        router.unary(intake.acceptTicket.path, Township_Intake_V1_AcceptTicketRequest.self, Township_Intake_V1_TicketActionResponse.self) { request, context in
            let principal = try self.record(context)
            // Whoever accepts a ticket owns it (and, as a grid worker, keeps seeing it).
            return try self.act(request.ticketID.value, .accept, to: .accepted, by: principal) { $0.owner = principal }
        }
        action(intake.rejectTicket, .reject, .rejected)
        action(intake.markDuplicate, .markDuplicate, .duplicate)
        action(intake.resolveAtVillage, .resolveAtVillage, .inProgress)
        router.unary(intake.dispatchTicket.path, Township_Intake_V1_DispatchTicketRequest.self, Township_Intake_V1_TicketActionResponse.self) { request, context in
            try self.act(request.ticketID.value, .dispatch, to: .dispatched, by: try self.record(context)) {
                $0.departmentID = request.departmentDispatch.departmentID
            }
        }
        action(intake.signTicket, .sign, .signed)
        action(intake.returnTicket, .returnToTriage, .returned)
        action(intake.startHandling, .startHandling, .inProgress)
        action(intake.replyTicket, .reply, .replied)
        action(intake.recordFollowUp, .followUp, .followedUp)
        action(intake.closeTicket, .close, .closed)
        router.unary(intake.listTickets.path, Township_Intake_V1_ListTicketsRequest.self, Township_Intake_V1_ListTicketsResponse.self) { request, context in
            let principal = try self.record(context)
            var response = Township_Intake_V1_ListTicketsResponse()
            let matching = self.tickets.filter { Self.matches($0, request.filter) }.compactMap { Self.view($0, for: principal) }
            // Pages as intake's: at most page_size (default 50, at most 500); the cursor is an offset here.
            let size = request.page.pageSize == 0 ? 50 : min(Int(request.page.pageSize), 500)
            let offset = Int(request.page.cursor) ?? 0
            response.tickets = Array(matching.dropFirst(offset).prefix(size))
            if offset + size < matching.count { response.page.nextCursor = String(offset + size) }
            return response
        }
        router.unary(intake.getTicket.path, Township_Intake_V1_GetTicketRequest.self, Township_Intake_V1_GetTicketResponse.self) { request, context in
            _ = try self.record(context)
            guard let ticket = self.tickets.first(where: { $0.id.value == request.ticketID.value || (!request.number.isEmpty && $0.number == request.number) }) else {
                throw RPCError(.notFound, "no such ticket")
            }
            var response = Township_Intake_V1_GetTicketResponse()
            response.ticket = ticket
            response.timeline = self.state.withLock { $0.ledger }.map(\.event).filter { $0.ticketID == ticket.id }
            return response
        }
        router.unary(intake.getStatistics.path, Township_Intake_V1_GetStatisticsRequest.self, Township_Intake_V1_GetStatisticsResponse.self) { _, context in
            _ = try self.record(context)
            self.statisticsCalls.add(1, ordering: .relaxed)
            let delay = self.statisticsDelay.withLock { $0 }
            if delay > .zero { try await Task.sleep(for: delay) }
            return FakeIntake.statistics(of: self.tickets)
        }
        router.serverStreaming(intake.subscribeEvents.path, Township_Intake_V1_SubscribeEventsRequest.self, Township_Intake_V1_SubscribeEventsResponse.self) { request, writer, context in
            let principal = try self.record(context)
            let id = UUID()
            let (stream, continuation) = AsyncStream.makeStream(of: Township_Intake_V1_SubscribeEventsResponse.self)
            let replay = try self.state.withLock { state in
                let head = Int64(state.ledger.count)
                if request.afterPosition > head { throw RPCError(.outOfRange, "after_position \(request.afterPosition) is ahead of \(head)") }
                state.subscribers[id] = continuation
                return request.hasAfterPosition ? state.ledger.filter { $0.position > request.afterPosition } : []
            }
            defer { _ = self.state.withLock { $0.subscribers.removeValue(forKey: id) } }
            // As intake does: each event with the ticket as the subscriber may see it, or not at all.
            func send(_ event: Township_Intake_V1_SubscribeEventsResponse) async throws {
                guard let ticket = Self.view(event.ticket, for: principal) else { return }
                var shown = event
                shown.ticket = ticket
                try await writer.send(shown)
            }
            for event in replay { try await send(event) }
            for await event in stream { try await send(event) }
        }
        router.unary(intake.verifyLedger.path, Township_Intake_V1_VerifyLedgerRequest.self, Township_Intake_V1_VerifyLedgerResponse.self) { _, context in
            _ = try self.record(context)
            var response = Township_Intake_V1_VerifyLedgerResponse()
            response.intact = true
            return response
        }
        router.unary(intake.listVillages.path, Township_Intake_V1_ListVillagesRequest.self, Township_Intake_V1_ListVillagesResponse.self) { _, context in
            _ = try self.record(context)
            return .with {
                $0.villages = [
                    .with { $0.id.value = "V01"; $0.name.zh = "东村"; $0.name.en = "East Village"; $0.active = true
                        $0.center.latitude = 30.25; $0.center.longitude = 120.16 },
                    .with { $0.id.value = "v-west"; $0.name.zh = "西村"; $0.name.en = "West Village"; $0.active = true
                        $0.center.latitude = 30.25; $0.center.longitude = 120.10 },
                ]
            }
        }
        router.unary(intake.listGrids.path, Township_Intake_V1_ListGridsRequest.self, Township_Intake_V1_ListGridsResponse.self) { _, context in
            _ = try self.record(context)
            return .with { $0.grids = [.with { $0.id.value = "V01-L2-1-G1"; $0.villageID.value = "V01"; $0.name.zh = "第一网格"; $0.active = true }] }
        }
        router.unary(intake.listDepartments.path, Township_Intake_V1_ListDepartmentsRequest.self, Township_Intake_V1_ListDepartmentsResponse.self) { _, context in
            _ = try self.record(context)
            return .with { $0.departments = [.with { $0.id.value = "dept-social"; $0.name.zh = "社会事务办"; $0.active = true; $0.categoryIds = [.with { $0.value = "c-power" }] }] }
        }
        router.unary(intake.listCategories.path, Township_Intake_V1_ListCategoriesRequest.self, Township_Intake_V1_ListCategoriesResponse.self) { _, context in
            _ = try self.record(context)
            return .with {
                $0.categories = [
                    .with { $0.id.value = "c-power"; $0.name.zh = "临时用电"; $0.name.en = "Temporary power"; $0.kind = .help; $0.active = true
                        $0.parentID.value = "c-infra" },
                    .with { $0.id.value = "c-infra"; $0.name.zh = "基础设施"; $0.name.en = "Infrastructure"; $0.kind = .complaint; $0.active = true },
                ]
            }
        }
        return router
    }

    static func statistics(of tickets: [Township_Intake_V1_Ticket]) -> Township_Intake_V1_GetStatisticsResponse {
        let final: Set<Township_Intake_V1_TicketStatus> = [.closed, .rejected, .duplicate]
        func figures(_ set: [Township_Intake_V1_Ticket]) -> Township_Intake_V1_Figures {
            var figures = Township_Intake_V1_Figures()
            figures.ticketCount = Int64(set.count)
            figures.openCount = Int64(set.filter { !final.contains($0.status) }.count)
            figures.closedCount = Int64(set.filter { $0.status == .closed }.count)
            figures.overdueCount = Int64(set.filter { $0.deadline.overdue && !final.contains($0.status) }.count)
            return figures
        }
        var response = Township_Intake_V1_GetStatisticsResponse()
        response.overall = figures(tickets)
        response.computedAt = Google_Protobuf_Timestamp(date: Date())
        for (village, set) in Dictionary(grouping: tickets, by: { $0.submission.place.villageID.value }).sorted(by: { $0.key < $1.key }) {
            response.byVillage.append(.with { $0.villageID.value = village; $0.figures = figures(set) })
        }
        for (category, set) in Dictionary(grouping: tickets, by: { $0.submission.categoryID.value }).sorted(by: { $0.key < $1.key }) {
            response.byCategory.append(.with { $0.categoryID.value = category; $0.figures = figures(set) })
        }
        for (department, set) in Dictionary(grouping: tickets.filter { $0.hasDepartmentID }, by: { $0.departmentID.value }).sorted(by: { $0.key < $1.key }) {
            response.byDepartment.append(.with { $0.departmentID.value = department; $0.figures = figures(set) })
        }
        for (status, set) in Dictionary(grouping: tickets, by: { $0.status }).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            response.byStatus.append(.with { $0.status = status; $0.count = Int64(set.count) })
        }
        return response
    }
}

protocol TicketIdentified {
    var ticketID: Township_Common_V1_TicketId { get }
}
extension Township_Intake_V1_AcceptTicketRequest: TicketIdentified {}
extension Township_Intake_V1_RejectTicketRequest: TicketIdentified {}
extension Township_Intake_V1_MarkDuplicateRequest: TicketIdentified {}
extension Township_Intake_V1_ResolveAtVillageRequest: TicketIdentified {}
extension Township_Intake_V1_SignTicketRequest: TicketIdentified {}
extension Township_Intake_V1_ReturnTicketRequest: TicketIdentified {}
extension Township_Intake_V1_StartHandlingRequest: TicketIdentified {}
extension Township_Intake_V1_ReplyTicketRequest: TicketIdentified {}
extension Township_Intake_V1_RecordFollowUpRequest: TicketIdentified {}
extension Township_Intake_V1_CloseTicketRequest: TicketIdentified {}
