import Foundation
import GRDB

extension SQLiteTicketStore {
    public func submit(_ report: NewTicket, by principal: Principal) async throws -> TicketView {
        let prepared = try preparedFiling(report, by: principal, at: clock.now())
        let attachmentIDs = report.attachmentIDs
        let (chainHead, searchRows) = (groupCommit.chainHead, groupCommit.searchRows)
        let (ticket, attachments) = try await groupCommit.write { db in
            let ticket = try TicketPersistence.file(prepared, chainHead: chainHead, searchRows: searchRows, db: db).ticket
            return (ticket, try UnclaimedAttachments.claim(attachmentIDs, ticketID: ticket.id, by: principal, db: db))
        }
        changeSignal.notify()
        submissionLog.filed(ticket, logger: logger)
        return view(ticket, attachments: attachments, for: principal)
    }

    public func perform(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?,
                        by principal: Principal) async throws -> TicketView {
        let scope = try VisibilityScope(for: principal)
        let workflow = self.workflow
        let policy = configuration.reminderPolicy
        let clock = self.clock
        let chainHead = groupCommit.chainHead
        let (ticket, attachments) = try await groupCommit.write { db -> (Ticket, [AttachmentInfo]) in
            let (next, _) = try Self.apply(action, on: ticketID, note: note, expectedVersion: expectedVersion, by: principal,
                                           scope: scope, workflow: workflow, policy: policy, now: clock.now(), chainHead: chainHead, db: db)
            return (next, try Self.attachments(of: next.id, db: db))
        }
        changeSignal.notify()
        logger.info("ticket action", metadata: ["number": "\(ticket.number)", "action": "\(action.name.rawValue)", "status": "\(ticket.status.rawValue)"])
        return view(ticket, attachments: attachments, for: principal)
    }

    /// One workflow step inside the caller's write transaction: the version check, the
    /// core's decision, the new state and its ledger event.
    static func apply(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?, by principal: Principal,
                      scope: VisibilityScope, workflow: TicketWorkflow, policy: ReminderPolicy, now: Date,
                      chainHead: LedgerChainHead? = nil, db: Database) throws -> (Ticket, LedgerEvent) {
        let current = try loadVisibleTicket(ticketID, scope: scope, db: db)
        if let expectedVersion {
            let version = try Int64.fetchOne(db, sql: "SELECT ledger_length FROM ticket WHERE id = ?", arguments: [ticketID]) ?? 0
            guard version == expectedVersion else {
                throw IntakeError.versionMismatch(ticket: ticketID, current: version, expected: expectedVersion)
            }
        }
        var target: Ticket?
        if case .linkDuplicate(let original) = action {
            target = try loadVisibleTicket(original, scope: scope, db: db)
        }
        let (next, entry) = try workflow.apply(action, to: current, by: principal, at: now, note: note, duplicateTarget: target)
        try TicketPersistence.update(next, nextDeadlineCheck: TicketPersistence.nextDeadlineCheck(next, policy: policy, now: now), db: db)
        let event = try TicketPersistence.appendLedger(ticketID: next.id, draft: entry, chainHead: chainHead, db: db)
        return (next, event)
    }

    /// Loads a ticket through the principal's visibility condition. A ticket that exists but
    /// is outside it is a permission error, not a silent "not found".
    static func loadVisibleTicket(_ id: TicketID, scope: VisibilityScope, db: Database) throws -> Ticket {
        if let row = try Row.fetchOne(db, sql: "SELECT t.* FROM ticket t WHERE t.id = ? AND \(scope.condition)",
                                      arguments: [id] + scope.statementArguments) {
            return try RowCoding.ticket(row)
        }
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM ticket WHERE id = ?)", arguments: [id]) == true {
            throw IntakeError.permissionDenied("ticket \(id) is outside what you may see: \(scope.explanation)")
        }
        throw IntakeError.notFound("ticket \(id)")
    }

    static func attachments(of ticketID: TicketID, db: Database) throws -> [AttachmentInfo] {
        try Row.fetchAll(db, sql: "SELECT * FROM attachment WHERE ticket_id = ? ORDER BY created_at, id", arguments: [ticketID])
            .map(RowCoding.attachment)
    }

    func view(_ ticket: Ticket, attachments: [AttachmentInfo], for principal: Principal) -> TicketView {
        Self.view(ticket, attachments: attachments, for: principal)
    }

    static func view(_ ticket: Ticket, attachments: [AttachmentInfo], for principal: Principal) -> TicketView {
        TicketView(showing: ticket, attachments: attachments, to: principal)
    }
}

extension TicketView {
    /// The ticket as `principal` may see it: the phone masked and the other contact details
    /// left out unless they see them in full.
    public init(showing ticket: Ticket, attachments: [AttachmentInfo], to principal: Principal) {
        var shown = ticket
        let full = ActionPolicy.seesFullPhone(ticket, principal: principal)
        if !full {
            shown.reporter.phone = PhoneMasking.mask(ticket.reporter.phone)
            // Email, device and account have no useful partial form: not shown at all.
            shown.reporter.email = nil
            shown.reporter.deviceID = nil
            shown.reporter.accountID = nil
        }
        self.init(ticket: shown, attachments: attachments, isPhoneMasked: !full)
    }
}
