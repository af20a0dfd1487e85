import Synchronization

/// A value (or the failure to get one) that is settled once and awaited by anyone, before or
/// after it is settled: the server's bound address, which tests and tools wait for.
final class OnceValue<Value: Sendable>: Sendable {
    private let state = Mutex<(result: Result<Value, any Error>?, waiters: [CheckedContinuation<Value, any Error>])>((nil, []))

    func set(_ value: Value) { settle(.success(value)) }

    func fail(_ error: any Error) { settle(.failure(error)) }

    /// The first settlement wins; later ones are ignored.
    private func settle(_ result: Result<Value, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let settled = state.withLock { state -> Result<Value, any Error>? in
                if let result = state.result { return result }
                state.waiters.append(continuation)
                return nil
            }
            if let settled { continuation.resume(with: settled) }
        }
    }
}
