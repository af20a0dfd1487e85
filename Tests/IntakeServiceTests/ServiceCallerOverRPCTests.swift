import Foundation
import Testing
import TownshipProtos
import TownshipRPC

/// enterprise-liaison calling intake acting as itself (proto-spec §6, `callers.services`): it
/// files and reads its own tickets, and nothing else.
@Suite("A service acting as itself over live RPC")
struct ServiceCallerOverRPCTests {
    static let liaisonIdentity = "spiffe://township.local/service/enterprise-liaison"

    static func referral(_ requestID: String, description: String = "园区企业用电增容三个月未解决") -> Township_Intake_V1_SubmitTicketRequest {
        var request = Township_Intake_V1_SubmitTicketRequest()
        request.clientRequestID = requestID
        request.reporter.name = "青山科技有限公司"
        request.reporter.phone = "13800000001"
        request.submission.channel = .other
        request.submission.place.villageID.value = "V1"
        request.submission.problemDescription = description
        return request
    }

    @Test("a listed service files and reads its own tickets, once per key")
    func filesAndReadsItsOwnTickets() async throws {
        let live = try await LiveIntake(serviceCallers: [Self.liaisonIdentity])
        let liaison = try LiveIntake.client(port: live.port, files: IntakePKI.shared.enterpriseLiaison)
        do {
            let submit = Township_Intake_V1_Intake.submitTicket.path
            let key = "enterprise-liaison:item:7"
            let first = try await liaison.unary(submit, Self.referral(key), as: Township_Intake_V1_TicketActionResponse.self,
                                                options: LiveIntake.options(nil, key: key))
            #expect(first.ticket.submittedBy.userID.value == Self.liaisonIdentity)
            #expect(first.event.actor.userID.value == Self.liaisonIdentity)
            // A retry with the same key finds the first ticket, byte for byte.
            let retry = try await liaison.unary(submit, Self.referral(key), as: Township_Intake_V1_TicketActionResponse.self,
                                                options: LiveIntake.options(nil, key: key))
            #expect(retry == first)
            // It reads its own ticket, with the reporter's details unmasked (it is the reporter)...
            var get = Township_Intake_V1_GetTicketRequest()
            get.ticketID = first.ticket.id
            let own = try await liaison.unary(Township_Intake_V1_Intake.getTicket.path, get, as: Township_Intake_V1_GetTicketResponse.self,
                                              options: LiveIntake.options(nil))
            #expect(own.ticket.number == first.ticket.number)
            #expect(!own.ticket.reporter.masked)
            // ...and nobody else's.
            get.ticketID = try await live.submit().ticket.id
            let other = await rpcFailure {
                _ = try await liaison.unary(Township_Intake_V1_Intake.getTicket.path, get, as: Township_Intake_V1_GetTicketResponse.self,
                                            options: LiveIntake.options(nil))
            }
            #expect(other?.status == .permissionDenied)
            // Intake sees one ticket for the two calls, and the office's one.
            let all = try await live.call(Township_Intake_V1_Intake.listTickets, Township_Intake_V1_ListTicketsRequest(), as: Fixture.admin)
            #expect(all.tickets.count == 2)
        } catch { await liaison.shutdown(); await live.stop(); throw error }
        await liaison.shutdown()
        await live.stop()
    }

    @Test("every other method, a forwarded principal and an unlisted service are refused")
    func everythingElseIsRefused() async throws {
        let live = try await LiveIntake(serviceCallers: [Self.liaisonIdentity])
        let pki = IntakePKI.shared
        let liaison = try LiveIntake.client(port: live.port, files: pki.enterpriseLiaison)
        let jobFair = try LiveIntake.client(port: live.port, files: pki.jobFair)
        do {
            let id = try await live.submit().ticket.id
            let list = await rpcFailure {
                _ = try await liaison.unary(Township_Intake_V1_Intake.listTickets.path, Township_Intake_V1_ListTicketsRequest(),
                                            as: Township_Intake_V1_ListTicketsResponse.self, options: LiveIntake.options(nil))
            }
            #expect(list?.status == .permissionDenied)
            #expect(list?.message.contains("acting as itself") == true)
            var accept = Township_Intake_V1_AcceptTicketRequest()
            accept.ticketID = id
            accept.classification.categoryID.value = "pension"
            #expect(await rpcFailure {
                _ = try await liaison.unary(Township_Intake_V1_Intake.acceptTicket.path, accept, as: Township_Intake_V1_TicketActionResponse.self,
                                            options: LiveIntake.options(nil, key: "k1"))
            }?.status == .permissionDenied)
            #expect(await rpcFailure {
                _ = try await liaison.unary(Township_Intake_V1_Intake.listVillages.path, Township_Intake_V1_ListVillagesRequest(),
                                            as: Township_Intake_V1_ListVillagesResponse.self, options: LiveIntake.options(nil))
            }?.status == .permissionDenied)
            // It may not speak for a user, even on the methods it may call.
            let forwarded = await rpcFailure {
                _ = try await liaison.unary(Township_Intake_V1_Intake.submitTicket.path, Self.referral("f-1"),
                                            as: Township_Intake_V1_TicketActionResponse.self, options: LiveIntake.options(Fixture.admin))
            }
            #expect(forwarded?.status == .permissionDenied)
            #expect(forwarded?.message.contains("only the gateway") == true)
            // A service intake does not list is refused as before.
            #expect(await rpcFailure {
                _ = try await jobFair.unary(Township_Intake_V1_Intake.submitTicket.path, Self.referral("j-1"),
                                            as: Township_Intake_V1_TicketActionResponse.self, options: LiveIntake.options(nil))
            }?.status == .permissionDenied)
            // Nothing was filed by the refused calls.
            let all = try await live.call(Township_Intake_V1_Intake.listTickets, Township_Intake_V1_ListTicketsRequest(), as: Fixture.admin)
            #expect(all.tickets.count == 1)
        } catch { await liaison.shutdown(); await jobFair.shutdown(); await live.stop(); throw error }
        await liaison.shutdown(); await jobFair.shutdown()
        await live.stop()
    }

    @Test("without callers.services, enterprise-liaison may not call intake at all")
    func unlistedByDefault() async throws {
        let live = try await LiveIntake()
        let liaison = try LiveIntake.client(port: live.port, files: IntakePKI.shared.enterpriseLiaison)
        let refused = await rpcFailure {
            _ = try await liaison.unary(Township_Intake_V1_Intake.submitTicket.path, Self.referral("x-1"),
                                        as: Township_Intake_V1_TicketActionResponse.self, options: LiveIntake.options(nil, key: "x-1"))
        }
        #expect(refused?.status == .permissionDenied)
        #expect(refused?.message.contains("callers.allowed") == true)
        await liaison.shutdown()
        await live.stop()
    }
}
