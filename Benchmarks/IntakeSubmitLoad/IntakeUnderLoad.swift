import BenchmarkSupport
import Foundation
import IntakeCore
import IntakeService
import Logging
import NIOCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipTLS

/// Intake served in this process the way `intake serve` serves it (its `IntakeService` router
/// on an `RPCServer` with mutual TLS 1.3, its store in WAL with synchronous FULL, default
/// limits), on a fresh state directory holding only the demo reference data; and the
/// gateway's side: `connections` TWP/1 clients, each caller forwarding its own resident.
final class IntakeUnderLoad: Sendable {
    let store: SQLiteTicketStore
    let stateDirectory: URL
    private let server: RPCServer
    private let serverTask: Task<Void, Error>
    private let clients: [RPCClient]
    private let villages: [String]

    private init(store: SQLiteTicketStore, stateDirectory: URL, server: RPCServer, serverTask: Task<Void, Error>,
                 clients: [RPCClient], villages: [String]) {
        self.store = store; self.stateDirectory = stateDirectory; self.server = server
        self.serverTask = serverTask; self.clients = clients; self.villages = villages
    }

    static func start(pki: BenchmarkPKI, stateDirectory: URL, connections: Int, logLevel: Logger.Level) async throws -> IntakeUnderLoad {
        var logger = Logger(label: "intake")
        logger.logLevel = logLevel
        let store = try SQLiteTicketStore(path: stateDirectory.appendingPathComponent("intake.sqlite").path,
                                          logger: logger.labelled("intake.store"))
        try await store.replaceReferenceData(DemoReferenceData.make(), by: Principal(userID: "bench-admin", role: .admin))
        let attachments = try AttachmentService(store: store, directory: stateDirectory.appendingPathComponent("attachments"))
        let service = IntakeService(store: store, attachments: attachments,
                                    callerPolicy: CallerPolicy(allowedCallers: [CallerPolicy.gatewayIdentity]),
                                    logger: logger.labelled("intake.service"))
        let server = RPCServer(
            configuration: RPCServerConfiguration(drainTimeout: .seconds(5), logger: logger.labelled("intake.rpc")),
            router: service.makeRouter(),
            security: TLSServerTransport(contexts: try ReloadableTLSContext(configuration: .server(
                certificateChainPath: pki.server.certificatePath, privateKeyPath: pki.server.privateKeyPath,
                trustedCAPath: pki.ca.certificatePath)), logger: logger))
        let serverTask = Task { try await server.run() }
        let port = try await server.localAddress().port!
        let clientSecurity = TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
            certificateChainPath: pki.client.certificatePath, privateKeyPath: pki.client.privateKeyPath,
            trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: pki.serverIdentity)), logger: logger)
        let clients = (0..<connections).map { _ in
            RPCClient(
                configuration: RPCClientConfiguration(
                    endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)], serverIdentity: pki.serverIdentity,
                    keepaliveInterval: nil, maxAttempts: 1, logger: logger.labelled("bench.client")),
                security: clientSecurity)
        }
        let load = IntakeUnderLoad(store: store, stateDirectory: stateDirectory, server: server, serverTask: serverTask,
                                   clients: clients, villages: store.referenceData().villages.map(\.id))
        // Connect every client (and file one ticket on each) before any clock starts.
        for worker in 0..<connections { try await load.submit(worker: worker, key: "connect-\(worker)") }
        return load
    }

    /// Files one ticket as caller `worker` (a resident of its own) on connection
    /// `worker % connections`, with `key` as both its client request id and its idempotency key.
    func submit(worker: Int, key: String) async throws {
        let request = SubmissionBody.request(worker: worker, key: key, village: villages[worker % villages.count])
        let options = CallOptions(timeout: .seconds(60), idempotencyKey: key, principal: SubmissionBody.principal(worker: worker))
        let answer = try await clients[worker % clients.count].unary(
            Township_Intake_V1_Intake.submitTicket.path, request, as: Township_Intake_V1_TicketActionResponse.self, options: options)
        guard !answer.ticket.number.isEmpty else { throw UnexpectedAnswer(description: "SubmitTicket answered without a ticket number") }
    }

    /// The same submission straight into the store, without TWP/1, TLS or protobuf (a
    /// diagnostic: what the RPC path adds). The reply encoder is a constant, so encoding is left out too.
    func submitDirect(worker: Int, key: String) async throws {
        let body = SubmissionBody.request(worker: worker, key: key, village: villages[worker % villages.count])
        let place = body.submission.place
        let report = NewTicket(
            channel: .hotline96150, reporter: Reporter(name: body.reporter.name, phone: body.reporter.phone, userID: "bench-resident-\(worker)"),
            villageID: place.villageID.value, location: GeoPoint(latitude: place.location.latitude, longitude: place.location.longitude),
            address: place.address, description: body.submission.problemDescription)
        let principal = Principal(userID: "bench-resident-\(worker)", role: .resident)
        let claim = IdempotencyClaim(scope: "direct resident:\(principal.userID)", method: Township_Intake_V1_Intake.submitTicket.path,
                                     key: key, request: Array(key.utf8))
        _ = try await store.submit(report, by: principal, clientRequestID: key, once: claim, reply: { _ in [1] })
    }

    func stop() async {
        for client in clients { await client.shutdown() }
        serverTask.cancel()
        _ = try? await serverTask.value
    }
}

struct UnexpectedAnswer: Error, CustomStringConvertible {
    var description: String
}

extension Logger {
    func labelled(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}
