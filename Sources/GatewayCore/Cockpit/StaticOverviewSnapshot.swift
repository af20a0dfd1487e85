import Synchronization

/// For benchmarks only (`cockpit.benchmarkStaticOverview`): the first complete overview answer
/// of each audience, kept as it is forever. Served on its own path through the same server,
/// sign-in, role check and middleware as the live overview, it is the ceiling the overview is
/// measured against: the same bytes with none of the overview's work.
final class StaticOverviewSnapshot: Sendable {
    static let path = "/api/cockpit/overview-static-benchmark"

    private let overview: OverviewService
    private let frozen = Mutex<[String: OverviewService.Answer]>([:])

    init(overview: OverviewService) {
        self.overview = overview
    }

    func answer(for user: GatewayUser) async -> OverviewService.Answer {
        let key = OverviewService.key(for: user)
        if let answer = frozen.withLock({ $0[key] }) { return answer }
        let answer = await overview.overview(for: user)
        if answer.complete { frozen.withLock { $0[key] = $0[key] ?? answer } }
        return answer
    }
}
