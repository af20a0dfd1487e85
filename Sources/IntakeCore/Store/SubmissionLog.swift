import Logging
import Synchronization

/// The log of filed tickets. Submissions are the hot path (thousands a second under load), so
/// one info line each costs CPU the writer needs and floods the log: each filing is a debug
/// line, and every `infoEvery`-th filing an info line with the count since the store opened.
/// Both stores log through this, so their logs read the same.
public final class SubmissionLog: Sendable {
    /// One info line per this many tickets filed (and the first).
    public static let infoEvery = 1_000

    private let filed = Atomic<Int>(0)

    public init() {}

    /// Tickets filed since the store opened (replays of an earlier submission are not counted).
    public var count: Int { filed.load(ordering: .relaxed) }

    public func filed(_ ticket: Ticket, logger: Logger) {
        let count = filed.add(1, ordering: .relaxed).newValue
        logger.debug("ticket submitted", metadata: ["number": "\(ticket.number)", "channel": "\(ticket.channel.rawValue)"])
        if count == 1 || count % Self.infoEvery == 0 {
            logger.info("tickets submitted", metadata: ["count": "\(count)", "latest": "\(ticket.number)"])
        }
    }
}
