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
    /// One store per replica: one SQLite file, or several `PostgresTicketStore`s on one database.
    let stores: [any IntakeStore]
    /// The group commit's batch sizes are the SQLite store's.
    var sqlite: SQLiteTicketStore? { stores.first as? SQLiteTicketStore }
    private let servers: [RPCServer]
    private let serverTasks: [Task<Void, Error>]
    private let clients: [RPCClient]
    private let villages: [String]

    private init(stores: [any IntakeStore], servers: [RPCServer], serverTasks: [Task<Void, Error>],
                 clients: [RPCClient], villages: [String]) {
        self.stores = stores; self.servers = servers; self.serverTasks = serverTasks
        self.clients = clients; self.villages = villages
    }

    /// Intake on a fresh SQLite file in `stateDirectory`, holding the demo reference data.
    static func startOnSQLite(pki: BenchmarkPKI, stateDirectory: URL, connections: Int, logLevel: Logger.Level,
                              settings: SQLiteEngineSettings = .tuned) async throws -> IntakeUnderLoad {
        var logger = Logger(label: "intake.store")
        logger.logLevel = logLevel
        var configuration = IntakeConfiguration()
        configuration.sqlite = settings
        let store = try SQLiteTicketStore(path: stateDirectory.appendingPathComponent("intake.sqlite").path, configuration: configuration,
                                          logger: logger)
        try await store.replaceReferenceData(DemoReferenceData.make(), by: Principal(userID: "bench-admin", role: .admin))
        return try await start(pki: pki, stores: [store], stateDirectory: stateDirectory, connections: connections, logLevel: logLevel)
    }

    /// One server per store (a replica each, sharing the attachments folder as replicas must),
    /// and `connections` clients spread over them: connection i talks to replica i mod n.
    static func start(pki: BenchmarkPKI, stores: [any IntakeStore], stateDirectory: URL, connections: Int,
                      logLevel: Logger.Level) async throws -> IntakeUnderLoad {
        var logger = Logger(label: "intake")
        logger.logLevel = logLevel
        var servers: [RPCServer] = []
        var serverTasks: [Task<Void, Error>] = []
        var ports: [Int] = []
        for store in stores {
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
            serverTasks.append(Task { try await server.run() })
            servers.append(server)
            ports.append(try await server.localAddress().port!)
        }
        let clientSecurity = TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
            certificateChainPath: pki.client.certificatePath, privateKeyPath: pki.client.privateKeyPath,
            trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: pki.serverIdentity)), logger: logger)
        let clients = (0..<connections).map { i in
            RPCClient(
                configuration: RPCClientConfiguration(
                    endpoints: [RPCEndpoint(host: "127.0.0.1", port: ports[i % ports.count])], serverIdentity: pki.serverIdentity,
                    keepaliveInterval: nil, maxAttempts: 1, logger: logger.labelled("bench.client")),
                security: clientSecurity)
        }
        let load = IntakeUnderLoad(stores: stores, servers: servers, serverTasks: serverTasks,
                                   clients: clients, villages: stores[0].referenceData().villages.map(\.id))
        // Connect every client (and file one ticket on each) before any clock starts.
        for worker in 0..<connections { try await load.submit(worker: worker, key: "connect-\(worker)-\(UUID().uuidString)") }
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
        _ = try await stores[worker % stores.count].submit(report, by: principal, clientRequestID: key, once: claim, reply: { _ in [1] })
    }

    func stop() async {
        for client in clients { await client.shutdown() }
        for task in serverTasks {
            task.cancel()
            _ = try? await task.value
        }
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
