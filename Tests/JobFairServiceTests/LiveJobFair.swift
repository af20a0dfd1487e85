import Foundation
import JobFairCore
import JobFairService
import NIOCore
import SwiftProtobuf
import TownshipCertificates
import TownshipProtos
import TownshipRPC
import TownshipTLS
import TownshipWire

/// Certificates for the live tests: the CA, job-fair (server), the gateway (may forward
/// principals), an admin tool (may call as itself), and intake (not allowed to call).
struct JobFairPKI: Sendable {
    static let identity = "spiffe://township.local/service/job-fair"
    let ca: CertificateFiles
    let jobFair: CertificateFiles
    let gateway: CertificateFiles
    let admin: CertificateFiles
    let intake: CertificateFiles

    static let shared: JobFairPKI = try! JobFairPKI.make()

    static func make() throws -> JobFairPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("job-fair-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try DevelopmentCA.create()
        return JobFairPKI(ca: try ca.write(to: directory),
                          jobFair: try ca.issue(identity: .service("job-fair")).write(to: directory),
                          gateway: try ca.issue(identity: .service("gateway")).write(to: directory),
                          admin: try ca.issue(identity: .admin("ops")).write(to: directory),
                          intake: try ca.issue(identity: .service("intake")).write(to: directory))
    }
}

enum Who {
    static func principal(_ user: String, _ role: Township_Common_V1_Role) -> Township_Common_V1_Principal {
        var p = Township_Common_V1_Principal()
        p.userID.value = user; p.role = role
        return p
    }

    static let admin = principal("admin-1", .admin)
    static let leader = principal("leader-1", .leader)
    static let employerA = principal("emp-a", .employer)
    static let employerB = principal("emp-b", .employer)
    static let seeker1 = principal("seeker-1", .jobSeeker)
    static let seeker2 = principal("seeker-2", .jobSeeker)
    static let seeker3 = principal("seeker-3", .jobSeeker)
    static let resident = principal("resident-1", .resident)
}

/// The job-fair service live on 127.0.0.1 over mutual TLS with a fresh SQLite file.
final class LiveJobFair: Sendable {
    let directory: URL
    let store: JobFairStore
    let serverTask: Task<Void, Error>
    let port: Int
    let gateway: RPCClient

    var databasePath: String { directory.appendingPathComponent("job-fair.sqlite").path }

    init(limits: JobFairLimits = JobFairLimits()) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("job-fair-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try JobFairStore(path: directory.appendingPathComponent("job-fair.sqlite").path, limits: limits)
        let service = JobFairService(store: store, callerPolicy: CallerPolicy(
            allowedCallers: ["spiffe://township.local/service/gateway", "spiffe://township.local/admin/*"]))
        let pki = JobFairPKI.shared
        let contexts = try ReloadableTLSContext(configuration: .server(
            certificateChainPath: pki.jobFair.certificatePath, privateKeyPath: pki.jobFair.privateKeyPath, trustedCAPath: pki.ca.certificatePath))
        let server = RPCServer(configuration: RPCServerConfiguration(drainTimeout: .seconds(5)),
                               router: service.makeRouter(), security: TLSServerTransport(contexts: contexts))
        serverTask = Task { try await server.run() }
        port = try await server.localAddress().port!
        gateway = try Self.client(port: port, files: pki.gateway)
    }

    static func client(port: Int, files: CertificateFiles) throws -> RPCClient {
        let pki = JobFairPKI.shared
        return RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)],
                                                  serverIdentity: JobFairPKI.identity, maxAttempts: 1),
            security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
                certificateChainPath: files.certificatePath, privateKeyPath: files.privateKeyPath,
                trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: JobFairPKI.identity))))
    }

    func stop() async {
        await gateway.shutdown()
        serverTask.cancel()
        _ = try? await serverTask.value
        try? FileManager.default.removeItem(at: directory)
    }

    static func options(_ principal: Township_Common_V1_Principal?) -> CallOptions {
        var options = CallOptions(timeout: .seconds(20))
        if let principal { options.principal = ByteBuffer(bytes: try! principal.serializedBytes() as [UInt8]) }
        return options
    }

    /// A unary call through the gateway on behalf of `principal`.
    func call<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ method: MethodDescriptor<Req, Resp>, _ request: Req, as principal: Township_Common_V1_Principal, via client: RPCClient? = nil
    ) async throws -> Resp {
        try await (client ?? gateway).unary(method.path, request, as: Resp.self, options: Self.options(principal))
    }
}

/// The RPC error a call failed with (nil when it succeeded), with its ErrorDetails.
struct Failure {
    var status: CallStatus
    var message: String
    var details: Township_Common_V1_ErrorDetails
    var reason: String { details.reason }
    var fields: [String] { details.fieldViolations.map(\.field) }
}

func failure(_ body: () async throws -> Void) async -> Failure? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        let details = (try? Township_Common_V1_ErrorDetails(serializedBytes: Array(error.details.readableBytesView))) ?? .init()
        return Failure(status: error.status, message: error.message, details: details)
    } catch {
        return Failure(status: .unknown, message: "\(error)", details: .init())
    }
}
