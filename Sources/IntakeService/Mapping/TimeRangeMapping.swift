import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos
import TownshipServiceKit

/// A peer's `TimeRange` as dates, refused when outside what google.protobuf.Timestamp allows
/// (0001-01-01 to 9999-12-31): a larger seconds value would overflow when turned into the
/// store's milliseconds and trap the process.
enum TimeRangeMapping {
    static let allowedSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    static func apply(_ range: Township_Common_V1_TimeRange, field: String, to filter: inout IntakeCore.TicketFilter) throws {
        if range.hasStart { filter.createdFrom = try date(range.start, field: "\(field).start") }
        if range.hasEnd { filter.createdBefore = try date(range.end, field: "\(field).end") }
    }

    static func date(_ timestamp: Google_Protobuf_Timestamp, field: String) throws -> Date {
        guard allowedSeconds.contains(timestamp.seconds), (0..<1_000_000_000).contains(timestamp.nanos) else {
            throw ServiceError.invalidArgument(field: field, "must be a timestamp between 0001-01-01 and 9999-12-31")
        }
        return timestamp.date
    }
}
