import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos
import TownshipServiceKit

/// A wire `TicketFilter` and page as the core's query. Ids lists are bounded: a peer controls them.
enum FilterMapping {
    static let maxListedValues = 100
    static let maxQueryLength = 200

    static func filter(_ w: Township_Intake_V1_TicketFilter) throws -> IntakeCore.TicketFilter {
        func ids<T>(_ values: [T], _ field: String, _ value: (T) -> String) throws -> Set<String> {
            guard values.count <= maxListedValues else {
                throw ServiceError.invalidArgument(field: "filter.\(field)", "at most \(maxListedValues) values")
            }
            return Set(values.map(value))
        }
        var f = IntakeCore.TicketFilter()
        f.statuses = Set(w.statuses.flatMap(ProtoEnums.statuses))
        f.villageIDs = try ids(w.villageIds, "village_ids") { $0.value }
        f.gridIDs = try ids(w.gridIds, "grid_ids") { $0.value }
        f.categoryIDs = try ids(w.categoryIds, "category_ids") { $0.value }
        f.departmentIDs = try ids(w.departmentIds, "department_ids") { $0.value }
        guard w.ownerIds.count <= 1 else {
            throw ServiceError.invalidArgument(field: "filter.owner_ids", "at most one owner can be selected")
        }
        f.ownerUserID = w.ownerIds.first?.value
        f.channels = Set(w.channels.compactMap(ProtoEnums.channel))
        guard w.ticketIds.count <= maxListedValues else {
            throw ServiceError.invalidArgument(field: "filter.ticket_ids", "at most \(maxListedValues) values")
        }
        // A well-formed id that is none of ours selects nothing (as the field's comment says).
        var unknownID = false
        for (i, wire) in w.ticketIds.enumerated() {
            try WireIDs.validate(wire.value, field: "filter.ticket_ids[\(i)]")
            if let id = TicketID(wire.value), id > 0, String(id) == wire.value { f.ticketIDs.insert(id) } else { unknownID = true }
        }
        if unknownID && f.ticketIDs.isEmpty { f.ticketIDs = [0] }  // ids start at 1: matches nothing
        f.onlyOverdue = w.hasOverdue && w.overdue
        if w.hasCreated { try TimeRangeMapping.apply(w.created, field: "filter.created", to: &f) }
        let query = w.query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard query.count <= maxQueryLength else {
            throw ServiceError.invalidArgument(field: "filter.query", "at most \(maxQueryLength) characters")
        }
        if !query.isEmpty { f.text = query }
        return f
    }

    static func page(_ w: Township_Common_V1_PageRequest) throws -> IntakeCore.PageRequest {
        guard w.pageSize >= 0 else { throw ServiceError.invalidArgument(field: "page.page_size", "must not be negative") }
        let size = w.pageSize == 0 ? 50 : min(Int(w.pageSize), IntakeCore.PageRequest.maxLimit)
        return IntakeCore.PageRequest(limit: size, cursor: w.cursor.isEmpty ? nil : w.cursor)
    }
}

/// The core's statistics as the wire's `GetStatisticsResponse`: rates as exact fractions of
/// the counts behind them, linked duplicates as their own status.
enum StatisticsMapping {
    static func response(_ s: TicketStatistics, range: Township_Common_V1_TimeRange?, now: Date) -> Township_Intake_V1_GetStatisticsResponse {
        var w = Township_Intake_V1_GetStatisticsResponse()
        if let range { w.created = range }
        w.computedAt = TicketMapping.timestamp(now)
        w.overall = figures(s.overall)
        if let m = s.medianTimeToClose { w.overall.medianTimeToClose = Google_Protobuf_Duration(rounding: m, rule: .toNearestOrAwayFromZero) }
        var byStatus: [(Township_Intake_V1_TicketStatus, Int)] = s.byStatus.map { (ProtoEnums.status($0.key), $0.value) }
        if s.overall.duplicates > 0 {
            byStatus = byStatus.map { $0.0 == .closed ? ($0.0, $0.1 - s.overall.duplicates) : $0 } + [(.duplicate, s.overall.duplicates)]
        }
        w.byStatus = byStatus.filter { $0.1 > 0 }.sorted { $0.0.rawValue < $1.0.rawValue }.map { status, count in
            var c = Township_Intake_V1_StatusCount(); c.status = status; c.count = Int64(count); return c
        }
        w.byCategory = s.byCategory.sorted { $0.key < $1.key }.map { id, f in
            var c = Township_Intake_V1_CategoryFigures()
            if !id.isEmpty { c.categoryID.value = id }
            c.figures = figures(f)
            return c
        }
        w.byVillage = s.byVillage.sorted { $0.key < $1.key }.map { id, f in
            var c = Township_Intake_V1_VillageFigures(); c.villageID.value = id; c.figures = figures(f); return c
        }
        // Only departments tickets were dispatched to; the never-dispatched are not a department.
        w.byDepartment = s.byDepartment.filter { !$0.key.isEmpty }.sorted { $0.key < $1.key }.map { id, f in
            var c = Township_Intake_V1_DepartmentFigures(); c.departmentID.value = id; c.figures = figures(f); return c
        }
        return w
    }

    static func figures(_ f: TicketFigures) -> Township_Intake_V1_Figures {
        var w = Township_Intake_V1_Figures()
        w.ticketCount = Int64(f.total)
        w.openCount = Int64(f.open)
        w.closedCount = Int64(f.closed - f.duplicates)
        w.overdueCount = Int64(f.overdue)
        if f.total > 0 { w.responseRate = rate(f.responded, f.total) }
        if f.withOutcome > 0 { w.resolutionRate = rate(f.fixed, f.withOutcome) }
        if f.followedUp > 0 { w.satisfactionRate = rate(f.satisfied, f.followedUp) }
        if f.replied > 0 { w.onTimeRate = rate(f.repliedOnTime, f.replied) }
        return w
    }

    static func rate(_ numerator: Int, _ denominator: Int) -> Township_Intake_V1_Rate {
        var r = Township_Intake_V1_Rate()
        r.numerator = Int64(numerator)
        r.denominator = Int64(denominator)
        return r
    }
}
