import Foundation

/// Tails the ledger from a position: first everything already recorded after it, then each
/// new event as it commits, in position order, without gaps. Resume after a disconnect by
/// starting again from the last position received.
///
/// Why no event is missed: SQLite has one writer, and positions are assigned inside write
/// transactions, so commits become visible in position order; reading "after N" never skips
/// a lower position that commits later. (A PostgreSQL store would need its own rule here.)
public struct LedgerEventStream: AsyncSequence, Sendable {
    public typealias Element = LedgerEvent
    /// Reads a batch after a position; any `TicketStore`'s `events(after:limit:for:)`.
    let fetch: @Sendable (Int64) async throws -> [LedgerEvent]
    let signal: LedgerChangeSignal
    let start: Int64
    let pollInterval: Duration

    public init(start: Int64, signal: LedgerChangeSignal, pollInterval: Duration, fetch: @escaping @Sendable (Int64) async throws -> [LedgerEvent]) {
        self.start = start; self.signal = signal; self.pollInterval = pollInterval; self.fetch = fetch
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(fetch: fetch, signal: signal, position: start, pollInterval: pollInterval)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let fetch: @Sendable (Int64) async throws -> [LedgerEvent]
        let signal: LedgerChangeSignal
        var position: Int64
        let pollInterval: Duration
        var buffer: [LedgerEvent] = []

        public mutating func next() async throws -> LedgerEvent? {
            while buffer.isEmpty {
                try Task.checkCancellation()
                let seen = signal.generation
                buffer = try await fetch(position)
                if buffer.isEmpty {
                    await signal.wait(after: seen, timeout: pollInterval)
                }
            }
            let event = buffer.removeFirst()
            position = event.position
            return event
        }
    }
}
