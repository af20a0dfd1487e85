import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipWire

@Suite struct RPCCallTests {
    @Test func unaryRoundTripsManyConcurrentCallsBeyondTheServersLimit() async throws {
        // The server allows 8 at once; 200 concurrent calls must queue on the client, not fail.
        let harness = try await RPCTestHarness.start(limits: Hello(maxConcurrentRequests: 8, isAck: true))
        defer { Task { await harness.stop() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let answer = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("村\(index)"), as: Google_Protobuf_StringValue.self)
                    #expect(answer.value == "村\(index)")
                }
            }
            try await group.waitForAll()
        }
        #expect(harness.service.handled.load(ordering: .relaxed) == 200)
        await harness.stop()
    }

    @Test func aReplyEncodedByTheHandlerArrivesAsItsBytes() async throws {
        let harness = try await RPCTestHarness.start()
        let request = Google_Protobuf_StringValue("村委会")
        let bytes = try await harness.client.unary(EchoService.sayEncoded, ByteBuffer(bytes: try request.serializedBytes() as [UInt8]))
        #expect(Array(bytes.readableBytesView) == (try EchoService.encodedReply(to: request)))
        let typed = try await harness.client.unary(EchoService.sayEncoded, request, as: Google_Protobuf_StringValue.self)
        #expect(typed.value == "encoded: 村委会")
        await harness.stop()
    }

    @Test func handlerErrorsArriveWithTheirStatus() async throws {
        let harness = try await RPCTestHarness.start()
        await #expect(throws: RPCError(.failedPrecondition, "refusing: x")) {
            _ = try await harness.client.unary(EchoService.fail, Google_Protobuf_StringValue("x"), as: Google_Protobuf_StringValue.self)
        }
        await #expect(throws: RPCError(.unimplemented, "no method test.echo.v1.Echo/Nope")) {
            _ = try await harness.client.unary("test.echo.v1.Echo/Nope", Google_Protobuf_StringValue("x"), as: Google_Protobuf_StringValue.self)
        }
        await harness.stop()
    }

    @Test func deadlineExceededCancelsTheHandler() async throws {
        let harness = try await RPCTestHarness.start()
        // Connect first, so the short deadline is spent in the handler, not in the handshake.
        _ = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("warm"), as: Google_Protobuf_StringValue.self)
        try await expectAHangingCallToMeetItsDeadline(harness)
        try await waitUntil { harness.service.cancellationsSeen.load(ordering: .relaxed) == 1 }
        #expect(harness.service.handled.load(ordering: .relaxed) == 2)
        await harness.stop()
    }

    /// Deadlines share one timer per connection (`DeadlineSweep`): a short deadline behind a
    /// long one must still fire on time, on both sides, and again after the timer has fired.
    @Test func shortDeadlinesBehindALongOneStillExpireOnTime() async throws {
        let harness = try await RPCTestHarness.start()
        _ = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("warm"), as: Google_Protobuf_StringValue.self)
        let long = Task {
            try await harness.client.unary(EchoService.hang, Google_Protobuf_StringValue("long"), as: Google_Protobuf_StringValue.self, options: CallOptions(timeout: .seconds(120)))
        }
        try await waitUntil { harness.service.handled.load(ordering: .relaxed) == 2 }
        for round in 1...2 {
            // Well before the long call's 120 s: the short deadline fired on its own.
            try await expectAHangingCallToMeetItsDeadline(harness)
            // The server ended the short call's handler at its deadline too.
            try await waitUntil { harness.service.cancellationsSeen.load(ordering: .relaxed) == round }
        }
        long.cancel()
        _ = try? await long.value
        await harness.stop()
    }

    @Test func cancellingTheCallingTaskReachesTheHandler() async throws {
        let harness = try await RPCTestHarness.start()
        let call = Task {
            try await harness.client.unary(EchoService.hang, Google_Protobuf_StringValue("x"), as: Google_Protobuf_StringValue.self)
        }
        try await waitUntil { harness.service.handled.load(ordering: .relaxed) == 1 }
        call.cancel()
        await #expect(throws: RPCError.self) { _ = try await call.value }
        try await waitUntil { harness.service.cancellationsSeen.load(ordering: .relaxed) == 1 }
        await harness.stop()
    }

    @Test func serverStreamingDeliversEveryMessageInOrder() async throws {
        let harness = try await RPCTestHarness.start()
        var received = 0
        for try await message in harness.client.serverStreaming(EchoService.count, Google_Protobuf_Int32Value(500), as: Google_Protobuf_BytesValue.self) {
            #expect(message.value.count == 1_024)
            received += 1
        }
        #expect(received == 500)
        await harness.stop()
    }

    @Test func sixteenMebibytesStreamedFromTheClient() async throws {
        let harness = try await RPCTestHarness.start()
        let chunks = AsyncStream<Google_Protobuf_BytesValue> { continuation in
            for index in 0..<256 { continuation.yield(Google_Protobuf_BytesValue(Data(repeating: UInt8(index % 251), count: 65_536))) }
            continuation.finish()
        }
        let total = try await harness.client.clientStreaming(EchoService.collect, chunks, as: Google_Protobuf_Int64Value.self)
        #expect(total.value == 16 * 1_024 * 1_024)
        await harness.stop()
    }

    /// A consumer that stops reading holds the producer back: the handler can be at most
    /// the credit window plus what the sockets buffer ahead of the reader.
    @Test func aSlowReaderSlowsTheWriter() async throws {
        let harness = try await RPCTestHarness.start()
        var iterator = harness.client.serverStreaming(EchoService.count, Google_Protobuf_Int32Value(100_000), as: Google_Protobuf_BytesValue.self).makeAsyncIterator()
        for _ in 0..<10 { _ = try await iterator.next() }
        try await Task.sleep(for: .milliseconds(500))
        let produced = harness.service.streamed.load(ordering: .relaxed)
        // 16 credits granted at most twice over, plus the client's own buffered messages.
        #expect(produced <= 10 + 64, "the handler ran \(produced - 10) messages ahead of a stalled reader")
        await harness.stop()
    }

    @Test func gracefulShutdownFinishesEveryCallInFlightExactlyOnce() async throws {
        let service = EchoService()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = RPCServer(configuration: RPCServerConfiguration(logger: logger), router: service.router, security: PlaintextTransport())
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        let address = try await server.localAddress()
        let client = RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: address.port!)], serverIdentity: nil),
            security: PlaintextTransport())
        let calls = (0..<20).map { index in
            Task { try await client.unary(EchoService.pause, Google_Protobuf_Int32Value(Int32(300 + index)), as: Google_Protobuf_Int32Value.self) }
        }
        try await waitUntil { service.handled.load(ordering: .relaxed) == 20 }
        await group.triggerGracefulShutdown()
        for (index, call) in calls.enumerated() {
            #expect(try await call.value.value == Int32(300 + index))
        }
        #expect(service.handled.load(ordering: .relaxed) == 20)
        try await running.value
        await #expect(throws: RPCError.self) {
            _ = try await client.unary(EchoService.say, Google_Protobuf_StringValue("late"), as: Google_Protobuf_StringValue.self)
        }
        await client.shutdown()
    }
}

/// Polls `condition`; the limit only guards against hanging, it is not a timing claim.
/// A call to the method that sleeps 60 s, with a 200 ms deadline, fails with DEADLINE_EXCEEDED
/// well before the handler could have answered.
func expectAHangingCallToMeetItsDeadline(_ harness: RPCTestHarness) async throws {
    let started = ContinuousClock.now
    do {
        _ = try await harness.client.unary(EchoService.hang, Google_Protobuf_StringValue("x"), as: Google_Protobuf_StringValue.self, options: CallOptions(timeout: .milliseconds(200)))
        Issue.record("a hanging call returned")
    } catch let error as RPCError {
        #expect(error.status == .deadlineExceeded)
    }
    #expect(ContinuousClock.now - started < .seconds(30))
}

func waitUntil(_ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 30 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

@Suite struct ServerBindTests {
    /// An operator who starts a second copy on a taken port gets the bind error from `run`,
    /// and whoever waits for the address (tools, tests) gets it too instead of hanging.
    @Test func aTakenPortFailsRunAndTheAddressWaiters() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let first = RPCServer(configuration: RPCServerConfiguration(host: "127.0.0.1", port: 0, logger: logger),
                              router: EchoService().router, security: PlaintextTransport())
        let running = Task { try await first.run() }
        let port = try await first.localAddress().port!
        let second = RPCServer(configuration: RPCServerConfiguration(host: "127.0.0.1", port: port, logger: logger),
                               router: EchoService().router, security: PlaintextTransport())
        let waiter = Task { try await second.localAddress() }
        await #expect(throws: (any Error).self) { try await second.run() }
        await #expect(throws: (any Error).self) { try await waiter.value }
        await #expect(throws: (any Error).self) { try await second.localAddress() }
        running.cancel()
        _ = try? await running.value
    }
}
