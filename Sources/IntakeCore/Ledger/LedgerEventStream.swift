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
    let store: SQLiteTicketStore
    let start: Int64
    let principal: Principal
    let batchSize: Int
    let pollInterval: Duration

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, position: start, principal: principal, batchSize: batchSize, pollInterval: pollInterval)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let store: SQLiteTicketStore
        var position: Int64
        let principal: Principal
        let batchSize: Int
        let pollInterval: Duration
        var buffer: [LedgerEvent] = []

        public mutating func next() async throws -> LedgerEvent? {
            while buffer.isEmpty {
                try Task.checkCancellation()
                let seen = store.changeSignal.generation
                buffer = try await store.events(after: position, limit: batchSize, for: principal)
                if buffer.isEmpty {
                    await store.changeSignal.wait(after: seen, timeout: pollInterval)
                }
            }
            let event = buffer.removeFirst()
            position = event.position
            return event
        }
    }
}
