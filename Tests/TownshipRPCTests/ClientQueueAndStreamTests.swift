import Foundation
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipWire

/// The client's side of issue #10: a client stream answered early, the deadline of a call
/// that waits for a slot, and the bound on how many may wait.
@Suite struct ClientQueueAndStreamTests {
    /// Twenty messages, more than the one credit the servers below grant at a time.
    static var upload: AsyncStream<Google_Protobuf_BytesValue> {
        AsyncStream { continuation in
            for _ in 0..<20 { continuation.yield(Google_Protobuf_BytesValue(Data(repeating: 1, count: 100))) }
            continuation.finish()
        }
    }

    static func oneCreditHarness() async throws -> RPCTestHarness {
        try await RPCTestHarness.start(limits: Hello(maxConcurrentRequests: 8, initialStreamCredit: 1, isAck: true))
    }

    /// The server answers before it has read the stream: the send waiting for credit ends,
    /// and the call returns the server's answer.
    @Test func aResponseBeforeTheStreamEndsIsTheCallsResult() async throws {
        let harness = try await Self.oneCreditHarness()
        let result = await outcome(within: .seconds(5)) {
            try await harness.client.clientStreaming(EchoService.answerEarly, Self.upload, as: Google_Protobuf_Int64Value.self).value
        }
        #expect(try result?.get() == 42, "the upload's sender was left waiting for credit: \(String(describing: result))")
        await harness.stop()
    }

    @Test func anErrorBeforeTheStreamEndsIsTheCallsError() async throws {
        let harness = try await Self.oneCreditHarness()
        let result = await outcome(within: .seconds(5)) {
            try await harness.client.clientStreaming(EchoService.failEarly, Self.upload, as: Google_Protobuf_Int64Value.self).value
        }
        guard case .failure(let error as RPCError)? = result else {
            Issue.record("expected FAILED_PRECONDITION, got \(String(describing: result))")
            await harness.stop()
            return
        }
        #expect(error.status == .failedPrecondition)
        await harness.stop()
    }

    /// A regression guard (it passed before the fix too): cancelling the caller reaches a
    /// send that waits for credit the server never grants.
    @Test func cancelReachesASendWaitingForCredit() async throws {
        let harness = try await Self.oneCreditHarness()
        let call = Task {
            try await harness.client.clientStreaming(EchoService.ignoreUpload, Self.upload, as: Google_Protobuf_Int64Value.self)
        }
        try await waitUntil { harness.service.handled.load(ordering: .relaxed) == 1 }
        call.cancel()
        let result = await outcome(within: .seconds(5)) { try await call.value }
        guard case .failure(let error as RPCError)? = result else {
            Issue.record("expected CANCELLED, got \(String(describing: result))")
            await harness.stop()
            return
        }
        #expect(error.status == .cancelled)
        await harness.stop()
    }

    /// With one slot taken for 1.5 s, a call with a 300 ms deadline fails at its deadline
    /// while still queued, instead of being sent when the slot frees with its timer restarted.
    @Test func aQueuedCallsDeadlineRunsFromItsStart() async throws {
        let harness = try await RPCTestHarness.start(limits: Hello(maxConcurrentRequests: 1, isAck: true))
        _ = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("warm"), as: Google_Protobuf_StringValue.self)
        let blocker = Task {
            try await harness.client.unary(EchoService.pause, Google_Protobuf_Int32Value(1_500), as: Google_Protobuf_Int32Value.self)
        }
        try await waitUntil { harness.service.handled.load(ordering: .relaxed) == 2 }
        let started = ContinuousClock.now
        do {
            _ = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("late"), as: Google_Protobuf_StringValue.self,
                                               options: CallOptions(timeout: .milliseconds(300)))
            Issue.record("the queued call was answered after its deadline")
        } catch let error as RPCError {
            #expect(error.status == .deadlineExceeded)
        }
        #expect(ContinuousClock.now - started < .milliseconds(1_200))
        #expect(harness.service.handled.load(ordering: .relaxed) == 2, "the expired call was sent anyway")
        _ = try await blocker.value
        await harness.stop()
    }

    /// Two may wait; the other eight fail at once with RESOURCE_EXHAUSTED (never sent).
    @Test func theQueueOfCallsWaitingForASlotIsBounded() async throws {
        let harness = try await RPCTestHarness.start(
            limits: Hello(maxConcurrentRequests: 1, isAck: true),
            client: { $0.maxQueuedCalls = 2; $0.maxAttempts = 1 })
        _ = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("warm"), as: Google_Protobuf_StringValue.self)
        let blocker = Task {
            try await harness.client.unary(EchoService.pause, Google_Protobuf_Int32Value(1_500), as: Google_Protobuf_Int32Value.self)
        }
        try await waitUntil { harness.service.handled.load(ordering: .relaxed) == 2 }
        let calls = (0..<10).map { index in
            Task {
                try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("\(index)"), as: Google_Protobuf_StringValue.self)
            }
        }
        var refused = 0
        var served = 0
        for call in calls {
            switch await outcome(within: .seconds(10), of: { try await call.value }) {
            case .success?: served += 1
            case .failure(let error as RPCError)? where error.status == .resourceExhausted && error.wasRefused: refused += 1
            case let other: Issue.record("unexpected \(String(describing: other))")
            }
        }
        #expect(refused == 8)
        #expect(served == 2)
        _ = try await blocker.value
        await harness.stop()
    }
}
