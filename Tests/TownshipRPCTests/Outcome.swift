/// The outcome of `body` if it comes within `limit`, nil otherwise. `body` runs in a task of
/// its own that is not awaited, so a call that never returns (a leaked continuation) fails
/// the test instead of hanging it.
func outcome<T: Sendable>(within limit: Duration, of body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
    let (results, continuation) = AsyncStream.makeStream(of: Result<T, any Error>?.self)
    Task {
        do {
            continuation.yield(.success(try await body()))
        } catch {
            continuation.yield(.failure(error))
        }
    }
    let timer = Task {
        try? await Task.sleep(for: limit)
        continuation.yield(nil)
    }
    var iterator = results.makeAsyncIterator()
    let first = await iterator.next() ?? nil
    timer.cancel()
    continuation.finish()
    return first
}
