import Foundation

/// Fills a store with the demo township and its tickets, in large batched transactions.
public enum DemoDataLoader {
    public struct Report: Sendable {
        public var tickets: Int
        public var ledgerEvents: Int
        public var seconds: Double
        /// Of `seconds`: building tickets in memory, and writing them.
        public var generationSeconds: Double
        public var insertSeconds: Double
        public var ticketsPerSecond: Double { seconds > 0 ? Double(tickets) / seconds : 0 }
    }

    /// The reference instant demo data is generated up to (2026-11-20 12:00 Asia/Shanghai).
    public static let referenceNow = Date(timeIntervalSince1970: 1_795_147_200)

    /// ~10,000 tickets for the seed-scale demo; pass 1_000_000 for the scaled mode.
    public static func load(into store: any IntakeStore, ticketCount: Int = 10_000, seed: UInt64 = 20_260_101,
                            now: Date = referenceNow, batchSize: Int = 10_000,
                            progress: (@Sendable (Int) -> Void)? = nil) async throws -> Report {
        let admin = Principal(userID: "demo-loader", role: .admin)
        try await store.replaceReferenceData(DemoReferenceData.make(), by: admin)
        let generator = DemoTicketGenerator(catalog: try ReferenceCatalog(store.referenceData()),
                                            calendar: store.configuration.calendar, now: now)
        var rng = SeededRandom(seed: seed)
        let start = ContinuousClock.now
        var events = 0
        var done = 0
        var generating = Duration.zero
        var inserting = Duration.zero
        while done < ticketCount {
            let n = min(batchSize, ticketCount - done)
            var batch: [GeneratedTicket] = []
            batch.reserveCapacity(n)
            let t0 = ContinuousClock.now
            for i in done..<(done + n) {
                let t = try generator.ticket(index: i, of: ticketCount, rng: &rng)
                events += t.entries.count
                batch.append(t)
            }
            let t1 = ContinuousClock.now
            try await store.bulkInsert(batch)
            generating += t1 - t0
            inserting += ContinuousClock.now - t1
            done += n
            progress?(done)
        }
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return Report(tickets: ticketCount, ledgerEvents: events, seconds: seconds(ContinuousClock.now - start),
                      generationSeconds: seconds(generating), insertSeconds: seconds(inserting))
    }
}
