import NIOCore
import Synchronization
import TownshipWire

/// One call from the caller's side: the messages that come back, and the id once the
/// connection has assigned one. Cancelling before the id exists still works: the
/// connection sees the flag when it gets to the call.
final class ClientCallHandle: Sendable {
    let method: String
    let kind: RPCMethodKind
    let responses: MessageInbox
    private let state: Mutex<State>
    private let sink: CreditSink

    struct State {
        var id: UInt32?
        var cancelled = false
    }

    /// Where consumed server-stream messages turn into CREDIT; known once the call starts.
    final class CreditSink: Sendable {
        let target = Mutex<(ClientConnectionLink, UInt32)?>(nil)
        func consumed() {
            if let (link, id) = target.withLock({ $0 }) { link.creditConsumed(id) }
        }
    }

    init(method: String, kind: RPCMethodKind) {
        self.method = method
        self.kind = kind
        let sink = CreditSink()
        self.sink = sink
        // Only a server stream's messages earn credit back; a single answer does not.
        self.responses = kind == .serverStreaming ? MessageInbox(onConsumed: { sink.consumed() }) : MessageInbox()
        self.state = Mutex(State())
    }

    var id: UInt32? { state.withLock { $0.id } }
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func assign(_ id: UInt32, link: ClientConnectionLink) {
        state.withLock { $0.id = id }
        sink.target.withLock { $0 = (link, id) }
    }

    /// Returns the id if the call had started.
    func markCancelled() -> UInt32? {
        state.withLock { state in
            state.cancelled = true
            return state.id
        }
    }
}
