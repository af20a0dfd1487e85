import BenchmarkSupport
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf

/// Protobuf encoding through grpc-swift-2's serializer protocols, without generated code:
/// both stacks carry the same `BytesValue` message.
struct BytesValueSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Google_Protobuf_BytesValue) throws -> Bytes {
        Bytes(try message.serializedBytes() as [UInt8])
    }
}

struct BytesValueDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Google_Protobuf_BytesValue {
        try serializedMessageBytes.withUnsafeBytes { try Google_Protobuf_BytesValue(serializedBytes: Array($0)) }
    }
}

/// The echo method registered by hand on the router.
struct GRPCEchoService: RegistrableRPCService {
    static let say = MethodDescriptor(fullyQualifiedService: "bench.echo.v1.Echo", method: "Say", type: .unary)

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.say, deserializer: BytesValueDeserializer(), serializer: BytesValueSerializer()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: single.message))
        }
    }
}

/// grpc-swift-2 over its HTTP/2 transport with mutual TLS (NIOSSL) from the same PEM files,
/// one client (one HTTP/2 connection) on 127.0.0.1.
final class GRPCEchoStack: Sendable {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let serverTask: Task<Void, Error>
    private let clientTask: Task<Void, Error>

    private init(
        server: GRPCServer<HTTP2ServerTransport.Posix>, client: GRPCClient<HTTP2ClientTransport.Posix>,
        serverTask: Task<Void, Error>, clientTask: Task<Void, Error>
    ) {
        self.server = server
        self.client = client
        self.serverTask = serverTask
        self.clientTask = clientTask
    }

    static func start(pki: BenchmarkPKI) async throws -> GRPCEchoStack {
        let caRoots = TLSConfig.TrustRootsSource.certificates([.file(path: pki.ca.certificatePath, format: .pem)])
        let server = GRPCServer(
            transport: .http2NIOPosix(
                address: .ipv4(host: "127.0.0.1", port: 0),
                transportSecurity: .mTLS(
                    certificateChain: [.file(path: pki.server.certificatePath, format: .pem)],
                    privateKey: .file(path: pki.server.privateKeyPath, format: .pem)
                ) { tls in
                    tls.trustRoots = caRoots
                    tls.clientCertificateVerification = .noHostnameVerification
                }),
            services: [GRPCEchoService()])
        let serverTask = Task { try await server.serve() }
        guard let port = try await server.transport.listeningAddress.ipv4?.port else { throw GRPCStackError.noListeningAddress }
        let client = GRPCClient(
            transport: try .http2NIOPosix(
                target: .ipv4(address: "127.0.0.1", port: port),
                transportSecurity: .mTLS(
                    certificateChain: [.file(path: pki.client.certificatePath, format: .pem)],
                    privateKey: .file(path: pki.client.privateKeyPath, format: .pem)
                ) { tls in
                    tls.trustRoots = caRoots
                    // The certificates name SPIFFE URIs, not 127.0.0.1: verify the chain only.
                    tls.serverCertificateVerification = .noHostnameVerification
                }))
        let clientTask = Task { try await client.runConnections() }
        let stack = GRPCEchoStack(server: server, client: client, serverTask: serverTask, clientTask: clientTask)
        try await stack.call(payload: Google_Protobuf_BytesValue(Data(count: 1)))
        return stack
    }

    func call(payload: Google_Protobuf_BytesValue) async throws {
        let answer = try await client.unary(
            request: ClientRequest(message: payload), descriptor: GRPCEchoService.say,
            serializer: BytesValueSerializer(), deserializer: BytesValueDeserializer(), options: .defaults
        ) { response in try response.message }
        guard answer.value.count == payload.value.count else { throw EchoMismatch() }
    }

    func stop() async {
        client.beginGracefulShutdown()
        server.beginGracefulShutdown()
        _ = try? await clientTask.value
        _ = try? await serverTask.value
    }
}

enum GRPCStackError: Error {
    case noListeningAddress
}
