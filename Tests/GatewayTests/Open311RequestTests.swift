import Foundation
import GatewayCore
import SwiftProtobuf
import Testing
import TownshipProtos

extension GatewaySuites {
    /// POST requests (what is required, what is kept, where the village comes from) and GET
    /// requests' filters, window and paging.
    @Suite struct Open311RequestTests {
        static let form = "application/x-www-form-urlencoded"

        func post(_ harness: GatewayHarness, _ body: String, format: String = "json") async throws -> HTTPTestClient.Response {
            let token = try await harness.login("resident")
            return try await harness.client.request("POST", "/open311/v2/requests.\(format)", token: token, body: body, contentType: Self.form)
        }

        @Test func serviceCodeIsRequiredAndMustBeAService() async throws {
            try await withGateway { harness in
                for format in ["json", "xml"] {
                    Open311Spec.expectError(try await post(harness, "description=x&village_id=V01", format: format), 400, format)
                    Open311Spec.expectError(try await post(harness, "service_code=&description=x&village_id=V01", format: format), 400, format)
                    Open311Spec.expectError(try await post(harness, "service_code=c-nothing&description=x&village_id=V01", format: format), 400, format)
                }
                // Nor may the place be missing, or the point be half given.
                Open311Spec.expectError(try await post(harness, "service_code=c-power&description=x"), 400)
                Open311Spec.expectError(try await post(harness, "service_code=c-power&description=x&lat=30.2"), 400)
                Open311Spec.expectError(try await post(harness, "service_code=c-power&description=x&lat=91&long=0"), 400)
                Open311Spec.expectError(try await post(harness, "service_code=c-power&description=x&village_id=V01&media_url=javascript:alert(1)"), 400)
                #expect(harness.intake.tickets.isEmpty)
            }
        }

        @Test func anonymousReportsKeepEveryFieldTheClientSent() async throws {
            try await withGateway { harness in
                let body = [
                    "service_code=c-power", "description=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE", "lat=30.2501", "long=120.1002",
                    "address_string=%E4%B8%89%E7%BB%84", "address_id=v-west-0007", "zipcode=311100", "email=li%40mail.example",
                    "device_id=dev-1", "account_id=acc-2", "media_url=https%3A%2F%2Fphotos.example%2F9.jpg", "phone=13800001111",
                ].joined(separator: "&")
                let filed = try await post(harness, body)
                #expect(filed.status == 201, "\(filed.body)")
                let ticket = try #require(harness.intake.tickets.last)
                #expect(ticket.reporter.name == "")
                #expect(ticket.reporter.phone == "13800001111")
                #expect(ticket.reporter.email == "li@mail.example")
                #expect(ticket.reporter.deviceID == "dev-1")
                #expect(ticket.reporter.accountID == "acc-2")
                #expect(ticket.submission.problemDescription == "路灯不亮")
                #expect(ticket.submission.categoryID.value == "c-power")
                #expect(ticket.submission.place.address == "三组")
                #expect(ticket.submission.addressID == "v-west-0007")
                #expect(ticket.submission.zipcode == "311100")
                #expect(ticket.submission.mediaURL == "https://photos.example/9.jpg")
                #expect(ticket.submission.place.location.latitude == 30.2501)
                #expect(ticket.submission.place.villageID.value == "v-west")
            }
        }

        @Test func theVillageComesFromVillageIDAddressIDOrTheNearestCentre() async throws {
            try await withGateway { harness in
                let cases: [(String, String)] = [
                    ("lat=30.25&long=120.159", "V01"), ("lat=30.26&long=120.11", "v-west"),
                    ("address_id=V01-0042", "V01"), ("address_id=v-west-3&lat=30.25&long=120.16", "v-west"),
                    ("attribute%5Bvillage_id%5D=v-west", "v-west"), ("village_id=V01&lat=30.26&long=120.11", "V01"),
                ]
                for (place, village) in cases {
                    let filed = try await post(harness, "service_code=c-power&description=x&\(place)")
                    #expect(filed.status == 201, "\(place): \(filed.body)")
                    #expect(harness.intake.tickets.last?.submission.place.villageID.value == village, "\(place)")
                }
                Open311Spec.expectError(try await post(harness, "service_code=c-power&description=x&address_id=X99-1"), 400)
                Open311Spec.expectError(try await post(harness, "service_code=c-power&description=x&village_id=V99"), 400)
            }
        }

        @Test func names_emptyDescriptionsAndUncategorisedFilings() async throws {
            try await withGateway { harness in
                let chinese = try await post(harness, "service_code=c-power&village_id=V01&first_name=%E4%B8%89&last_name=%E5%BC%A0")
                #expect(chinese.status == 201, "\(chinese.body)")
                #expect(harness.intake.tickets.last?.reporter.name == "张三")
                // No description: the service's name stands for it.
                #expect(harness.intake.tickets.last?.submission.problemDescription == "临时用电")
                let latin = try await post(harness, "service_code=uncategorised&description=x&village_id=V01&first_name=Ann&last_name=Lee")
                #expect(latin.status == 201, "\(latin.body)")
                #expect(harness.intake.tickets.last?.reporter.name == "Lee Ann")
                #expect(harness.intake.tickets.last?.submission.categoryID.value == "")
            }
        }

        /// Tickets t-1 … t-n created `daysAgo[i]` days ago.
        static func seed(_ harness: GatewayHarness, daysAgo: [Double], category: String = "c-power", status: Township_Intake_V1_TicketStatus = .submitted) -> [String] {
            daysAgo.map { days in
                let ticket = harness.intake.seed(village: "V01", category: category, status: status)
                harness.intake.modify(ticket.id.value) { $0.createdAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-days * 86_400)) }
                return ticket.id.value
            }
        }

        func ids(_ harness: GatewayHarness, _ query: String, format: String = "json") async throws -> [String] {
            let response = try await harness.client.request("GET", "/open311/v2/requests.\(format)\(query)")
            #expect(response.status == 200, "\(query): \(response.body)")
            return (Open311Spec.records(response.body, format, root: "service_requests", item: "request") ?? []).compactMap { $0["service_request_id"] }
        }

        @Test func filtersByIDCodeStatusAndDates() async throws {
            try await withGateway { harness in
                let recent = Self.seed(harness, daysAgo: [1, 2])
                let old = Self.seed(harness, daysAgo: [100])
                let closed = Self.seed(harness, daysAgo: [3], category: "c-infra", status: .closed)
                // The default window is the latest 90 days.
                #expect(Set(try await ids(harness, "")) == Set(recent + closed))
                // service_request_id overrides every other filter, window included.
                for format in ["json", "xml"] {
                    #expect(Set(try await ids(harness, "?service_request_id=\(old[0]),\(recent[1])&status=closed", format: format)) == [old[0], recent[1]])
                }
                #expect(try await ids(harness, "?service_request_id=\(old[0])&service_request_id=999") == old)
                #expect(Set(try await ids(harness, "?service_code=c-infra")) == Set(closed))
                #expect(Set(try await ids(harness, "?service_code=c-infra,c-power")) == Set(recent + closed))
                #expect(Set(try await ids(harness, "?status=open")) == Set(recent))
                #expect(Set(try await ids(harness, "?status=closed")) == Set(closed))
                #expect(Set(try await ids(harness, "?status=open,closed")) == Set(recent + closed))
                let start = Date().addingTimeInterval(-120 * 86_400).formatted(Date.ISO8601FormatStyle())
                let end = Date().addingTimeInterval(-50 * 86_400).formatted(Date.ISO8601FormatStyle())
                #expect(try await ids(harness, "?start_date=\(start)&end_date=\(end)") == old)
                #expect(try await ids(harness, "?start_date=\(start)") == old)
                #expect(try await ids(harness, "?end_date=\(end)") == old)
                let zoned = Date().addingTimeInterval(-2.5 * 86_400).formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 8 * 3600)!))
                #expect(Set(try await ids(harness, "?start_date=\(zoned.replacingOccurrences(of: "+", with: "%2B"))")) == Set(recent))

                for bad in ["?start_date=yesterday", "?start_date=2026-01-01", "?start_date=\(start)&end_date=\(Date().formatted(Date.ISO8601FormatStyle()))",
                            "?start_date=\(end)&end_date=\(start)", "?status=open,pending", "?page=0", "?page_size=1001", "?page=x",
                            "?service_request_id=" + (1...101).map(String.init).joined(separator: ",")] {
                    Open311Spec.expectError(try await harness.client.request("GET", "/open311/v2/requests.json\(bad)"), 400)
                }
            }
        }

        @Test func uncategorisedIsAFilterLikeAnyCode() async throws {
            try await withGateway { harness in
                let bare = Self.seed(harness, daysAgo: [1], category: "")
                let power = Self.seed(harness, daysAgo: [1])
                let uncategorised = try await ids(harness, "?service_code=uncategorised")
                #expect(uncategorised == bare)
                let both = try await ids(harness, "?service_code=uncategorised,c-power", format: "xml")
                #expect(Set(both) == Set(bare + power))
            }
        }

        @Test func atMost1000PerAnswerAndPagesBeyond() async throws {
            try await withGateway { harness in
                let seeded = Self.seed(harness, daysAgo: Array(repeating: 1, count: 1_203))
                let first = try await ids(harness, "")
                #expect(first.count == 1000)
                let second = try await ids(harness, "?page=2")
                #expect(second.count == 203)
                #expect(Set(first + second) == Set(seeded))
                let small = try await ids(harness, "?page=3&page_size=500", format: "xml")
                #expect(small == Array((first + second)[1000...]))
                #expect(try await ids(harness, "?page=4&page_size=500").isEmpty)
                Open311Spec.expectError(try await harness.client.request("GET", "/open311/v2/requests.json?page=21"), 400)
            }
        }
    }
}
