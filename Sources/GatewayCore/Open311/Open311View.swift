import Foundation
import SwiftProtobuf
import TownshipProtos

/// What GeoReport v2 shows of intake's data: the spec's fields, and nothing of the reporter.
/// A request never carries a reporter's name, phone, email, device or account, whatever the
/// principal it was read with saw; its point is rounded or replaced by the village centre
/// (`open311.publicLocation`).
struct Open311View: Sendable {
    let catalog: Open311Catalog
    let location: Open311Settings.PublicLocation

    static let closedStatuses: [Township_Intake_V1_TicketStatus] = [.closed, .rejected, .duplicate]

    // MARK: Services

    func services() -> Open311Document {
        var items: [Open311Value] = catalog.orderedCategories.filter(\.active).map { category in
            service(code: category.id.value, name: Open311Catalog.name(category.name), description: category.name.en,
                    group: category.hasParentID ? catalog.categories[category.parentID.value].map { Open311Catalog.name($0.name) } : nil,
                    keywords: Self.kindKeyword(category.kind))
        }
        items.append(service(code: Open311Catalog.uncategorisedCode, name: "未分类", description: "Not classified yet: the township classifies it",
                             group: nil, keywords: ""))
        return Open311Document(root: "services", body: .list(item: "service", items))
    }

    private func service(code: String, name: String, description: String, group: String?, keywords: String) -> Open311Value {
        .record([
            ("service_code", .string(code)), ("service_name", .string(name)),
            ("description", .string(description.isEmpty ? name : description)),
            // Every service has the `village_id` attribute (see `definition`).
            ("metadata", .bool(true)), ("type", .string("realtime")), ("keywords", .string(keywords)),
            ("group", .string(group ?? "")),
        ])
    }

    static func kindKeyword(_ kind: Township_Intake_V1_CategoryKind) -> String {
        switch kind {
        case .urgent: "urgent"
        case .enquiry: "enquiry"
        case .help: "help"
        case .complaint: "complaint"
        case .proposal: "proposal"
        default: ""
        }
    }

    /// A service definition: the one extra field every category takes, the village the problem
    /// is in, for clients that can give neither `lat`/`long` nor `address_id`. Nil for an
    /// unknown code.
    func definition(code: String) -> Open311Document? {
        guard code == Open311Catalog.uncategorisedCode || catalog.categories[code]?.active == true else { return nil }
        let villages: [Open311Value] = catalog.orderedVillages.filter(\.active).map { village in
            .record([("key", .string(village.id.value)), ("name", .string(Open311Catalog.name(village.name)))])
        }
        let attribute: Open311Value = .record([
            ("variable", .bool(true)), ("code", .string("village_id")), ("datatype", .string("singlevaluelist")),
            ("required", .bool(false)),
            ("datatype_description", .string("The village or community the problem is in, when lat/long and address_id are not given")),
            ("order", .integer(1)), ("description", .string("村/社区 (village or community)")),
            ("values", .list(item: "value", villages)),
        ])
        return Open311Document(root: "service_definition", body: .record([
            ("service_code", .string(code)), ("attributes", .list(item: "attribute", [attribute])),
        ]))
    }

    // MARK: Requests

    func requests(_ tickets: [Township_Intake_V1_Ticket]) -> Open311Document {
        Open311Document(root: "service_requests", body: .list(item: "request", tickets.map(request)))
    }

    func request(_ ticket: Township_Intake_V1_Ticket) -> Open311Value {
        let submission = ticket.submission
        let place = submission.place
        let code = submission.categoryID.value
        let category = code.isEmpty ? nil : catalog.categories[code]
        let (latitude, longitude) = point(of: ticket)
        return .record([
            ("service_request_id", .string(ticket.id.value)),
            ("status", .string(Self.closedStatuses.contains(ticket.status) ? "closed" : "open")),
            ("status_notes", .text(ticket.result)),
            ("service_name", .string(category.map { Open311Catalog.name($0.name) } ?? "未分类")),
            ("service_code", .string(code.isEmpty ? Open311Catalog.uncategorisedCode : code)),
            ("description", .string(submission.problemDescription)),
            ("agency_responsible", .text(agency(of: ticket))),
            ("service_notice", .string("受理编号 \(ticket.number)")),
            ("requested_datetime", .string(Self.w3c(ticket.createdAt))),
            ("updated_datetime", .string(Self.w3c(ticket.updatedAt))),
            ("expected_datetime", ticket.hasDeadline && ticket.deadline.hasDueAt ? .string(Self.w3c(ticket.deadline.dueAt)) : .null),
            ("address", .text(place.address)),
            ("address_id", .text(submission.addressID)),
            ("zipcode", .text(submission.zipcode)),
            ("lat", latitude.map(Open311Value.number) ?? .null),
            ("long", longitude.map(Open311Value.number) ?? .null),
            ("media_url", .text(submission.mediaURL)),
        ])
    }

    /// The department it is dispatched to, else the village handling it, else nobody yet.
    func agency(of ticket: Township_Intake_V1_Ticket) -> String? {
        if ticket.handlerLevel == .department || ticket.hasDepartmentID, let department = catalog.departments[ticket.departmentID.value] {
            return Open311Catalog.name(department.name)
        }
        if ticket.handlerLevel == .village, let village = catalog.villages[ticket.submission.place.villageID.value] {
            return Open311Catalog.name(village.name)
        }
        return nil
    }

    /// The point shown: the ticket's own rounded to 3 decimals (about 110 m) in "rounded"
    /// mode, else (or when it has none) its village's centre; nil when neither is known.
    func point(of ticket: Township_Intake_V1_Ticket) -> (Double?, Double?) {
        let place = ticket.submission.place
        if location == .rounded, place.hasLocation {
            return (Self.rounded(place.location.latitude), Self.rounded(place.location.longitude))
        }
        guard let village = catalog.villages[place.villageID.value], village.hasCenter else { return (nil, nil) }
        return (village.center.latitude, village.center.longitude)
    }

    static func rounded(_ degrees: Double) -> Double {
        (degrees * 1000).rounded() / 1000
    }

    /// A W3C datetime in UTC, e.g. "2026-12-01T08:15:30Z".
    static func w3c(_ timestamp: Google_Protobuf_Timestamp) -> String {
        timestamp.date.formatted(Date.ISO8601FormatStyle())
    }
}
