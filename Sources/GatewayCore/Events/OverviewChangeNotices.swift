/// Tells one event stream's browser when its overview changed, so the page refetches the
/// overview on that alone, not on every ticket event nor on a timer.
///
/// Every backend event the stream forwards wakes this (and has ended the reuse of cached
/// overviews: `OverviewService.invalidate`); it then waits `interval` (events meanwhile
/// are folded in), fetches the viewer's overview (one shared, coalesced round for everyone with
/// the same view) and sends `event: overview` with its ETag, unless this stream announced that
/// ETag already. So at most one `overview` event per `interval`, and none when nothing the
/// viewer sees changed.
final class OverviewChangeNotices: Sendable {
    let overview: OverviewService
    let user: GatewayUser
    let interval: Duration
    private let changes: AsyncStream<Void>
    private let sink: AsyncStream<Void>.Continuation

    init(overview: OverviewService, user: GatewayUser, interval: Duration) {
        self.overview = overview
        self.user = user
        self.interval = interval
        // One pending wake-up at most: a burst of events is one change.
        let (changes, sink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.changes = changes
        self.sink = sink
    }

    /// A backend event went out on this stream.
    func changed() {
        sink.yield()
    }

    func finish() {
        sink.finish()
    }

    /// Until `finish()` or cancellation: sends an `overview` event line through `send` after
    /// changes, as described above.
    func run(send: @Sendable (String) -> Void) async {
        var announced: String?
        for await _ in changes {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            let answer = await overview.currentOverview(for: user)
            guard let etag = answer.etag, etag != announced else { continue }
            announced = etag
            send("event: overview\ndata: {\"etag\":\(JSONValue.quoted(etag))}\n\n")
        }
    }
}
