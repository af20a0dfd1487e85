import LiaisonCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

/// What liaisons record in the field: visits and help obtained.
extension LiaisonService {
    func registerFieldWork(_ router: inout RPCRouter) {
        let methods = Township_Liaison_V1_EnterpriseLiaison.self
        router.unary(methods.recordVisit.path, Township_Liaison_V1_RecordVisitRequest.self, Township_Liaison_V1_RecordVisitResponse.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                let liaisonID = try Self.requireLiaison(actor, "record visits")
                let requestID = try Self.requestID(req.clientRequestID)
                let visit = Visit(id: 0, liaisonID: liaisonID, organisationID: req.visit.organisationID,
                                  date: try ProtoMapping.date(req.visit.date, field: "visit.date"),
                                  findings: req.visit.findings, followUps: req.visit.followUps)
                var r = Township_Liaison_V1_RecordVisitResponse()
                r.visit = ProtoMapping.visit(try await store.recordVisit(visit, requestID: requestID, now: clock.now()))
                return r
            }
        }
        router.unary(methods.listVisits.path, Township_Liaison_V1_ListVisitsRequest.self, Township_Liaison_V1_ListVisitsResponse.self) { req, ctx in
            try await serve(ctx) { actor in
                var liaisonID: String?
                if case .liaison(let id) = actor { liaisonID = id }
                let visits = try store.visits(liaisonID: liaisonID, organisationID: req.organisationID.isEmpty ? nil : req.organisationID)
                let (page, response) = try ProtoMapping.page(limits: limits, visits, req.page)
                var r = Township_Liaison_V1_ListVisitsResponse()
                r.visits = page.map(ProtoMapping.visit); r.page = response
                return r
            }
        }
        router.unary(methods.recordHelp.path, Township_Liaison_V1_RecordHelpRequest.self, Township_Liaison_V1_RecordHelpResponse.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                let liaisonID = try Self.requireLiaison(actor, "record help")
                let requestID = try Self.requestID(req.clientRequestID)
                let kind = try ProtoMapping.core(req.help.kind, ProtoMapping.helpKinds, field: "help.kind")
                let record = HelpRecord(id: 0, liaisonID: liaisonID, organisationID: req.help.organisationID,
                                        date: try ProtoMapping.date(req.help.date, field: "help.date"), kind: kind,
                                        amount: try ProtoMapping.helpAmount(req.help, kind: kind), note: req.help.note)
                var r = Township_Liaison_V1_RecordHelpResponse()
                r.help = ProtoMapping.help(try await store.recordHelp(record, requestID: requestID, now: clock.now()))
                return r
            }
        }
    }
}
