import ArgumentParser
import Foundation
import NIOCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipTLS

/// `township call SERVICE METHOD [JSON]`: like grpcurl, for TWP/1. JSON in (proto3 JSON
/// mapping), JSON out; a client-streaming method takes a JSON array; a server-streaming
/// method prints each message as it arrives. Without METHOD it lists the methods.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Call a service method with JSON, or list services and methods.")

    @Argument(help: "Service name (omit to list services).")
    var service: String?

    @Argument(help: "Method name, e.g. SubmitTicket (omit to list methods).")
    var method: String?

    @Argument(help: "The request as proto3 JSON; a JSON array for client-streaming methods.")
    var json: String = "{}"

    @Option(help: "host:port of the service (default 127.0.0.1 and the service's local port).")
    var endpoint: String?

    @Option(help: "Folder with ca.crt and admin-township.crt/.key.")
    var certs = "state/certs"

    @Option(help: "The end user to act for, as a township.common.v1.Principal in JSON.")
    var principal: String?

    @Option(help: "Deadline in seconds.")
    var timeout: Double = 30

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws {
        guard let service else {
            for known in KnownServices.all { print("\(known.name)\t\(known.identity)\t127.0.0.1:\(known.defaultPort)") }
            return
        }
        guard let known = KnownServices.named(service) else {
            throw Failure(description: "no service '\(service)'; known: \(KnownServices.all.map(\.name).joined(separator: ", "))")
        }
        guard let method else {
            for info in known.methods { print("\(info.path)\t\(info.kind.rawValue)") }
            return
        }
        guard let info = known.method(named: method) else {
            throw Failure(description: "\(service) has no method '\(method)'; run `township call \(service)` to list them")
        }
        let client = try makeClient(for: known)
        defer { Task { await client.shutdown() } }
        var options = CallOptions(timeout: .milliseconds(Int64(timeout * 1000)))
        if let principal {
            options.principal = ByteBuffer(bytes: try Township_Common_V1_Principal(jsonString: principal).serializedBytes() as [UInt8])
        }
        do {
            try await call(info, client: client, options: options)
        } catch let error as RPCError {
            throw Failure(description: "\(error.status.name): \(error.message)")
        }
        await client.shutdown()
    }

    private func call(_ info: MethodDescriptorInfo, client: RPCClient, options: CallOptions) async throws {
        switch info.kind {
        case .unary:
            let request = try encode(info.requestType, json)
            print(try decode(info.responseType, try await client.unary(info.path, request, options: options)))
        case .serverStreaming:
            let request = try encode(info.requestType, json)
            for try await message in client.serverStreaming(info.path, request, options: options) {
                print(try decode(info.responseType, message))
            }
        case .clientStreaming, .bidirectionalStreaming:
            guard let array = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else {
                throw Failure(description: "\(info.path) is client-streaming: give a JSON array of requests")
            }
            let messages = try array.map { element -> ByteBuffer in
                let text = String(decoding: try JSONSerialization.data(withJSONObject: element, options: .fragmentsAllowed), as: UTF8.self)
                return try encode(info.requestType, text)
            }
            let response = try await client.clientStreaming(info.path, encodedMessages: messages.async, options: options)
            print(try decode(info.responseType, response))
        }
    }

    private func makeClient(for service: KnownService) throws -> RPCClient {
        let address = endpoint ?? "127.0.0.1:\(service.defaultPort)"
        guard let parsed = RPCEndpoint(address) else { throw Failure(description: "endpoint '\(address)' is not host:port") }
        let folder = URL(fileURLWithPath: certs)
        let context = try ReloadableTLSContext(configuration: .client(
            certificateChainPath: folder.appendingPathComponent("admin-\(KnownServices.adminName).crt").path,
            privateKeyPath: folder.appendingPathComponent("admin-\(KnownServices.adminName).key").path,
            trustedCAPath: folder.appendingPathComponent("ca.crt").path,
            expectedServerIdentity: service.identity))
        return RPCClient(
            configuration: RPCClientConfiguration(endpoints: [parsed], serverIdentity: service.identity, keepaliveInterval: nil),
            security: TLSClientTransport(contexts: context))
    }

    private func encode(_ type: any SwiftProtobuf.Message.Type, _ json: String) throws -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try type.init(jsonString: json).serializedBytes() as [UInt8])
        } catch {
            throw Failure(description: "the JSON is not a valid \(type.protoMessageName): \(error)")
        }
    }

    private func decode(_ type: any SwiftProtobuf.Message.Type, _ bytes: ByteBuffer) throws -> String {
        try type.init(serializedBytes: Array(bytes.readableBytesView)).jsonString()
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence, for APIs that stream.
    var async: AsyncArray<Element> { AsyncArray(elements: self) }
}

struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<Element>
        mutating func next() async -> Element? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: elements[...]) }
}
