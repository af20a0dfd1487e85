import Foundation
import IntakeCore
import IntakeService
import SwiftProtobuf
import TownshipCertificates
import TownshipProtos
import TownshipRPC
import TownshipTLS

/// A real intake on 127.0.0.1 over mutual TLS for the referral tests: it lists
/// enterprise-liaison in its `callers.services` (as `township up` does), and can be stopped and
/// started again on the same port over the same SQLite file, as an operator restarts it.
actor ReferralIntake {
    static let identity = "spiffe://township.local/service/intake"
    static let village = "V1"

    let directory: URL
    let store: SQLiteTicketStore
    let attachments: AttachmentService
    private(set) var port = 0
    private var serverTask: Task<Void, Error>?

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("referral-intake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteTicketStore(path: directory.appendingPathComponent("intake.sqlite").path)
        try await store.replaceReferenceData(ReferenceData(villages: [Village(id: Self.village, name: "青山村")]),
                                             by: IntakeCore.Principal(userID: "setup", role: .admin))
        attachments = try AttachmentService(store: store, directory: directory.appendingPathComponent("attachments"))
    }

    /// Serves on the port it had before (a free one the first time).
    func start() async throws {
        let service = IntakeService(store: store, attachments: attachments, callerPolicy: CallerPolicy(
            allowedCallers: ["spiffe://township.local/service/gateway", "spiffe://township.local/admin/*"],
            serviceCallers: [LiaisonPKI.identity]))
        let pki = LiaisonPKI.shared
        let contexts = try ReloadableTLSContext(configuration: .server(
            certificateChainPath: pki.intake.certificatePath, privateKeyPath: pki.intake.privateKeyPath, trustedCAPath: pki.ca.certificatePath))
        let server = RPCServer(configuration: RPCServerConfiguration(port: port, drainTimeout: .seconds(2)),
                               router: service.makeRouter(), security: TLSServerTransport(contexts: contexts))
        serverTask = Task { try await server.run() }
        port = try await server.localAddress().port!
    }

    /// Stops serving: the port refuses connections until `start`.
    func stop() async {
        serverTask?.cancel()
        _ = try? await serverTask?.value
        serverTask = nil
    }

    func remove() async {
        await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A client of intake with `files`' certificate, retrying quickly (the tests restart intake).
    func client(_ files: CertificateFiles) throws -> RPCClient {
        RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)], serverIdentity: Self.identity,
                                                  connectTimeout: .seconds(2), backoff: Backoff(initial: .milliseconds(1), maximum: .milliseconds(5)),
                                                  maxAttempts: 3),
            security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
                certificateChainPath: files.certificatePath, privateKeyPath: files.privateKeyPath,
                trustedCAPath: LiaisonPKI.shared.ca.certificatePath, expectedServerIdentity: Self.identity))))
    }

    /// Every ticket, as an admin tool sees them.
    func tickets() async throws -> [Township_Intake_V1_Ticket] {
        let admin = try client(LiaisonPKI.shared.admin)
        defer { Task { await admin.shutdown() } }
        return try await admin.unary(Township_Intake_V1_Intake.listTickets.path, Township_Intake_V1_ListTicketsRequest(),
                                     as: Township_Intake_V1_ListTicketsResponse.self, options: CallOptions(timeout: .seconds(10))).tickets
    }

    /// The office rejects a ticket (an admin tool acting as itself), so its status becomes final.
    func reject(_ id: String) async throws {
        let admin = try client(LiaisonPKI.shared.admin)
        var request = Township_Intake_V1_RejectTicketRequest()
        request.ticketID.value = id
        request.rejection.reason = "不属于乡镇事务"
        do {
            _ = try await admin.unary(Township_Intake_V1_Intake.rejectTicket.path, request, as: Township_Intake_V1_TicketActionResponse.self,
                                      options: CallOptions(timeout: .seconds(10), idempotencyKey: "reject-\(id)"))
        } catch { await admin.shutdown(); throw error }
        await admin.shutdown()
    }
}
