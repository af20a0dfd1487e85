import LiaisonCore
import SwiftProtobuf
import TownshipProtos
import TownshipServiceKit

/// Core values to their township.liaison.v1 messages and back.
enum ProtoMapping {
    static func timestamp(_ instant: Instant) -> Google_Protobuf_Timestamp {
        Google_Protobuf_Timestamp(seconds: instant.secondsSinceEpoch, nanos: 0)
    }

    static func userID(_ value: String) -> Township_Common_V1_UserId {
        var id = Township_Common_V1_UserId(); id.value = value; return id
    }

    static func departmentID(_ value: String) -> Township_Common_V1_DepartmentId {
        var id = Township_Common_V1_DepartmentId(); id.value = value; return id
    }

    static func money(fen: Int64) -> Township_Common_V1_Money {
        var m = Township_Common_V1_Money(); m.amountFen = fen; m.currencyCode = "CNY"; return m
    }

    // MARK: enums

    static func origin(_ o: LiaisonOrigin) -> Township_Liaison_V1_LiaisonOrigin {
        switch o { case .zoneDepartment: .zoneDepartment; case .provincial: .provincial; case .municipal: .municipal }
    }

    static func origin(_ o: Township_Liaison_V1_LiaisonOrigin) throws -> LiaisonOrigin {
        switch o {
        case .zoneDepartment: return .zoneDepartment
        case .provincial: return .provincial
        case .municipal: return .municipal
        default: throw ServiceError.invalidArgument(field: "liaison.origin", "ZONE_DEPARTMENT, PROVINCIAL or MUNICIPAL")
        }
    }

    static func kind(_ k: OrganisationKind) -> Township_Liaison_V1_OrganisationKind {
        switch k { case .enterprise: .enterprise; case .socialOrganisation: .socialOrganisation }
    }

    static func kind(_ k: Township_Liaison_V1_OrganisationKind) throws -> OrganisationKind {
        switch k {
        case .enterprise: return .enterprise
        case .socialOrganisation: return .socialOrganisation
        default: throw ServiceError.invalidArgument(field: "organisation.kind", "ENTERPRISE or SOCIAL_ORGANISATION")
        }
    }

    static let helpKinds: [(HelpKind, Township_Liaison_V1_HelpKind)] = [
        (.recruiting, .recruiting), (.taxBenefit, .taxBenefit), (.partyOrganisation, .partyOrganisation),
        (.massOrganisation, .massOrganisation), (.safetyAgreement, .safetyAgreement), (.suggestion, .suggestion),
    ]
    static let types: [(ProblemType, Township_Liaison_V1_ProblemType)] = [(.individual, .individual), (.common, .common), (.difficult, .difficult)]
    static let states: [(ProblemState, Township_Liaison_V1_ProblemState)] = [
        (.filed, .filed), (.merged, .merged), (.published, .published), (.claimed, .claimed), (.answered, .answered), (.cleared, .cleared),
    ]
    static let timelineKinds: [(TimelineKind, Township_Liaison_V1_TimelineKind)] = [
        (.filed, .filed), (.retyped, .retyped), (.merged, .merged), (.published, .published), (.claimed, .claimed), (.assigned, .assigned),
        (.reminded, .reminded), (.overdue, .overdue), (.unclaimedPastWindow, .unclaimedPastWindow), (.answered, .answered),
        (.progressReported, .progressReported), (.progressOverdue, .progressOverdue), (.confirmed, .confirmed), (.cleared, .cleared),
        (.referred, .referred), (.ticketCreated, .ticketCreated),
    ]
    static let referralStates: [(ReferralState, Township_Liaison_V1_ReferralState)] = [(.pending, .pending), (.submitted, .submitted)]

    static func wire<A: Equatable, B>(_ value: A, _ table: [(A, B)]) -> B { table.first { $0.0 == value }!.1 }

    static func core<A, B: Equatable>(_ value: B, _ table: [(A, B)], field: String) throws -> A {
        guard let match = table.first(where: { $0.1 == value }) else {
            throw ServiceError.invalidArgument(field: field, "not a known value (UNSPECIFIED is not allowed)")
        }
        return match.0
    }

    // MARK: messages

    static func liaison(_ l: Liaison) -> Township_Liaison_V1_Liaison {
        var w = Township_Liaison_V1_Liaison()
        w.liaisonID = userID(l.id); w.name = l.name; w.origin = origin(l.origin)
        if let d = l.departmentID { w.departmentID = departmentID(d) }
        return w
    }

    static func liaison(_ w: Township_Liaison_V1_Liaison) throws -> Liaison {
        Liaison(id: w.liaisonID.value, name: w.name, origin: try origin(w.origin),
                departmentID: w.departmentID.value.isEmpty ? nil : w.departmentID.value)
    }

    static func organisation(_ o: Organisation, liaison: String?) -> Township_Liaison_V1_Organisation {
        var w = Township_Liaison_V1_Organisation()
        w.organisationID = o.id; w.name = o.name; w.kind = kind(o.kind); w.creditCode = o.creditCode
        if let liaison { w.liaisonID = userID(liaison) }
        return w
    }

    static func organisation(_ w: Township_Liaison_V1_Organisation) throws -> Organisation {
        Organisation(id: w.organisationID, name: w.name, kind: try kind(w.kind), creditCode: w.creditCode)
    }

    static func assignment(_ a: Assignment) -> Township_Liaison_V1_Assignment {
        var w = Township_Liaison_V1_Assignment()
        w.organisationID = a.organisationID; w.liaisonID = userID(a.liaisonID); w.from = timestamp(a.from)
        if let until = a.until { w.until = timestamp(until) }
        return w
    }

    static func visit(_ v: Visit) -> Township_Liaison_V1_Visit {
        var w = Township_Liaison_V1_Visit()
        w.visitID = v.id; w.liaisonID = userID(v.liaisonID); w.organisationID = v.organisationID
        w.date = v.date.description; w.findings = v.findings; w.followUps = v.followUps
        return w
    }

    static func date(_ text: String, field: String) throws -> LocalDate {
        guard let date = LocalDate(text) else { throw ServiceError.invalidArgument(field: field, "a day written YYYY-MM-DD") }
        return date
    }

    static func help(_ h: HelpRecord) -> Township_Liaison_V1_HelpRecord {
        var w = Township_Liaison_V1_HelpRecord()
        w.helpID = h.id; w.liaisonID = userID(h.liaisonID); w.organisationID = h.organisationID
        w.date = h.date.description; w.kind = wire(h.kind, helpKinds); w.note = h.note
        switch h.kind {
        case .recruiting: w.hires = h.amount
        case .taxBenefit: w.taxBenefit = money(fen: h.amount)
        default: break
        }
        return w
    }

    /// The amount a help record counts: hires, fen (CNY only), or 1.
    static func helpAmount(_ w: Township_Liaison_V1_HelpRecord, kind: HelpKind) throws -> Int64 {
        switch kind {
        case .recruiting: return w.hires
        case .taxBenefit:
            guard w.taxBenefit.currencyCode == "CNY" else {
                throw ServiceError.invalidArgument(field: "help.tax_benefit.currency_code", "tax benefits are in CNY")
            }
            return w.taxBenefit.amountFen
        default: return 1
        }
    }

    static func item(_ i: ProblemItem, now: Instant) -> Township_Liaison_V1_ProblemItem {
        var w = Township_Liaison_V1_ProblemItem()
        w.itemID = i.id; w.period = i.period.description; w.type = wire(i.type, types); w.title = i.title
        w.description_p = i.description; w.state = wire(i.state, states)
        w.sources = i.sources.map { s in
            var ws = Township_Liaison_V1_ProblemSource()
            ws.organisationID = s.organisationID; ws.liaisonID = userID(s.liaisonID); ws.filedAt = timestamp(s.filedAt)
            ws.originalItemID = s.originalItemID
            return ws
        }
        w.mergedInto = i.mergedInto ?? 0
        w.mergedFrom = i.mergedFrom
        if let t = i.publishedAt { w.publishedAt = timestamp(t) }
        if let d = i.department { w.departmentID = departmentID(d) }
        w.assignedByOffice = i.assignedByOffice
        if let t = i.claimedAt { w.claimedAt = timestamp(t) }
        if let t = i.solutionDueAt { w.solutionDueAt = timestamp(t) }
        w.overdue = i.isOverdue(at: now)
        w.solution = i.solution ?? ""
        if let t = i.answeredAt { w.answeredAt = timestamp(t) }
        w.answeredOnTime = i.answeredOnTime ?? false
        w.progress = i.progress.map { p in
            var wp = Township_Liaison_V1_ProgressReport(); wp.at = timestamp(p.at); wp.note = p.note; return wp
        }
        if let t = i.progressDueAt { w.progressDueAt = timestamp(t) }
        w.progressOverdue = i.progressOverdueAt != nil
        if let t = i.confirmedAt { w.confirmedAt = timestamp(t) }
        if let t = i.clearedAt { w.clearedAt = timestamp(t) }
        w.timeline = i.timeline.map { e in
            var we = Township_Liaison_V1_TimelineEntry()
            we.at = timestamp(e.at); we.kind = wire(e.kind, timelineKinds); we.actor = e.actor; we.note = e.note
            return we
        }
        if let r = i.referral { w.referral = referral(r) }
        return w
    }

    static func referral(_ r: Referral) -> Township_Liaison_V1_Referral {
        var w = Township_Liaison_V1_Referral()
        w.state = wire(r.state, referralStates)
        w.villageID.value = r.villageID
        w.requestedAt = timestamp(r.requestedAt)
        w.requestedBy = r.requestedBy
        if let id = r.ticketID { w.ticketID.value = id }
        w.ticketNumber = r.ticketNumber ?? ""
        w.ticketStatus = r.ticketStatus ?? ""
        if let t = r.ticketCreatedAt { w.ticketCreatedAt = timestamp(t) }
        if let t = r.statusCheckedAt { w.statusCheckedAt = timestamp(t) }
        w.attempts = Int32(clamping: r.attempts)
        w.lastError = r.lastError ?? ""
        return w
    }

    static func counts(_ c: ProblemCounts) -> Township_Liaison_V1_ProblemCounts {
        var w = Township_Liaison_V1_ProblemCounts()
        w.published = Int32(c.published); w.claimed = Int32(c.claimed); w.assigned = Int32(c.assigned)
        w.unclaimed = Int32(c.unclaimed); w.answered = Int32(c.answered); w.answeredOnTime = Int32(c.answeredOnTime)
        w.overdue = Int32(c.overdue); w.cleared = Int32(c.cleared)
        w.claimRatePermille = Int32(c.claimRatePermille); w.answeredOnTimePermille = Int32(c.answeredOnTimePermille)
        w.clearedPermille = Int32(c.clearedPermille)
        return w
    }

    static func help(_ t: HelpTotals) -> Township_Liaison_V1_HelpFigures {
        var w = Township_Liaison_V1_HelpFigures()
        w.zoneDepartmentLiaisons = Int32(t.liaisons[.zoneDepartment] ?? 0)
        w.provincialLiaisons = Int32(t.liaisons[.provincial] ?? 0)
        w.municipalLiaisons = Int32(t.liaisons[.municipal] ?? 0)
        w.enterprises = Int32(t.organisations[.enterprise] ?? 0)
        w.socialOrganisations = Int32(t.organisations[.socialOrganisation] ?? 0)
        w.visits = Int32(t.visits); w.hires = t.hires; w.taxBenefits = money(fen: t.taxBenefitFen)
        w.partyOrganisations = Int32(t.partyOrganisations); w.massOrganisations = Int32(t.massOrganisations)
        w.suggestions = Int32(t.suggestions); w.safetyAgreements = Int32(t.safetyAgreements)
        return w
    }

    static func period(_ text: String) throws -> ProblemPeriod? {
        text.isEmpty ? nil : try ProblemPeriod.parse(text)
    }

    /// A page of an in-memory list: size 1 to `limits.maxPageSize` (larger asks get that many;
    /// 0 gets the default); the cursor is the offset.
    static func page<T>(limits: LiaisonLimits, _ items: [T], _ request: Township_Common_V1_PageRequest) throws -> ([T], Township_Common_V1_PageResponse) {
        guard request.pageSize >= 0 else { throw ServiceError.invalidArgument(field: "page.page_size", "must not be negative") }
        let size = request.pageSize == 0 ? min(limits.defaultPageSize, limits.maxPageSize) : min(Int(request.pageSize), limits.maxPageSize)
        var start = 0
        if !request.cursor.isEmpty {
            guard let n = Int(request.cursor), n >= 0, n <= items.count else {
                throw ServiceError.invalidArgument(field: "page.cursor", "not a cursor issued by this list")
            }
            start = n
        }
        let end = min(start + size, items.count)
        var response = Township_Common_V1_PageResponse()
        response.totalSize = Int64(items.count)
        if end < items.count { response.nextCursor = String(end) }
        return (Array(items[start..<end]), response)
    }
}
