import Foundation
import IntakeCore
import Testing
import TownshipProtos
import TownshipRPC

/// What Open311 clients send besides the core fields is stored and shown (issue #17): the
/// reporter's email, device and account only to those who see the full phone; media URL,
/// address id and zip code to every reader. Anonymous reports are accepted; tickets can be
/// listed by id; villages carry their centre.
@Suite("Open311 fields over live RPC")
struct Open311FieldsOverRPCTests {
    static func submission(name: String = "", email: String = "li@mail.example", media: String = "https://photos.example/1.jpg") -> Township_Intake_V1_SubmitTicketRequest {
        var request = Township_Intake_V1_SubmitTicketRequest()
        request.clientRequestID = UUID().uuidString
        request.reporter.name = name
        request.reporter.phone = "13812345678"
        request.reporter.email = email
        request.reporter.deviceID = "device-9"
        request.reporter.accountID = "account-3"
        request.submission.channel = .other
        request.submission.place.villageID.value = "V1"
        request.submission.problemDescription = "路灯不亮"
        request.submission.mediaURL = media
        request.submission.addressID = "V1-0042"
        request.submission.zipcode = "311100"
        return request
    }

    @Test("anonymous reports keep email, device, account, media URL, address id and zip code; the contact is masked like the phone")
    func fieldsAreKeptAndMasked() async throws {
        let live = try await LiveIntake()
        do {
            let filed = try await live.call(Township_Intake_V1_Intake.submitTicket, Self.submission(), as: Fixture.resident)
            #expect(filed.ticket.reporter.name == "")
            var get = Township_Intake_V1_GetTicketRequest()
            get.ticketID = filed.ticket.id
            // The reporter themselves sees everything they gave.
            let own = try await live.call(Township_Intake_V1_Intake.getTicket, get, as: Fixture.resident).ticket
            #expect(own.reporter.email == "li@mail.example")
            #expect(own.reporter.deviceID == "device-9")
            #expect(own.reporter.accountID == "account-3")
            #expect(own.submission.mediaURL == "https://photos.example/1.jpg")
            #expect(own.submission.addressID == "V1-0042")
            #expect(own.submission.zipcode == "311100")
            // A leader, not accountable for the phone, sees neither it nor the contact; the place fields yes.
            let led = try await live.call(Township_Intake_V1_Intake.getTicket, get, as: Fixture.leader).ticket
            #expect(led.reporter.masked)
            #expect(led.reporter.email.isEmpty && led.reporter.deviceID.isEmpty && led.reporter.accountID.isEmpty)
            #expect(led.submission.mediaURL == "https://photos.example/1.jpg")
            #expect(led.submission.zipcode == "311100")
            // Stored, not only echoed: a restarted read from the database has them too.
            let id = try #require(TicketID(filed.ticket.id.value))
            let stored = try await live.store.ticket(id, for: IntakeCore.Principal(userID: "resident-r", role: .resident)).view.ticket
            #expect(stored.reporter.email == "li@mail.example")
            #expect(stored.addressID == "V1-0042")
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    @Test("the new fields are bounded: too long, control characters, a media URL that is not http(s)")
    func limits() async throws {
        let live = try await LiveIntake()
        for request in [
            Self.submission(email: String(repeating: "e", count: 255)),
            Self.submission(email: "a\u{7}b"),
            Self.submission(media: "javascript:alert(1)"),
            Self.submission(media: "https://x.example/" + String(repeating: "p", count: 2048)),
            Self.submission(name: String(repeating: "名", count: 101)),
        ] {
            let failure = await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.submitTicket, request, as: Fixture.resident) }
            #expect(failure?.status == .invalidArgument, "\(String(describing: failure))")
        }
        await live.stop()
    }

    @Test("ListTickets by ticket ids; unknown ids select nothing; villages carry their centre")
    func listByIDsAndVillageCentres() async throws {
        let live = try await LiveIntake()
        do {
            let a = try await live.submit().ticket.id
            _ = try await live.submit()
            let c = try await live.submit().ticket.id
            var request = Township_Intake_V1_ListTicketsRequest()
            request.filter.ticketIds = [a, c]
            #expect(Set(try await live.call(Township_Intake_V1_Intake.listTickets, request, as: Fixture.leader).tickets.map(\.id)) == [a, c])
            request.filter.ticketIds = [.with { $0.value = "t-unknown" }]
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, request, as: Fixture.leader).tickets.isEmpty)
            request.filter.ticketIds = [.with { $0.value = "not an id!" }]
            #expect(await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.listTickets, request, as: Fixture.leader) }?.status == .invalidArgument)
            request.filter.ticketIds = (0...100).map { i in .with { $0.value = "\(i + 1)" } }
            #expect(await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.listTickets, request, as: Fixture.leader) }?.status == .invalidArgument)

            // An empty category id selects the tickets not classified yet.
            _ = try await live.accept(a)
            var unclassified = Township_Intake_V1_ListTicketsRequest()
            unclassified.filter.categoryIds = [.with { $0.value = "" }]
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, unclassified, as: Fixture.leader).tickets.count == 2)
            unclassified.filter.categoryIds.append(.with { $0.value = "pension" })
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, unclassified, as: Fixture.leader).tickets.count == 3)

            var reference = Fixture.reference
            reference.villages[0].center = GeoPoint(latitude: 30.25, longitude: 120.16)
            try await live.store.replaceReferenceData(reference, by: IntakeCore.Principal(userID: "setup", role: .admin))
            let villages = try await live.call(Township_Intake_V1_Intake.listVillages, .init(), as: Fixture.leader).villages
            #expect(villages.first { $0.id.value == "V1" }?.center.latitude == 30.25)
            #expect(villages.first { $0.id.value == "V2" }?.hasCenter == false)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}
