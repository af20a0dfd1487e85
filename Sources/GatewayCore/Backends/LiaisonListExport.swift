import Foundation
import SwiftProtobuf
import TownshipProtos

/// The published problem list of one period as CSV for spreadsheets: UTF-8 with a byte-order
/// mark (so spreadsheet software reads the Chinese text as UTF-8), CRLF line ends, fields
/// quoted when they hold a comma, quote or line break (RFC 4180).
enum LiaisonListExport {
    /// Pages read per export (500 items each): a list longer than 10,000 items is refused
    /// rather than cut short.
    static let maxPages = 20

    static let header = ["编号 item", "期次 period", "类型 type", "状态 state", "标题 title", "描述 description", "企业 organisations",
                         "部门 department", "交办 assigned by office", "答复期限 solution due (UTC+8)", "超期 overdue", "答复 solution",
                         "按时答复 answered on time", "销号 cleared (UTC+8)"]

    static func csv(_ items: [Township_Liaison_V1_ProblemItem]) -> String {
        var lines = [header.map(field).joined(separator: ",")]
        for item in items {
            let row = [
                String(item.itemID), item.period, strip(item.type), strip(item.state), item.title, item.description_p,
                item.sources.map(\.organisationID).joined(separator: " "), item.departmentID.value, item.assignedByOffice ? "是" : "",
                item.hasSolutionDueAt ? local(item.solutionDueAt) : "", item.overdue ? "是" : "", item.solution,
                item.hasAnsweredAt ? (item.answeredOnTime ? "是" : "否") : "", item.hasClearedAt ? local(item.clearedAt) : "",
            ]
            lines.append(row.map(field).joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// "PROBLEM_STATE_CLAIMED" → "CLAIMED".
    static func strip<E: RawRepresentable>(_ value: E) -> String where E.RawValue == Int {
        String(describing: value).uppercased()
    }

    /// "2026-03-23 09:00" in UTC+8.
    static func local(_ timestamp: Google_Protobuf_Timestamp) -> String {
        let seconds = timestamp.seconds + 8 * 3600
        let days = Int(floor(Double(seconds) / 86_400))
        let date = Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year!)-\(two(c.month!))-\(two(c.day!)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
    }
}
