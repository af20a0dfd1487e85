import Foundation
import GatewayCore
import SwiftProtobuf
import Testing
import TownshipProtos

extension GatewaySuites {
    /// Every GeoReport v2 endpoint, in JSON and in XML, field by field against the spec's
    /// tables (`Open311Spec`), and its errors in the spec's format.
    @Suite struct Open311ConformanceTests {
        static let formats = ["json", "xml"]

        /// A categorised, dispatched ticket with a point, a deadline and a reply, and an
        /// uncategorised one with nothing but its village.
        static func seed(_ harness: GatewayHarness) -> (full: String, bare: String) {
            let full = harness.intake.seed(village: "V01", category: "c-power", department: "dept-social", status: .signed)
            harness.intake.modify(full.id.value) { ticket in
                ticket.handlerLevel = .department
                ticket.submission.place.location.latitude = 30.254_49
                ticket.submission.place.location.longitude = 120.163_51
                ticket.submission.place.address = "3rd group, next to the well"
                ticket.submission.addressID = "V01-0042"
                ticket.submission.zipcode = "311100"
                ticket.submission.mediaURL = "https://photos.example/p/1.jpg"
                ticket.deadline.dueAt = Google_Protobuf_Timestamp(seconds: 1_900_000_000)
                ticket.result = "已派电工"
            }
            let bare = harness.intake.seed(village: "V01", category: "", status: .closed)
            return (full.id.value, bare.id.value)
        }

        @Test(arguments: formats) func servicesHaveTheSpecFieldsAndGroupIsAName(_ format: String) async throws {
            try await withGateway { harness in
                let response = try await harness.client.request("GET", "/open311/v2/services.\(format)")
                #expect(response.status == 200, "\(response.body)")
                let services = try #require(Open311Spec.records(response.body, format, root: "services", item: "service"), "\(response.body)")
                #expect(services.map { $0["service_code"] } == ["c-power", "c-infra", "uncategorised"])
                for service in services { Open311Spec.expectFields(service, Open311Spec.serviceFields, format) }
                let power = services[0]
                #expect(power["service_name"] == "临时用电")
                #expect(power["description"] == "Temporary power")
                #expect(power["metadata"] == "true")
                #expect(power["type"] == "realtime")
                #expect(power["keywords"] == "help")
                #expect(power["group"] == "基础设施")
            }
        }

        @Test(arguments: formats) func aServiceDefinitionHasTheSpecFields(_ format: String) async throws {
            try await withGateway { harness in
                for path in ["services", "service"] {
                    let response = try await harness.client.request("GET", "/open311/v2/\(path)/c-power.\(format)")
                    #expect(response.status == 200, "\(response.body)")
                    let definition = try #require(Open311Spec.record(response.body, format, root: "service_definition"), "\(response.body)")
                    Open311Spec.expectFields(definition, Open311Spec.definitionFields, format)
                    #expect(definition["service_code"] == "c-power")
                    let attribute = try #require(definition.nested["attributes"]?.first)
                    Open311Spec.expectFields(attribute, Open311Spec.attributeFields, format)
                    #expect(attribute["variable"] == "true")
                    #expect(attribute["code"] == "village_id")
                    #expect(attribute["datatype"] == "singlevaluelist")
                    #expect(attribute["required"] == "false")
                    #expect(attribute["order"] == "1")
                    let values = try #require(attribute.nested["values"])
                    for value in values { Open311Spec.expectFields(value, Open311Spec.valueFields, format) }
                    #expect(values.map { $0["key"] } == ["V01", "v-west"])
                    #expect(values.first?["name"] == "东村")
                }
                Open311Spec.expectError(try await harness.client.request("GET", "/open311/v2/services/c-nothing.\(format)"), 404, format)
            }
        }

        @Test(arguments: formats) func requestsHaveEveryFieldOfTheSpec(_ format: String) async throws {
            try await withGateway { harness in
                let (full, bare) = Self.seed(harness)
                let response = try await harness.client.request("GET", "/open311/v2/requests.\(format)")
                #expect(response.status == 200, "\(response.body)")
                let requests = try #require(Open311Spec.records(response.body, format, root: "service_requests", item: "request"), "\(response.body)")
                #expect(requests.count == 2)
                for request in requests { Open311Spec.expectFields(request, Open311Spec.requestFields, format) }
                let shown = try #require(requests.first { $0["service_request_id"] == full })
                #expect(shown["status"] == "open")
                #expect(shown["status_notes"] == "已派电工")
                #expect(shown["service_name"] == "临时用电")
                #expect(shown["service_code"] == "c-power")
                #expect(shown["description"] == "问题 1")
                #expect(shown["agency_responsible"] == "社会事务办")
                #expect(shown["service_notice"] == "受理编号 2026-000001")
                #expect(shown["requested_datetime"].flatMap(Self.w3c) != nil, "\(shown["requested_datetime"] ?? "-")")
                #expect(shown["updated_datetime"].flatMap(Self.w3c) != nil)
                #expect(shown["expected_datetime"] == "2030-03-17T17:46:40Z")
                #expect(shown["address"] == "3rd group, next to the well")
                #expect(shown["address_id"] == "V01-0042")
                #expect(shown["zipcode"] == "311100")
                // Rounded to 3 decimals (open311.publicLocation "rounded", the default).
                #expect(shown["lat"].flatMap(Double.init) == 30.254)
                #expect(shown["long"].flatMap(Double.init) == 120.164)
                #expect(shown["media_url"] == "https://photos.example/p/1.jpg")

                let uncategorised = try #require(requests.first { $0["service_request_id"] == bare })
                #expect(uncategorised["status"] == "closed")
                #expect(uncategorised["service_code"] == "uncategorised")
                #expect(uncategorised["service_name"] == "未分类")
                #expect(uncategorised["expected_datetime"] == nil)
                // No point of its own: the village centre.
                #expect(uncategorised["lat"].flatMap(Double.init) == 30.25)
                #expect(uncategorised["long"].flatMap(Double.init) == 120.16)

                let one = try await harness.client.request("GET", "/open311/v2/requests/\(full).\(format)")
                #expect(one.status == 200)
                let single = try #require(Open311Spec.records(one.body, format, root: "service_requests", item: "request"))
                #expect(single.count == 1)
                #expect(single.first?["service_request_id"] == full)
                if let first = single.first { Open311Spec.expectFields(first, Open311Spec.requestFields, format) }
            }
        }

        @Test(arguments: formats) func postAnswersWithTheSpecFields(_ format: String) async throws {
            try await withGateway { harness in
                let token = try await harness.login("resident")
                let response = try await harness.client.request(
                    "POST", "/open311/v2/requests.\(format)", token: token,
                    body: "service_code=c-power&description=%E8%B7%AF%E7%81%AF&lat=30.25&long=120.16&account_id=acc-7",
                    contentType: "application/x-www-form-urlencoded")
                #expect(response.status == 201, "\(response.body)")
                let answer = try #require(Open311Spec.records(response.body, format, root: "service_requests", item: "request"), "\(response.body)")
                #expect(answer.count == 1)
                if let first = answer.first {
                    Open311Spec.expectFields(first, Open311Spec.postFields, format)
                    #expect(first["service_request_id"] == harness.intake.tickets.last?.id.value)
                    #expect(first["service_notice"]?.contains(harness.intake.tickets.last?.number ?? "?") == true)
                    #expect(first["account_id"] == "acc-7")
                }
            }
        }

        @Test(arguments: formats) func discoverySaysWhereAndThatTokensAreNotOffered(_ format: String) async throws {
            try await withGateway { harness in
                for path in ["/open311/discovery.\(format)", "/open311/v2/discovery.\(format)"] {
                    let response = try await harness.client.request("GET", path)
                    #expect(response.status == 200, "\(response.body)")
                    let discovery = try #require(Open311Spec.record(response.body, format, root: "discovery"), "\(response.body)")
                    Open311Spec.expectFields(discovery, Open311Spec.discoveryFields + ["notes"], format)
                    #expect(discovery["notes"]?.contains("tokens/ is not offered") == true)
                    let endpoint = try #require(discovery.nested["endpoints"]?.first)
                    Open311Spec.expectFields(endpoint, Open311Spec.endpointFields, format)
                    #expect(endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2")
                    #expect(endpoint["url"] == "http://127.0.0.1:\(harness.client.port)/open311/v2")
                    #expect(endpoint["type"] == "production")
                    #expect(endpoint.texts["formats"] == ["text/xml", "application/json"])
                }
            }
        }

        @Test(arguments: formats) func unknownRoutesIdsAndJurisdictionsAre404sInTheSpecFormat(_ format: String) async throws {
            try await withGateway { harness in
                let (full, _) = Self.seed(harness)
                for path in [
                    "/open311/v2/nothing-here.\(format)", "/open311/v2/requests/999999.\(format)",
                    "/open311/v2/requests/\(String(repeating: "9", count: 300)).\(format)",
                    "/open311/v2/tokens/abc.\(format)",
                    "/open311/v2/services.\(format)?jurisdiction_id=elsewhere",
                    "/open311/v2/requests.\(format)?jurisdiction_id=elsewhere",
                    "/open311/v2/requests/\(full).\(format)?jurisdiction_id=elsewhere",
                ] {
                    Open311Spec.expectError(try await harness.client.request("GET", path), 404, format)
                }
                // The configured jurisdiction, and an empty one (python-open311 sends it), are fine.
                for query in ["?jurisdiction_id=township.local", "?jurisdiction_id="] {
                    #expect(try await harness.client.request("GET", "/open311/v2/requests.\(format)\(query)").status == 200)
                }
                Open311Spec.expectError(try await harness.client.request("GET", "/open311/v2/requests.\(format)?status=pending"), 400, format)
            }
        }

        @Test func textIsEscapedInXMLAndJSON() async throws {
            try await withGateway { harness in
                let ticket = harness.intake.seed(village: "V01", category: "c-power", status: .submitted)
                let nasty = "a <b>&amp; \"c\" 'd' ]]> \u{01}\u{1F} 路灯"
                harness.intake.modify(ticket.id.value) { $0.submission.problemDescription = nasty }
                let xml = try await harness.client.request("GET", "/open311/v2/requests/\(ticket.id.value).xml")
                let parsed = try #require(Open311Spec.records(xml.body, "xml", root: "service_requests", item: "request"), "not well-formed: \(xml.body)")
                #expect(parsed.first?["description"] == "a <b>&amp; \"c\" 'd' ]]> \u{FFFD}\u{FFFD} 路灯")
                #expect(xml.body.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
                let json = try await harness.client.request("GET", "/open311/v2/requests/\(ticket.id.value).json")
                #expect(Open311Spec.records(json.body, "json", root: "", item: "")?.first?["description"] == nasty)
            }
        }

        static func w3c(_ text: String) -> Date? {
            try? Date.ISO8601FormatStyle().parse(text)
        }
    }
}
