import Foundation
import LiaisonCore
import LiaisonService
import NIOCore
import SwiftProtobuf
import TownshipCertificates
import TownshipProtos
import TownshipRPC
import TownshipTLS
import TownshipWire

/// Certificates for the live tests: the CA, enterprise-liaison (server), the gateway (may
/// forward principals), an admin tool (may call, not forward), job-fair (not allowed), and
/// intake (the referral tests' intake).
struct LiaisonPKI: Sendable {
    static let identity = "spiffe://township.local/service/enterprise-liaison"
    let ca: CertificateFiles
    let liaison: CertificateFiles
    let gateway: CertificateFiles
    let admin: CertificateFiles
    let jobFair: CertificateFiles
    let intake: CertificateFiles

    static let shared: LiaisonPKI = try! LiaisonPKI.make()

    static func make() throws -> LiaisonPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try DevelopmentCA.create()
        return LiaisonPKI(
            ca: try ca.write(to: directory),
            liaison: try ca.issue(identity: .service("enterprise-liaison")).write(to: directory),
            gateway: try ca.issue(identity: .service("gateway")).write(to: directory),
            admin: try ca.issue(identity: .admin("ops")).write(to: directory),
            jobFair: try ca.issue(identity: .service("job-fair")).write(to: directory),
            intake: try ca.issue(identity: .service("intake")).write(to: directory))
    }
}

/// The principals the tests act as.
enum As {
    static func principal(_ user: String, _ role: Township_Common_V1_Role, department: String = "") -> Township_Common_V1_Principal {
        var p = Township_Common_V1_Principal()
        p.userID.value = user; p.role = role; p.departmentID.value = department
        return p
    }

    static let admin = principal("u-admin", .admin)
    static let leader = principal("u-leader", .leader)
    static let alice = principal("l-alice", .liaison)
    static let bob = principal("l-bob", .liaison)
    static let social = principal("u-social", .departmentStaff, department: "dept-social")
    static let construction = principal("u-cons", .departmentStaff, department: "dept-construction")
    static let staffWithoutDepartment = principal("u-nodept", .departmentStaff)
    static let resident = principal("u-res", .resident)
    static let gridWorker = principal("u-grid", .gridWorker)
    static let employer = principal("u-emp", .employer)
}

/// enterprise-liaison live on 127.0.0.1 over mutual TLS, with a manual clock and a small zone:
/// liaisons l-alice (org-1, org-2) and l-bob (org-3). Torn down by `stop`.
final class LiveLiaison: Sendable {
    let directory: URL
    let clock: ManualClock
    let store: LiaisonStore
    let serverTask: Task<Void, Error>
    let port: Int
    let gateway: RPCClient

    /// Monday 2 March 2026, 09:00 in UTC+8: the first half of March.
    static let start = LocalDate(year: 2026, month: 3, day: 2)!.start.adding(seconds: 9 * 3600)
    static let codes = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]

    init(limits: LiaisonLimits = LiaisonLimits()) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = ManualClock(Self.start.adding(days: -30))
        store = try LiaisonStore(path: directory.appendingPathComponent("enterprise-liaison.sqlite").path)
        let service = LiaisonService(store: store, callerPolicy: CallerPolicy(
            allowedCallers: ["spiffe://township.local/service/gateway", "spiffe://township.local/admin/*"]), clock: clock, limits: limits)
        let pki = LiaisonPKI.shared
        let contexts = try ReloadableTLSContext(configuration: .server(
            certificateChainPath: pki.liaison.certificatePath, privateKeyPath: pki.liaison.privateKeyPath, trustedCAPath: pki.ca.certificatePath))
        let server = RPCServer(configuration: RPCServerConfiguration(drainTimeout: .seconds(5)),
                               router: service.makeRouter(), security: TLSServerTransport(contexts: contexts))
        serverTask = Task { try await server.run() }
        port = try await server.localAddress().port!
        gateway = try Self.client(port: port, files: pki.gateway)

        // The zone, registered over the wire by the office a month before the tests' "now".
        for (id, dept) in [("l-alice", "dept-social"), ("l-bob", "")] {
            var req = Township_Liaison_V1_RegisterLiaisonRequest()
            req.liaison.liaisonID.value = id; req.liaison.name = id == "l-alice" ? "王海燕" : "李志强"
            req.liaison.origin = dept.isEmpty ? .provincial : .zoneDepartment; req.liaison.departmentID.value = dept
            _ = try await call(M.registerLiaison, req, as: As.admin)
        }
        for (i, (org, liaison)) in [("org-1", "l-alice"), ("org-2", "l-alice"), ("org-3", "l-bob")].enumerated() {
            var req = Township_Liaison_V1_RegisterOrganisationRequest()
            req.organisation.organisationID = org; req.organisation.name = "企业\(i + 1)"; req.organisation.kind = .enterprise
            req.organisation.creditCode = Self.codes[i]
            _ = try await call(M.registerOrganisation, req, as: As.admin)
            var assign = Township_Liaison_V1_AssignLiaisonRequest()
            assign.organisationID = org; assign.liaisonID.value = liaison
            _ = try await call(M.assignLiaison, assign, as: As.admin)
        }
        clock.set(Self.start)
    }

    static func client(port: Int, files: CertificateFiles) throws -> RPCClient {
        let pki = LiaisonPKI.shared
        return RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)],
                                                  serverIdentity: LiaisonPKI.identity, maxAttempts: 1),
            security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
                certificateChainPath: files.certificatePath, privateKeyPath: files.privateKeyPath,
                trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: LiaisonPKI.identity))))
    }

    func stop() async {
        await gateway.shutdown()
        serverTask.cancel()
        _ = try? await serverTask.value
        try? FileManager.default.removeItem(at: directory)
    }

    /// A unary call through the gateway on behalf of `principal` (nil: none forwarded).
    func call<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ method: MethodDescriptor<Req, Resp>, _ request: Req, as principal: Township_Common_V1_Principal?, via client: RPCClient? = nil
    ) async throws -> Resp {
        var options = CallOptions(timeout: .seconds(20))
        if let principal { options.principal = ByteBuffer(bytes: try principal.serializedBytes() as [UInt8]) }
        return try await (client ?? gateway).unary(method.path, request, as: Resp.self, options: options)
    }

    // MARK: shortcuts

    func file(_ org: String, by p: Township_Common_V1_Principal, title: String = "招工难", type: Township_Liaison_V1_ProblemType = .individual,
              requestID: String = UUID().uuidString) async throws -> Township_Liaison_V1_ProblemItem {
        var r = Township_Liaison_V1_FileProblemRequest()
        r.clientRequestID = requestID; r.organisationID = org; r.type = type; r.title = title; r.description_p = "\(title)：详情"
        return try await call(M.fileProblem, r, as: p).item
    }

    func publish(_ period: String, by p: Township_Common_V1_Principal = As.admin) async throws -> [Township_Liaison_V1_ProblemItem] {
        var r = Township_Liaison_V1_PublishListRequest(); r.period = period
        return try await call(M.publishList, r, as: p).published
    }

    func claim(_ id: Int64, by p: Township_Common_V1_Principal) async throws -> Township_Liaison_V1_ProblemItem {
        var r = Township_Liaison_V1_ClaimProblemRequest(); r.itemID = id
        return try await call(M.claimProblem, r, as: p).item
    }

    func answer(_ id: Int64, _ solution: String = "协调解决", by p: Township_Common_V1_Principal) async throws -> Township_Liaison_V1_ProblemItem {
        var r = Township_Liaison_V1_AnswerProblemRequest(); r.itemID = id; r.solution = solution
        return try await call(M.answerProblem, r, as: p).item
    }

    func confirm(_ id: Int64, by p: Township_Common_V1_Principal) async throws -> Township_Liaison_V1_ProblemItem {
        var r = Township_Liaison_V1_ConfirmProblemRequest(); r.itemID = id; r.note = "企业确认"
        return try await call(M.confirmProblem, r, as: p).item
    }

    func clear(_ id: Int64, by p: Township_Common_V1_Principal = As.admin) async throws -> Township_Liaison_V1_ProblemItem {
        var r = Township_Liaison_V1_ClearProblemRequest(); r.itemID = id
        return try await call(M.clearProblem, r, as: p).item
    }

    func get(_ id: Int64, by p: Township_Common_V1_Principal = As.admin) async throws -> Township_Liaison_V1_ProblemItem {
        var r = Township_Liaison_V1_GetProblemRequest(); r.itemID = id
        return try await call(M.getProblem, r, as: p).item
    }
}

typealias M = Township_Liaison_V1_EnterpriseLiaison

/// The ErrorDetails reason and status of a refused call.
func refusal(_ body: () async throws -> Void) async -> (status: CallStatus, reason: String)? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        let details = try? Township_Common_V1_ErrorDetails(serializedBytes: Array(error.details.readableBytesView))
        return (error.status, details?.reason ?? "")
    } catch {
        return (CallStatus(rawValue: 255), "\(error)")
    }
}
