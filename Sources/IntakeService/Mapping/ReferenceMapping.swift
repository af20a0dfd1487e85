import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos
import TownshipServiceKit

/// Reference data (villages, grids, departments, categories, calendar) as the wire shows it.
enum ReferenceMapping {
    static func text(_ zh: String) -> Township_Common_V1_LocalizedText {
        var t = Township_Common_V1_LocalizedText(); t.zh = zh; return t
    }

    static func village(_ v: IntakeCore.Village) -> Township_Intake_V1_Village {
        var w = Township_Intake_V1_Village()
        w.id.value = v.id; w.name = text(v.name); w.kind = v.kind == .community ? .community : .village; w.active = true
        if let c = v.center { w.center.latitude = c.latitude; w.center.longitude = c.longitude }
        return w
    }

    static func grid(_ g: IntakeCore.Grid, workers: [IntakeCore.GridWorker]) -> Township_Intake_V1_Grid {
        var w = Township_Intake_V1_Grid()
        w.id.value = g.id; w.villageID.value = g.villageID; w.name = text(g.name); w.active = true
        w.workers = workers.map { worker in
            var gw = Township_Intake_V1_GridWorker()
            gw.userID.value = worker.userID; gw.displayName = worker.name
            gw.level = Township_Intake_V1_GridWorkerLevel(rawValue: worker.level) ?? .unspecified
            return gw
        }
        return w
    }

    static func department(_ d: IntakeCore.Department) -> Township_Intake_V1_Department {
        var w = Township_Intake_V1_Department()
        w.id.value = d.id; w.name = text(d.name); w.active = true
        w.categoryIds = d.categoryIDs.map { var c = Township_Common_V1_CategoryId(); c.value = $0; return c }
        return w
    }

    static func category(_ c: IntakeCore.Category, policy: ReminderPolicy) -> Township_Intake_V1_Category {
        var w = Township_Intake_V1_Category()
        w.id.value = c.id
        if let p = c.parentID { w.parentID.value = p }
        w.name = text(c.name); w.kind = ProtoEnums.categoryKind(c.kind); w.active = true
        switch c.deadlineRule {
        case .sameDay: w.deadlineRule.unit = .sameDay
        case .workingDays(let n): w.deadlineRule.unit = .workingDays; w.deadlineRule.workingDays = Int32(clamping: n)
        case .hours(let h): w.deadlineRule.unit = .sameDay; w.deadlineRule.workingDays = Int32(clamping: (h + 23) / 24)
        }
        if let lead = policy.reminderLeadTimes.first { w.deadlineRule.remindBefore = Google_Protobuf_Duration(rounding: TimeInterval(lead), rule: .toNearestOrAwayFromZero) }
        if let delay = policy.escalationDelays.last { w.deadlineRule.escalateAfter = Google_Protobuf_Duration(rounding: TimeInterval(delay), rule: .toNearestOrAwayFromZero) }
        return w
    }

    /// Pages reference lists by offset: they are small and change rarely.
    static func page<T>(_ items: [T], _ request: Township_Common_V1_PageRequest) throws -> ([T], Township_Common_V1_PageResponse) {
        let size = request.pageSize <= 0 ? 500 : min(Int(request.pageSize), 1000)
        var start = 0
        if !request.cursor.isEmpty {
            guard let n = Int(request.cursor), n >= 0, n <= items.count else {
                throw ServiceError.make(.invalidArgument, reason: "CURSOR_MISMATCH", "invalid page cursor",
                                        violations: [(field: "page.cursor", description: "not a cursor issued by this list")])
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
