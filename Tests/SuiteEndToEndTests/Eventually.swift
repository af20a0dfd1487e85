/// Retries `body` until it succeeds, for up to `limit`; the last error explains a failure.
/// Polling with a deadline, so a slow machine waits longer and a fast one not at all.
@discardableResult
func eventually<T>(_ what: String, within limit: Duration = .seconds(30), _ body: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + limit
    while true {
        do {
            return try await body()
        } catch {
            guard ContinuousClock.now < deadline else {
                throw GatewayHTTP.Failure(description: "\(what) did not happen within \(limit): \(error)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
