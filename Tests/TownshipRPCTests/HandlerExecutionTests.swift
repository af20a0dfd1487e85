import NIOPosix
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipWire

/// Where handlers and callers run: on the connection's event loop by default (no hop to the
/// cooperative pool per call), on the pool when a server asks for it, and a caller is back
/// off the loop once its call has returned.
@Suite struct HandlerExecutionTests {
    @Test func handlersRunOnTheirConnectionsEventLoopByDefault() async throws {
        let harness = try await RPCTestHarness.start()
        let answer = try await harness.client.unary(EchoService.onEventLoop, Google_Protobuf_Empty(), as: Google_Protobuf_BoolValue.self)
        #expect(answer.value)
        await harness.stop()
    }

    @Test func handlersRunOnTheCooperativePoolWhenTheServerSaysSo() async throws {
        let harness = try await RPCTestHarness.start(server: { $0.handlerExecution = .concurrentPool })
        let answer = try await harness.client.unary(EchoService.onEventLoop, Google_Protobuf_Empty(), as: Google_Protobuf_BoolValue.self)
        #expect(!answer.value)
        await harness.stop()
    }

    /// The client runs a unary call on its connection's loop; what the caller does next must
    /// not run there (a caller that blocks would stall every call of that loop).
    @Test func aCallerIsOffTheEventLoopAgainOnceItsCallReturns() async throws {
        let harness = try await RPCTestHarness.start()
        #expect(MultiThreadedEventLoopGroup.currentEventLoop == nil)
        for index in 0..<20 {
            let answer = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("\(index)"), as: Google_Protobuf_StringValue.self)
            #expect(answer.value == "\(index)")
            #expect(MultiThreadedEventLoopGroup.currentEventLoop == nil)
        }
        await #expect(throws: RPCError(.failedPrecondition, "refusing: x")) {
            _ = try await harness.client.unary(EchoService.fail, Google_Protobuf_StringValue("x"), as: Google_Protobuf_StringValue.self)
        }
        #expect(MultiThreadedEventLoopGroup.currentEventLoop == nil)
        await harness.stop()
    }
}
