import Foundation
import Hummingbird
import SwiftProtobuf
import TownshipProtos

/// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) on top of intake, in JSON and XML
/// (`.json`, `.xml`): services are intake's categories (plus `uncategorised`), requests its
/// tickets (status "open" or "closed"). Reads show the public view (`Open311View`) and need a
/// key or a session only when `open311.publicRead` is off; a POST needs an `api_key` or a
/// session (`Open311Access`). `tokens/` is not offered: a POST answers with the request's id at
/// once (the discovery document says so). Failures are GeoReport errors
/// (`Open311ErrorMiddleware`).
struct Open311Routes {
    let intake: IntakeBackend
    let settings: Open311Settings
    let access: Open311Access
    /// "https" when the gateway serves HTTPS itself; for the discovery document's URL.
    let scheme: String
    let catalogs: Open311CatalogCache

    init(intake: IntakeBackend, settings: Open311Settings, access: Open311Access, scheme: String) {
        self.intake = intake
        self.settings = settings
        self.access = access
        self.scheme = scheme
        catalogs = Open311CatalogCache(intake: intake)
    }

    static let prefix = "/open311/v2"

    func add(to table: RouteTable) {
        for format in Open311Format.allCases {
            let ext = format.rawValue
            table.addPublic(.get, "/open311/discovery.\(ext)") { request, _ in
                discovery(request).response(format)
            }
            table.addPublic(.get, "\(Self.prefix)/discovery.\(ext)") { request, _ in
                discovery(request).response(format)
            }
            table.addPublic(.get, "\(Self.prefix)/services.\(ext)") { request, _ in
                try await access.authorizeRead(request)
                try checkJurisdiction(request.uri.queryParameters["jurisdiction_id"].map(String.init))
                return try await view().services().response(format)
            }
            let definition: RouteTable.PublicHandler = { request, context in
                try await access.authorizeRead(request)
                try checkJurisdiction(request.uri.queryParameters["jurisdiction_id"].map(String.init))
                let code = try context.parameters.require("code")
                guard let document = try await view().definition(code: code) else {
                    throw GatewayError.notFound("no service with service_code '\(code)'")
                }
                return document.response(format)
            }
            table.addPublic(.get, "\(Self.prefix)/services/{code}.\(ext)", definition)
            // python-open311 1.1 asks for `service/{code}` (singular).
            table.addPublic(.get, "\(Self.prefix)/service/{code}.\(ext)", definition)
            table.addPublic(.get, "\(Self.prefix)/requests.\(ext)") { request, _ in
                try await access.authorizeRead(request)
                try checkJurisdiction(request.uri.queryParameters["jurisdiction_id"].map(String.init))
                let query = try Open311Query(request.uri.queryParameters, settings: settings)
                async let tickets = Open311TicketReader(intake: intake).tickets(query)
                let view = try await view()
                return view.requests(try await tickets).response(format)
            }
            table.addPublic(.get, "\(Self.prefix)/requests/{id}.\(ext)") { request, context in
                try await access.authorizeRead(request)
                try checkJurisdiction(request.uri.queryParameters["jurisdiction_id"].map(String.init))
                let id = try context.parameters.require("id")
                async let ticket = Open311TicketReader(intake: intake).ticket(id: id)
                let view = try await view()
                return view.requests([try await ticket]).response(format)
            }
            table.addPublic(.post, "\(Self.prefix)/requests.\(ext)") { request, context in
                let form = try await Self.form(request, context: context)
                try checkJurisdiction(form.jurisdictionID ?? request.uri.queryParameters["jurisdiction_id"].map(String.init))
                let user = try await access.writer(request, formKey: form.apiKey)
                let view = try await view()
                let submit = try Open311Submission(form: form, catalog: view.catalog).request
                let response = try await intake.call(
                    Township_Intake_V1_Intake.submitTicket, submit, for: user, idempotencyKey: submit.clientRequestID)
                var members: [(String, Open311Value)] = [
                    ("service_request_id", .string(response.ticket.id.value)),
                    ("service_notice", .string("已受理, 受理编号 \(response.ticket.number)")),
                ]
                members.append(("account_id", .text(form.accountID)))
                return Open311Document(root: "service_requests", body: .list(item: "request", [.record(members)]))
                    .response(format, status: .created)
            }
        }
    }

    func view() async throws -> Open311View {
        Open311View(catalog: try await catalogs.catalog(), location: settings.publicLocation)
    }

    /// The one jurisdiction served; absent or empty (python-open311 sends `jurisdiction_id=`) is it too.
    func checkJurisdiction(_ given: String?) throws {
        guard let given, !given.isEmpty else { return }
        guard given == settings.jurisdictionID else {
            throw GatewayError.notFound("unknown jurisdiction_id '\(given.prefix(100))' (this server serves '\(settings.jurisdictionID)')")
        }
    }

    func discovery(_ request: Request) -> Open311Document {
        let host = request.head.authority ?? "127.0.0.1"
        let changeset = "2026-12-01T00:00:00Z"
        let endpoint: Open311Value = .record([
            ("specification", .string("http://wiki.open311.org/GeoReport_v2")),
            ("url", .string("\(scheme)://\(host)\(Self.prefix)")),
            ("changeset", .string(changeset)), ("type", .string("production")),
            ("formats", .list(item: "format", [.string("text/xml"), .string("application/json")])),
        ])
        return Open311Document(root: "discovery", body: .record([
            ("changeset", .string(changeset)),
            ("contact", .string("The township's service centre (乡镇便民服务中心)")),
            ("key_service", .string("API keys are issued per client application by the township's administrator; "
                + (settings.publicRead ? "reads need none." : "reads and posts need one."))),
            ("endpoints", .list(item: "endpoint", [endpoint])),
            ("notes", .string("tokens/ is not offered: POST requests answers with the service_request_id at once. "
                + "GET requests pages beyond the first \(settings.maxPageSize) with page (1-based) and page_size.")),
        ]))
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
}
