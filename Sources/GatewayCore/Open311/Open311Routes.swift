import Foundation
import Hummingbird
import SwiftProtobuf
import TownshipProtos

/// Open311 GeoReport v2 (JSON format) on top of intake: services are intake's categories,
/// requests are its tickets (status "open" or "closed"). Clients send their session token as
/// `Authorization: Bearer` (GeoReport's `api_key` parameter is not taken: a token in a URL ends
/// up in logs). Township extension: POST needs `village_id`, the village the problem is in.
/// Failures are answered in GeoReport's error format (`Open311ErrorMiddleware`).
struct Open311Routes {
    let intake: IntakeBackend

    static let closedStatuses: [Township_Intake_V1_TicketStatus] = [.closed, .rejected, .duplicate]

    func add(to table: RouteTable) {
        let methods = Township_Intake_V1_Intake.self
        table.add(.get, "/open311/v2/services.json", roles: IntakeRoles.read) { _, _, user in
            let response = try await intake.call(methods.listCategories, .init(), for: user)
            let services: [JSONValue] = response.categories.map { category in
                .object([
                    ("service_code", .string(category.id.value)),
                    ("service_name", .string(category.name.zh)),
                    ("description", .string(category.name.en.isEmpty ? category.name.zh : category.name.en)),
                    ("metadata", .bool(false)), ("type", .string("realtime")), ("keywords", .string("")),
                    ("group", .string(category.parentID.value)),
                ])
            }
            return jsonResponse(JSONValue.array(services).render())
        }
        table.add(.get, "/open311/v2/requests.json", roles: IntakeRoles.read) { request, _, user in
            let query = request.uri.queryParameters
            var list = Township_Intake_V1_ListTicketsRequest()
            switch query.get("status") {
            case nil: break
            case "open": list.filter.statuses = TicketStatusNames.open
            case "closed": list.filter.statuses = Self.closedStatuses
            case let other?: throw GatewayError.badRequest("status must be open or closed, not '\(other)'")
            }
            list.filter.categoryIds = query.getAll("service_code").flatMap { $0.split(separator: ",") }.map { code in .with { $0.value = String(code) } }
            list.page.pageSize = 100
            let response = try await intake.call(methods.listTickets, list, for: user)
            return jsonResponse(JSONValue.array(response.tickets.map(Self.serviceRequest)).render())
        }
        table.add(.get, "/open311/v2/requests/{id}.json", roles: IntakeRoles.read) { _, context, user in
            var get = Township_Intake_V1_GetTicketRequest()
            get.ticketID.value = try context.parameters.require("id")
            let response = try await intake.call(methods.getTicket, get, for: user)
            return jsonResponse(JSONValue.array([Self.serviceRequest(response.ticket)]).render())
        }
        table.add(.post, "/open311/v2/requests.json", roles: IntakeRoles.submit) { request, context, user in
            let form = try await Self.form(request, context: context)
            let submit = try Self.submission(form)
            let response = try await intake.call(methods.submitTicket, submit, for: user, idempotencyKey: submit.clientRequestID)
            let answer = JSONValue.array([.object([
                ("service_request_id", .string(response.ticket.id.value)),
                ("service_notice", .string("已受理编号 \(response.ticket.number)")),
            ])])
            return jsonResponse(answer.render(), status: .created)
        }
    }

    static func serviceRequest(_ ticket: Township_Intake_V1_Ticket) -> JSONValue {
        let place = ticket.submission.place
        var members: [(String, JSONValue)] = [
            ("service_request_id", .string(ticket.id.value)),
            ("status", .string(closedStatuses.contains(ticket.status) ? "closed" : "open")),
            ("status_notes", .string(ticket.result)),
            ("service_code", .string(ticket.submission.categoryID.value)),
            ("description", .string(ticket.submission.problemDescription)),
            ("requested_datetime", .string(iso(ticket.createdAt))),
            ("updated_datetime", .string(iso(ticket.updatedAt))),
            ("address", .string(place.address)),
        ]
        if place.hasLocation {
            members.append(("lat", .number(place.location.latitude)))
            members.append(("long", .number(place.location.longitude)))
        }
        return .object(members)
    }

    static func iso(_ timestamp: Google_Protobuf_Timestamp) -> String {
        ISO8601DateFormatter().string(from: timestamp.date)
    }

    static func form(_ request: Request, context: GatewayRequestContext) async throws -> Open311Form {
        guard let type = request.headers[.contentType], MediaType(from: type)?.isType(.applicationUrlEncoded) == true else {
            throw GatewayError(
                .unsupportedMediaType, code: "INVALID_ARGUMENT", reason: "UNSUPPORTED_MEDIA_TYPE",
                "send the request as Content-Type: application/x-www-form-urlencoded")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw GatewayError(.contentTooLarge, code: "INVALID_ARGUMENT", reason: "BODY_TOO_LARGE", "the body is larger than \(context.maxUploadSize) bytes")
        }
        return try Open311Form.parse(body)
    }

    static func submission(_ form: Open311Form) throws -> Township_Intake_V1_SubmitTicketRequest {
        guard let description = form.description, !description.isEmpty else { throw GatewayError.badRequest("description is required") }
        guard let village = form.villageID, !village.isEmpty else {
            throw GatewayError.badRequest("village_id is required (the village or community the problem is in)")
        }
        var submit = Township_Intake_V1_SubmitTicketRequest()
        submit.clientRequestID = form.clientRequestID ?? UUID().uuidString
        submit.submission.channel = .other
        submit.submission.problemDescription = description
        submit.submission.place.villageID.value = village
        if let code = form.serviceCode, !code.isEmpty { submit.submission.categoryID.value = code }
        if let address = form.address { submit.submission.place.address = address }
        if let lat = form.latitude, let long = form.longitude {
            guard let latitude = Double(lat), let longitude = Double(long), (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                throw GatewayError.badRequest("lat and long must be WGS-84 degrees")
            }
            submit.submission.place.location.latitude = latitude
            submit.submission.place.location.longitude = longitude
        }
        submit.reporter.name = [form.lastName, form.firstName].compactMap { $0 }.joined()
        if let phone = form.phone { submit.reporter.phone = phone }
        submit.note = "Open311"
        return submit
    }
}
