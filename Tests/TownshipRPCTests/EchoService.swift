import Foundation
import NIOCore
import NIOPosix
import Synchronization
import SwiftProtobuf
import TownshipRPC

/// A small service for the runtime's tests, on the well-known wrapper messages.
final class EchoService: Sendable {
    static let say = "test.echo.v1.Echo/Say"
    /// Unary: answers `Say`'s reply, encoded by the handler itself.
    static let sayEncoded = "test.echo.v1.Echo/SayEncoded"
    static let hang = "test.echo.v1.Echo/Hang"
    static let count = "test.echo.v1.Echo/Count"
    static let collect = "test.echo.v1.Echo/Collect"
    static let fail = "test.echo.v1.Echo/Fail"
    static let pause = "test.echo.v1.Echo/Pause"
    static let big = "test.echo.v1.Echo/Big"
    /// Client-streaming: answers at once, without reading the client's messages.
    static let answerEarly = "test.echo.v1.Echo/AnswerEarly"
    /// Client-streaming: fails at once, without reading the client's messages.
    static let failEarly = "test.echo.v1.Echo/FailEarly"
    /// Client-streaming: reads nothing and never answers.
    static let ignoreUpload = "test.echo.v1.Echo/IgnoreUpload"
    /// Unary: takes 300 ms whether or not it is cancelled.
    static let stubborn = "test.echo.v1.Echo/Stubborn"
    /// Unary: answers whether the handler runs on one of NIO's event loop threads.
    static let onEventLoop = "test.echo.v1.Echo/OnEventLoop"

    /// Calls of `Hang` that saw their task cancelled.
    let cancellationsSeen = Atomic<Int>(0)
    /// Messages `Count` has handed to the runtime (each `send` returned).
    let streamed = Atomic<Int>(0)
    /// Calls that reached a handler at all.
    let handled = Atomic<Int>(0)

    static func encodedReply(to request: Google_Protobuf_StringValue) throws -> [UInt8] {
        try Google_Protobuf_StringValue("encoded: \(request.value)").serializedBytes()
    }

    var router: RPCRouter {
        var router = RPCRouter()
        router.unary(Self.say, Google_Protobuf_StringValue.self, Google_Protobuf_StringValue.self) { request, _ in
            self.handled.add(1, ordering: .relaxed)
            return Google_Protobuf_StringValue(request.value)
        }
        router.unary(Self.sayEncoded, Google_Protobuf_StringValue.self, encoded: Google_Protobuf_StringValue.self) { request, _ in
            self.handled.add(1, ordering: .relaxed)
            return try Self.encodedReply(to: request)
        }
        router.unary(Self.pause, Google_Protobuf_Int32Value.self, Google_Protobuf_Int32Value.self) { request, _ in
            self.handled.add(1, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(Int(request.value)))
            return request
        }
        router.unary(Self.hang, Google_Protobuf_StringValue.self, Google_Protobuf_StringValue.self) { _, _ in
            self.handled.add(1, ordering: .relaxed)
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                self.cancellationsSeen.add(1, ordering: .relaxed)
                throw error
            }
            return Google_Protobuf_StringValue("never")
        }
        router.serverStreaming(Self.count, Google_Protobuf_Int32Value.self, Google_Protobuf_BytesValue.self) { request, writer, _ in
            let chunk = Data(repeating: 7, count: 1_024)
            for _ in 0..<request.value {
                try await writer.send(Google_Protobuf_BytesValue(chunk))
                self.streamed.add(1, ordering: .relaxed)
            }
        }
        router.clientStreaming(Self.collect, Google_Protobuf_BytesValue.self, Google_Protobuf_Int64Value.self) { requests, _ in
            var total: Int64 = 0
            for try await chunk in requests { total += Int64(chunk.value.count) }
            return Google_Protobuf_Int64Value(total)
        }
        router.unary(Self.big, Google_Protobuf_Int32Value.self, Google_Protobuf_BytesValue.self) { request, _ in
            self.handled.add(1, ordering: .relaxed)
            return Google_Protobuf_BytesValue(Data(repeating: 9, count: Int(request.value)))
        }
        router.clientStreaming(Self.answerEarly, Google_Protobuf_BytesValue.self, Google_Protobuf_Int64Value.self) { _, _ in
            self.handled.add(1, ordering: .relaxed)
            return Google_Protobuf_Int64Value(42)
        }
        router.clientStreaming(Self.failEarly, Google_Protobuf_BytesValue.self, Google_Protobuf_Int64Value.self) { _, _ in
            self.handled.add(1, ordering: .relaxed)
            throw RPCError.failedPrecondition("not taking uploads")
        }
        router.clientStreaming(Self.ignoreUpload, Google_Protobuf_BytesValue.self, Google_Protobuf_Int64Value.self) { _, _ in
            self.handled.add(1, ordering: .relaxed)
            try await Task.sleep(for: .seconds(60))
            return Google_Protobuf_Int64Value(0)
        }
        router.unary(Self.stubborn, Google_Protobuf_StringValue.self, Google_Protobuf_StringValue.self) { request, _ in
            self.handled.add(1, ordering: .relaxed)
            // A detached task is not cancelled with the handler's: this handler ignores CANCEL.
            await Task.detached { try? await Task.sleep(for: .milliseconds(300)) }.value
            return request
        }
        router.unary(Self.onEventLoop, Google_Protobuf_Empty.self, Google_Protobuf_BoolValue.self) { _, _ in
            Google_Protobuf_BoolValue(MultiThreadedEventLoopGroup.currentEventLoop != nil)
        }
        router.unary(Self.fail, Google_Protobuf_StringValue.self, Google_Protobuf_StringValue.self) { request, _ in
            throw RPCError.failedPrecondition("refusing: \(request.value)")
        }
        return router
    }
}
