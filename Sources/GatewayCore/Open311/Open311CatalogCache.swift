import Synchronization

/// Intake's reference data for Open311 answers, reused for `ttl` (5 s by default): every
/// GeoReport answer needs the categories, departments and villages, and public reads need no
/// session, so without reuse each anonymous request would cost intake three more calls.
/// Changes to the reference data show within the TTL.
final class Open311CatalogCache: Sendable {
    private let intake: IntakeBackend
    private let ttl: Duration
    private let cached = Mutex<(at: ContinuousClock.Instant, catalog: Open311Catalog)?>(nil)

    init(intake: IntakeBackend, ttl: Duration = .seconds(5)) {
        self.intake = intake
        self.ttl = ttl
    }

    func catalog() async throws -> Open311Catalog {
        let now = ContinuousClock.now
        if let hit = cached.withLock({ $0 }), now - hit.at < ttl { return hit.catalog }
        // Concurrent misses each fetch; the last one stored wins (they are the same data).
        let fresh = try await Open311Catalog.load(from: intake)
        cached.withLock { $0 = (now, fresh) }
        return fresh
    }
}
