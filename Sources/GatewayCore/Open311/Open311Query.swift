import Foundation
import Hummingbird
import SwiftProtobuf
import TownshipProtos

/// The query of `GET requests`: GeoReport v2's filters and the gateway's paging extension.
///
/// - `service_request_id`: comma list (repeatable), at most `maxRequestIDs`; when given it
///   overrides every other filter, as the spec says.
/// - `service_code`: comma list (repeatable) of codes.
/// - `start_date`, `end_date`: W3C datetimes (with a zone); a window of at most
///   `open311.defaultWindowDays` (90) days. Neither: the latest window up to now; one of
///   them: the window starting or ending there.
/// - `status`: comma list (repeatable) of `open`, `closed`.
/// - `page` (1-based, at most `open311.maxPageNumber`) and `page_size` (1 to
///   `open311.maxPageSize`, which is also the default: 1000, the spec's limit): the extension
///   for reading beyond the first 1000, newest first.
struct Open311Query: Sendable, Equatable {
    var requestIDs: [String] = []
    var serviceCodes: [String] = []
    var statuses: Set<String> = []
    var start: Date
    var end: Date
    var page = 1
    var pageSize: Int

    /// Ids in one `service_request_id` query at most (intake's limit of a filter's list).
    static let maxRequestIDs = 100

    init(_ parameters: Parameters, settings: Open311Settings, now: Date = Date()) throws {
        func list(_ name: String) -> [String] {
            parameters.getAll(name).flatMap { $0.split(separator: ",") }
                .map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        requestIDs = list("service_request_id")
        guard requestIDs.count <= Self.maxRequestIDs else {
            throw GatewayError.badRequest("at most \(Self.maxRequestIDs) service_request_id values at once")
        }
        serviceCodes = list("service_code")
        guard serviceCodes.count <= Self.maxRequestIDs else { throw GatewayError.badRequest("at most \(Self.maxRequestIDs) service_code values at once") }
        for status in list("status") {
            guard status == "open" || status == "closed" else {
                throw GatewayError.badRequest("status takes open and closed (comma-separated), not '\(status)'")
            }
            statuses.insert(status)
        }
        let window = TimeInterval(settings.defaultWindowDays) * 86_400
        let startDate = try Self.date(parameters, "start_date")
        let endDate = try Self.date(parameters, "end_date")
        switch (startDate, endDate) {
        case (nil, nil): (start, end) = (now.addingTimeInterval(-window), now)
        case (let start?, nil): (self.start, self.end) = (start, start.addingTimeInterval(window))
        case (nil, let end?): (start, self.end) = (end.addingTimeInterval(-window), end)
        case (let start?, let end?):
            guard start <= end else { throw GatewayError.badRequest("start_date must not be after end_date") }
            guard end.timeIntervalSince(start) <= window else {
                throw GatewayError.badRequest("start_date to end_date may span at most \(settings.defaultWindowDays) days")
            }
            (self.start, self.end) = (start, end)
        }
        pageSize = settings.maxPageSize
        page = try Self.integer(parameters, "page", in: 1...settings.maxPageNumber) ?? 1
        pageSize = try Self.integer(parameters, "page_size", in: 1...settings.maxPageSize) ?? settings.maxPageSize
    }

    static func integer(_ parameters: Parameters, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = parameters.get(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw GatewayError.badRequest("\(name) must be an integer within \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A W3C datetime ("2010-01-01T00:00:00Z", "2010-01-01T08:00:00+08:00", fractions allowed).
    static func date(_ parameters: Parameters, _ name: String) throws -> Date? {
        guard let text = parameters.get(name), !text.isEmpty else { return nil }
        guard let date = w3cDate(text) else {
            throw GatewayError.badRequest("\(name) must be a W3C datetime with a zone, e.g. 2026-01-01T00:00:00Z")
        }
        return date
    }

    static func w3cDate(_ text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    /// The intake filter (without paging).
    var filter: Township_Intake_V1_TicketFilter {
        var filter = Township_Intake_V1_TicketFilter()
        if !requestIDs.isEmpty {
            filter.ticketIds = requestIDs.map { id in .with { $0.value = id } }
            return filter
        }
        if statuses.count == 1 {
            filter.statuses = statuses.contains("open") ? TicketStatusNames.open : Open311View.closedStatuses
        }
        // Intake's empty category id selects the tickets not classified yet.
        filter.categoryIds = serviceCodes.map { code in .with { $0.value = code == Open311Catalog.uncategorisedCode ? "" : code } }
        filter.created.start = Google_Protobuf_Timestamp(date: start)
        // end_date is included: intake's end is the first instant excluded.
        filter.created.end = Google_Protobuf_Timestamp(date: end.addingTimeInterval(1))
        return filter
    }
}
