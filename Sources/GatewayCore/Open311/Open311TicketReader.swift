import TownshipProtos

/// Reads tickets from intake as the public reader, for `GET requests`.
struct Open311TicketReader: Sendable {
    let intake: IntakeBackend

    /// Intake's largest page.
    static let intakePageSize = 500

    /// The `query.page`-th page of `query.pageSize` tickets, newest first: earlier pages are
    /// read through and dropped (at most `open311.maxPageNumber` × `open311.maxPageSize`
    /// tickets, 20,000 by default).
    func tickets(_ query: Open311Query) async throws -> [Township_Intake_V1_Ticket] {
        var request = Township_Intake_V1_ListTicketsRequest()
        request.filter = query.filter
        let skip = query.requestIDs.isEmpty ? (query.page - 1) * query.pageSize : 0
        let wanted = query.requestIDs.isEmpty ? query.pageSize : query.requestIDs.count
        var skipped = 0
        var collected: [Township_Intake_V1_Ticket] = []
        while collected.count < wanted {
            let remaining = skip - skipped + wanted - collected.count
            request.page.pageSize = Int32(min(Self.intakePageSize, remaining))
            let response = try await intake.call(Township_Intake_V1_Intake.listTickets, request, for: Open311Access.publicReader)
            for ticket in response.tickets {
                if skipped < skip {
                    skipped += 1
                } else if collected.count < wanted {
                    collected.append(ticket)
                }
            }
            guard !response.page.nextCursor.isEmpty, !response.tickets.isEmpty else { break }
            request.page.cursor = response.page.nextCursor
        }
        return collected
    }

    /// One ticket by id; 404 when there is none.
    func ticket(id: String) async throws -> Township_Intake_V1_Ticket {
        guard !id.isEmpty, id.utf8.count <= 64 else { throw GatewayError.notFound("no service request '\(id.prefix(64))'") }
        var get = Township_Intake_V1_GetTicketRequest()
        get.ticketID.value = id
        do {
            return try await intake.call(Township_Intake_V1_Intake.getTicket, get, for: Open311Access.publicReader).ticket
        } catch let error as GatewayError where error.status == .notFound || error.status == .badRequest {
            throw GatewayError.notFound("no service request '\(id)'")
        }
    }
}
