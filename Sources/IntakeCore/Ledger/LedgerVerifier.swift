/// Walks a ticket's events in sequence order and reports the first that does not check out.
/// Detects edited rows (hash mismatch), deleted rows (sequence gap, broken link, or a head
/// that no longer matches the ticket's recorded head), and reordering (sequence / position
/// disagreement or broken links).
public enum LedgerVerifier {
    /// `verify` over events as a store read them: events that cannot be decoded are a broken
    /// chain (reported at the first sequence), not an error of the call.
    public static func verify(loaded events: Result<[LedgerEvent], any Error>, ticket: Ticket, recordedLength: Int,
                              recordedHead: String) -> LedgerVerification {
        switch events {
        case .success(let events):
            return verify(events: events, ticketID: ticket.id, recordedLength: recordedLength, recordedHead: recordedHead,
                          currentStatus: ticket.status)
        case .failure(let error):
            return .broken(atSequence: 1, position: nil, reason: "an event cannot be decoded: \(error)")
        }
    }

    public static func verify(events: [LedgerEvent], ticketID: TicketID, recordedLength: Int, recordedHead: String,
                       currentStatus: TicketStatus) -> LedgerVerification {
        var previousHash = LedgerHasher.genesisHash
        var previousPosition: Int64 = 0
        for (index, event) in events.enumerated() {
            let expected = index + 1
            guard event.sequence == expected else {
                return .broken(atSequence: expected, position: event.position,
                               reason: "expected sequence \(expected), found \(event.sequence): an event is missing or moved")
            }
            guard event.position > previousPosition else {
                return .broken(atSequence: expected, position: event.position,
                               reason: "position \(event.position) is not after \(previousPosition): events were reordered")
            }
            guard event.previousHash == previousHash else {
                return .broken(atSequence: expected, position: event.position,
                               reason: "previous-hash link does not match the hash of event \(expected - 1)")
            }
            let recomputed = LedgerHasher.hash(ticketID: ticketID, sequence: event.sequence, draft: event.draft, previousHash: previousHash)
            guard recomputed == event.hash else {
                return .broken(atSequence: expected, position: event.position, reason: "content does not match its hash: the event was rewritten")
            }
            previousHash = event.hash
            previousPosition = event.position
        }
        guard events.count == recordedLength else {
            return .broken(atSequence: events.count + 1, position: nil,
                           reason: "the ticket records \(recordedLength) events but the ledger holds \(events.count): events were deleted")
        }
        guard previousHash == recordedHead else {
            return .broken(atSequence: max(events.count, 1), position: events.last?.position,
                           reason: "the last event's hash does not match the head recorded on the ticket")
        }
        if let last = events.last, last.toStatus != currentStatus {
            return .broken(atSequence: last.sequence, position: last.position,
                           reason: "the ticket's status '\(currentStatus.rawValue)' differs from the ledger's '\(last.toStatus.rawValue)'")
        }
        return .intact(eventCount: events.count, headHash: previousHash)
    }
}
