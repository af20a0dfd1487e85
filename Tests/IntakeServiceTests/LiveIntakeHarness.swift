import Crypto
import Foundation
import GRDB
import IntakeCore
import IntakeService
import NIOCore
import SwiftProtobuf
import TownshipCertificates
import TownshipProtos
import TownshipRPC
import TownshipTLS
import TownshipWire

/// Certificates for the live tests: the CA, intake (server), the gateway (the caller that may
/// forward principals), an admin tool (allowed to call, not to forward), job-fair (not allowed),
/// and enterprise-liaison (a service acting as itself when listed in `callers.services`).
struct IntakePKI: Sendable {
    static let intakeIdentity = "spiffe://township.local/service/intake"
    let directory: URL
    let ca: CertificateFiles
    let intake: CertificateFiles
    let gateway: CertificateFiles
    let admin: CertificateFiles
    let jobFair: CertificateFiles
    let enterpriseLiaison: CertificateFiles

    static let shared: IntakePKI = try! IntakePKI.make()

    static func make() throws -> IntakePKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("intake-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try DevelopmentCA.create()
        return IntakePKI(
            directory: directory,
            ca: try ca.write(to: directory),
            intake: try ca.issue(identity: .service("intake")).write(to: directory),
            gateway: try ca.issue(identity: .service("gateway")).write(to: directory),
            admin: try ca.issue(identity: .admin("ops")).write(to: directory),
            jobFair: try ca.issue(identity: .service("job-fair")).write(to: directory),
            enterpriseLiaison: try ca.issue(identity: .service("enterprise-liaison")).write(to: directory))
    }
}

enum Fixture {
    static let calendar = WorkingCalendar()

    /// Monday 2 March 2026, 10:00 in Shanghai.
    static let monday = calendar.startOfDay(LocalDate(year: 2026, month: 3, day: 2)).addingTimeInterval(10 * 3600)

    static let reference = ReferenceData(
        villages: [Village(id: "V1", name: "青山村"), Village(id: "V2", name: "柳树村")],
        grids: [
            Grid(id: "V1-G1", villageID: "V1", level: 3, name: "青山1号网格"),
            Grid(id: "V2-G1", villageID: "V2", level: 3, name: "柳树1号网格"),
        ],
        gridWorkers: [
            GridWorker(userID: "gw-a", name: "王建国", gridID: "V1-G1", level: 3),
            GridWorker(userID: "gw-b", name: "李秀英", gridID: "V2-G1", level: 3),
        ],
        departments: [
            Department(id: "dept-social", name: "社会事务办", categoryIDs: ["pension"]),
            Department(id: "dept-build", name: "规划建设办", categoryIDs: ["illegal-building"]),
        ],
        categories: [
            Category(id: "safety-hazard", name: "安全隐患", kind: .urgent),
            Category(id: "pension", name: "社保养老金", kind: .enquiry),
            Category(id: "illegal-building", name: "违章建筑", kind: .complaint),
        ])

    static func principal(_ user: String, _ role: Township_Common_V1_Role, grid: String = "", department: String = "",
                          village: String = "") -> Township_Common_V1_Principal {
        var p = Township_Common_V1_Principal()
        p.userID.value = user; p.role = role; p.gridID.value = grid; p.departmentID.value = department; p.villageID.value = village
        return p
    }

    static let admin = principal("admin-1", .admin)
    static let leader = principal("leader-1", .leader)
    static let workerA = principal("gw-a", .gridWorker, grid: "V1-G1", village: "V1")
    static let workerB = principal("gw-b", .gridWorker, grid: "V2-G1", village: "V2")
    static let socialStaff = principal("staff-social", .departmentStaff, department: "dept-social")
    static let buildStaff = principal("staff-build", .departmentStaff, department: "dept-build")
    static let resident = principal("resident-r", .resident)
    static let employer = principal("emp-1", .employer)
}

/// The intake service live on 127.0.0.1 over mutual TLS, with a manual clock, torn down by `stop`.
final class LiveIntake: Sendable {
    let directory: URL
    let clock: ManualClock
    let store: SQLiteTicketStore
    let attachments: AttachmentService
    let server: RPCServer
    let serverTask: Task<Void, Error>
    let port: Int
    let gateway: RPCClient

    var databasePath: String { directory.appendingPathComponent("intake.sqlite").path }
    var attachmentsDirectory: URL { directory.appendingPathComponent("attachments") }

    /// `serviceCallers`: intake's `callers.services`.
    init(start: Date = Fixture.monday, serviceCallers: Set<String> = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("intake-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = ManualClock(start)
        store = try SQLiteTicketStore(path: directory.appendingPathComponent("intake.sqlite").path,
                                      configuration: IntakeConfiguration(townshipCode: "qingshan", calendar: Fixture.calendar), clock: clock,
                                      checkpointKey: SymmetricKey(size: .bits256))
        try await store.replaceReferenceData(Fixture.reference, by: IntakeCore.Principal(userID: "setup", role: .admin))
        // As `intake serve` does on start (LedgerCheckpointService): the first signed checkpoint.
        try await store.writeCheckpoint()
        attachments = try AttachmentService(store: store, directory: directory.appendingPathComponent("attachments"),
                                            limits: AttachmentLimits(maxFileSize: 1_000_000, maxChunkSize: 64 * 1024), clock: clock)
        let service = IntakeService(store: store, attachments: attachments, callerPolicy: CallerPolicy(
            allowedCallers: ["spiffe://township.local/service/gateway", "spiffe://township.local/admin/*"],
            serviceCallers: serviceCallers), clock: clock)
        let pki = IntakePKI.shared
        let contexts = try ReloadableTLSContext(configuration: .server(
            certificateChainPath: pki.intake.certificatePath, privateKeyPath: pki.intake.privateKeyPath, trustedCAPath: pki.ca.certificatePath))
        // The transport lets every authenticated peer in, so the service's own checks are what is tested.
        let server = RPCServer(configuration: RPCServerConfiguration(drainTimeout: .seconds(5)),
                               router: service.makeRouter(), security: TLSServerTransport(contexts: contexts))
        self.server = server
        serverTask = Task { try await server.run() }
        port = try await server.localAddress().port!
        gateway = try Self.client(port: port, files: pki.gateway)
    }

    static func client(port: Int, files: CertificateFiles) throws -> RPCClient {
        let pki = IntakePKI.shared
        return RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)],
                                                  serverIdentity: IntakePKI.intakeIdentity, maxAttempts: 1),
            security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
                certificateChainPath: files.certificatePath, privateKeyPath: files.privateKeyPath,
                trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: IntakePKI.intakeIdentity))))
    }

    func stop() async {
        await gateway.shutdown()
        serverTask.cancel()
        _ = try? await serverTask.value
        try? FileManager.default.removeItem(at: directory)
    }

    static func options(_ principal: Township_Common_V1_Principal?, key: String? = nil) -> CallOptions {
        var options = CallOptions(timeout: .seconds(20), idempotencyKey: key)
        if let principal { options.principal = ByteBuffer(bytes: try! principal.serializedBytes() as [UInt8]) }
        return options
    }

    /// A unary call through the gateway on behalf of `principal`.
    func call<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ method: MethodDescriptor<Req, Resp>, _ request: Req, as principal: Township_Common_V1_Principal,
        via client: RPCClient? = nil
    ) async throws -> Resp {
        try await (client ?? gateway).unary(method.path, request, as: Resp.self, options: Self.options(principal))
    }

    // MARK: Workflow shortcuts

    func submit(_ description: String = "临时用电一直没有接通", village: String = "V1", grid: String = "V1-G1",
                channel: Township_Intake_V1_Channel = .hotline12345, by principal: Township_Common_V1_Principal = Fixture.admin,
                requestID: String = UUID().uuidString) async throws -> Township_Intake_V1_TicketActionResponse {
        var req = Township_Intake_V1_SubmitTicketRequest()
        req.clientRequestID = requestID
        req.reporter.name = "张三"; req.reporter.phone = "13812345678"
        req.submission.channel = channel
        req.submission.place.villageID.value = village
        req.submission.place.gridID.value = grid
        req.submission.problemDescription = description
        req.submission.priority = .normal
        return try await call(Township_Intake_V1_Intake.submitTicket, req, as: principal)
    }

    func accept(_ id: Township_Common_V1_TicketId, category: String = "pension", by p: Township_Common_V1_Principal = Fixture.workerA) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_AcceptTicketRequest(); r.ticketID = id; r.classification.categoryID.value = category
        return try await call(Township_Intake_V1_Intake.acceptTicket, r, as: p)
    }
    func dispatch(_ id: Township_Common_V1_TicketId, to dept: String = "dept-social", by p: Township_Common_V1_Principal = Fixture.workerA) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_DispatchTicketRequest(); r.ticketID = id; r.departmentDispatch.departmentID.value = dept
        return try await call(Township_Intake_V1_Intake.dispatchTicket, r, as: p)
    }
    func sign(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.socialStaff) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_SignTicketRequest(); r.ticketID = id
        return try await call(Township_Intake_V1_Intake.signTicket, r, as: p)
    }
    func returnTicket(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.socialStaff) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_ReturnTicketRequest(); r.ticketID = id; r.returnToTriage.reason = .wrongTerritory; r.returnToTriage.explanation = "不属于本科室"
        return try await call(Township_Intake_V1_Intake.returnTicket, r, as: p)
    }
    func startHandling(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.socialStaff) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_StartHandlingRequest(); r.ticketID = id
        return try await call(Township_Intake_V1_Intake.startHandling, r, as: p)
    }
    func reply(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.socialStaff) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_ReplyTicketRequest(); r.ticketID = id; r.reply.outcome = .fixed; r.reply.result = "已经接通"
        return try await call(Township_Intake_V1_Intake.replyTicket, r, as: p)
    }
    func followUp(_ id: Township_Common_V1_TicketId, satisfied: Bool, by p: Township_Common_V1_Principal = Fixture.workerA) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_RecordFollowUpRequest(); r.ticketID = id; r.followUp.result = satisfied ? .satisfied : .dissatisfied
        return try await call(Township_Intake_V1_Intake.recordFollowUp, r, as: p)
    }
    func close(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.workerA) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_CloseTicketRequest(); r.ticketID = id
        return try await call(Township_Intake_V1_Intake.closeTicket, r, as: p)
    }
    func reject(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.workerA) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_RejectTicketRequest(); r.ticketID = id; r.rejection.reason = "不属于乡镇事务"
        return try await call(Township_Intake_V1_Intake.rejectTicket, r, as: p)
    }
    func resolveAtVillage(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.workerA) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_ResolveAtVillageRequest(); r.ticketID = id
        return try await call(Township_Intake_V1_Intake.resolveAtVillage, r, as: p)
    }
    func markDuplicate(_ id: Township_Common_V1_TicketId, of original: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.workerA) async throws -> Township_Intake_V1_TicketActionResponse {
        var r = Township_Intake_V1_MarkDuplicateRequest(); r.ticketID = id; r.duplicateLink.originalID = original
        return try await call(Township_Intake_V1_Intake.markDuplicate, r, as: p)
    }
    func getTicket(_ id: Township_Common_V1_TicketId, by p: Township_Common_V1_Principal = Fixture.admin) async throws -> Township_Intake_V1_GetTicketResponse {
        var r = Township_Intake_V1_GetTicketRequest(); r.ticketID = id
        return try await call(Township_Intake_V1_Intake.getTicket, r, as: p)
    }
}

/// The RPC error a call failed with (nil when it succeeded), with its ErrorDetails reason.
func rpcFailure(_ body: () async throws -> Void) async -> (status: CallStatus, message: String, reason: String)? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        let details = (try? Township_Common_V1_ErrorDetails(serializedBytes: Array(error.details.readableBytesView))) ?? .init()
        return (error.status, error.message, details.reason)
    } catch {
        return (.unknown, "\(error)", "")
    }
}
