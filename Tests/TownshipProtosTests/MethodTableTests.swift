import SwiftProtobuf
import Testing
import TownshipProtos

/// The wire names of the Intake methods are a contract with every peer (the gateway, the
/// Python peer): renaming one is a breaking change, so the expected table is written out here.
private let expectedIntakeMethods: [(path: String, kind: MethodKind)] = [
    ("township.intake.v1.Intake/SubmitTicket", .unary),
    ("township.intake.v1.Intake/UploadAttachment", .clientStreaming),
    ("township.intake.v1.Intake/DownloadAttachment", .serverStreaming),
    ("township.intake.v1.Intake/AcceptTicket", .unary),
    ("township.intake.v1.Intake/RejectTicket", .unary),
    ("township.intake.v1.Intake/MarkDuplicate", .unary),
    ("township.intake.v1.Intake/ResolveAtVillage", .unary),
    ("township.intake.v1.Intake/DispatchTicket", .unary),
    ("township.intake.v1.Intake/SignTicket", .unary),
    ("township.intake.v1.Intake/ReturnTicket", .unary),
    ("township.intake.v1.Intake/StartHandling", .unary),
    ("township.intake.v1.Intake/ReplyTicket", .unary),
    ("township.intake.v1.Intake/RecordFollowUp", .unary),
    ("township.intake.v1.Intake/CloseTicket", .unary),
    ("township.intake.v1.Intake/ListTickets", .unary),
    ("township.intake.v1.Intake/GetTicket", .unary),
    ("township.intake.v1.Intake/GetStatistics", .unary),
    ("township.intake.v1.Intake/SubscribeEvents", .serverStreaming),
    ("township.intake.v1.Intake/VerifyLedger", .unary),
    ("township.intake.v1.Intake/ListVillages", .unary),
    ("township.intake.v1.Intake/ListGrids", .unary),
    ("township.intake.v1.Intake/ListDepartments", .unary),
    ("township.intake.v1.Intake/ListCategories", .unary),
    ("township.intake.v1.Intake/GetWorkingCalendar", .unary),
]

@Suite("Intake method table")
struct MethodTableTests {
    @Test("every exposed method has the agreed wire name and kind")
    func wireNamesAreTheContract() {
        let table = Township_Intake_V1_Intake.allMethods
        #expect(table.map(\.path) == expectedIntakeMethods.map(\.path))
        #expect(table.map(\.kind) == expectedIntakeMethods.map(\.kind))
        #expect(Set(table.map(\.path)).count == table.count, "method paths must be unique")
    }

    @Test("the named constants agree with the table")
    func constantsMatchTable() {
        typealias Intake = Township_Intake_V1_Intake
        #expect(Intake.serviceName == "township.intake.v1.Intake")
        #expect(Intake.submitTicket.path == "township.intake.v1.Intake/SubmitTicket")
        #expect(Intake.submitTicket.service == Intake.serviceName)
        #expect(Intake.submitTicket.name == "SubmitTicket")
        #expect(Intake.uploadAttachment.kind == .clientStreaming)
        #expect(Intake.uploadAttachment.kind.clientStreams)
        #expect(!Intake.uploadAttachment.kind.serverStreams)
        #expect(Intake.downloadAttachment.kind.serverStreams)
        #expect(Intake.subscribeEvents.kind == .serverStreaming)
        #expect(!Intake.getTicket.kind.clientStreams && !Intake.getTicket.kind.serverStreams)
        for method in Intake.allMethods {
            #expect(method.path.hasPrefix(Intake.serviceName + "/"))
        }
    }

    @Test("the generated table matches the descriptor set method for method")
    func tableMatchesDescriptorSet() throws {
        let set = try DescriptorSet.load()
        let file = try #require(set.file.first { $0.name == "township/intake/v1/intake.proto" })
        let service = try #require(file.service.first { $0.name == "Intake" })
        let table = Township_Intake_V1_Intake.allMethods
        try #require(table.count == service.method.count)

        for (generated, declared) in zip(table, service.method) {
            #expect(generated.path == "\(file.package).\(service.name)/\(declared.name)")
            let kind: MethodKind =
                switch (declared.clientStreaming, declared.serverStreaming) {
                case (false, false): .unary
                case (true, false): .clientStreaming
                case (false, true): .serverStreaming
                case (true, true): .bidirectionalStreaming
                }
            #expect(generated.kind == kind, "\(generated.path)")
            let level: IdempotencyLevel =
                switch declared.options.idempotencyLevel {
                case .noSideEffects: .noSideEffects
                case .idempotent: .idempotent
                case .idempotencyUnknown: .unknown
                }
            #expect(generated.idempotency == level, "\(generated.path)")
            #expect("." + generated.requestType.protoMessageName == declared.inputType)
            #expect("." + generated.responseType.protoMessageName == declared.outputType)
        }
    }

    /// Retry safety comes from the proto's `idempotency_level`: the queries and reference
    /// data say NO_SIDE_EFFECTS, every call that changes state keeps the default.
    @Test("reads are safe to retry, writes are not")
    func idempotencyLevelsComeFromTheProto() {
        typealias Intake = Township_Intake_V1_Intake
        let reads: Set<String> = [
            "DownloadAttachment", "ListTickets", "GetTicket", "GetStatistics", "SubscribeEvents", "VerifyLedger",
            "ListVillages", "ListGrids", "ListDepartments", "ListCategories", "GetWorkingCalendar",
        ]
        for method in Intake.allMethods {
            let name = String(method.path.split(separator: "/").last!)
            #expect(method.idempotency.isSafeToRetry == reads.contains(name), "\(method.path): \(method.idempotency)")
        }
        #expect(Intake.listTickets.idempotency == .noSideEffects)
        #expect(Intake.submitTicket.idempotency == .unknown)
        #expect(TownshipServiceTables.methodsByService[Intake.serviceName]?.count == Intake.allMethods.count)
    }

    @Test("a request decodes through the table's type, as a server's router would")
    func routingByInfoDecodesTheRightType() throws {
        var request = Township_Intake_V1_GetTicketRequest()
        request.number = "2026-000123"
        let bytes: [UInt8] = try request.serializedBytes()

        let info = try #require(
            Township_Intake_V1_Intake.allMethods.first {
                $0.path == "township.intake.v1.Intake/GetTicket"
            })
        let decoded = try info.requestType.init(serializedBytes: bytes)
        let typed = try #require(decoded as? Township_Intake_V1_GetTicketRequest)
        #expect(typed == request)
    }
}
