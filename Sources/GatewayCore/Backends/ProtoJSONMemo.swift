import Synchronization
import SwiftProtobuf

/// JSON of messages the overview encodes again every round (intake's open tickets: the same
/// two hundred, mostly unchanged, were most of a round's work). An entry is reused only when the
/// new message is equal to the one it was made from, so it can never be stale; the key only
/// decides which earlier message is compared. Bounded: when full, it starts afresh.
final class ProtoJSONMemo<M: Message & Equatable>: Sendable {
    private let entries = Mutex<[String: (message: M, json: String)]>([:])
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// `message` as JSON (`ProtoJSON.encode`), made once for equal messages under `key`.
    func json(_ message: M, key: String) throws -> String {
        if let json = entries.withLock({ entries in entries[key].flatMap { $0.message == message ? $0.json : nil } }) {
            return json
        }
        let json = try ProtoJSON.encode(message)
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = (message, json)
        }
        return json
    }

    var count: Int { entries.withLock { $0.count } }
}
