import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos

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
        f.onlyOverdue = w.hasOverdue && w.overdue
        if w.hasCreated {
            if w.created.hasStart { f.createdFrom = w.created.start.date }
            if w.created.hasEnd { f.createdBefore = w.created.end.date }
        }
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

/// The core's statistics as the wire's `GetStatisticsResponse`. Rates go out as exact
/// fractions where the core has counts, else as parts per million of the ratio.
enum StatisticsMapping {
    static func response(_ s: TicketStatistics, range: Township_Common_V1_TimeRange?, now: Date) -> Township_Intake_V1_GetStatisticsResponse {
        var w = Township_Intake_V1_GetStatisticsResponse()
        if let range { w.created = range }
        w.computedAt = TicketMapping.timestamp(now)
        var overall = Township_Intake_V1_Figures()
        overall.ticketCount = Int64(s.total)
        let closed = (s.byStatus[.closed] ?? 0) + (s.byStatus[.rejected] ?? 0)
        overall.closedCount = Int64(closed)
        overall.openCount = Int64(s.total - closed)
        overall.overdueCount = Int64(s.overdueCount)
        if let r = s.responseRate { overall.responseRate = rate(r) }
        if let r = s.resolutionRate { overall.resolutionRate = rate(r) }
        if let r = s.satisfactionRate { overall.satisfactionRate = rate(r) }
        if let m = s.medianTimeToClose { overall.medianTimeToClose = Google_Protobuf_Duration(rounding: m, rule: .toNearestOrAwayFromZero) }
        w.overall = overall
        w.byStatus = s.byStatus.sorted { $0.key.rawValue < $1.key.rawValue }.map { status, count in
            var c = Township_Intake_V1_StatusCount(); c.status = ProtoEnums.status(status); c.count = Int64(count); return c
        }
        w.byCategory = s.byCategory.sorted { $0.key < $1.key }.map { id, count in
            var c = Township_Intake_V1_CategoryFigures(); c.categoryID.value = id; c.figures.ticketCount = Int64(count); return c
        }
        w.byVillage = s.byVillage.sorted { $0.key < $1.key }.map { id, count in
            var c = Township_Intake_V1_VillageFigures(); c.villageID.value = id; c.figures.ticketCount = Int64(count); return c
        }
        w.byDepartment = s.byDepartment.sorted { $0.key < $1.key }.map { id, count in
            var c = Township_Intake_V1_DepartmentFigures(); c.departmentID.value = id; c.figures.ticketCount = Int64(count); return c
        }
        return w
    }

    static func rate(_ value: Double) -> Township_Intake_V1_Rate {
        var r = Township_Intake_V1_Rate()
        r.denominator = 1_000_000
        r.numerator = Int64((value * 1_000_000).rounded())
        return r
    }
}
