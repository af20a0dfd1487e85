import LiaisonCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

/// Liaisons, organisations and who is assigned to which.
extension LiaisonService {
    func registerRegistry(_ router: inout RPCRouter) {
        let methods = Township_Liaison_V1_EnterpriseLiaison.self
        router.unary(methods.registerLiaison.path, Township_Liaison_V1_RegisterLiaisonRequest.self, Township_Liaison_V1_RegisterLiaisonResponse.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                try Self.requireOffice(actor, "register liaisons")
                var r = Township_Liaison_V1_RegisterLiaisonResponse()
                r.liaison = ProtoMapping.liaison(try await store.register(try ProtoMapping.liaison(req.liaison)))
                return r
            }
        }
        router.unary(methods.listLiaisons.path, Township_Liaison_V1_ListLiaisonsRequest.self, Township_Liaison_V1_ListLiaisonsResponse.self) { req, ctx in
            try await serve(ctx) { actor in
                var liaisons = try store.liaisons()
                if case .liaison(let id) = actor { liaisons = liaisons.filter { $0.id == id } }
                let (page, response) = try ProtoMapping.page(limits: limits, liaisons, req.page)
                var r = Township_Liaison_V1_ListLiaisonsResponse()
                r.liaisons = page.map(ProtoMapping.liaison); r.page = response
                return r
            }
        }
        router.unary(methods.registerOrganisation.path, Township_Liaison_V1_RegisterOrganisationRequest.self, Township_Liaison_V1_RegisterOrganisationResponse.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                try Self.requireOffice(actor, "register organisations")
                let organisation = try await store.register(try ProtoMapping.organisation(req.organisation))
                var r = Township_Liaison_V1_RegisterOrganisationResponse()
                r.organisation = ProtoMapping.organisation(organisation, liaison: try store.history(of: organisation.id).current?.liaisonID)
                return r
            }
        }
        router.unary(methods.listOrganisations.path, Township_Liaison_V1_ListOrganisationsRequest.self, Township_Liaison_V1_ListOrganisationsResponse.self) { req, ctx in
            try await serve(ctx) { actor in
                var liaisonID: String?
                if case .liaison(let id) = actor { liaisonID = id }
                let (page, response) = try ProtoMapping.page(limits: limits, try store.organisations(assignedTo: liaisonID), req.page)
                var r = Township_Liaison_V1_ListOrganisationsResponse()
                r.organisations = page.map { ProtoMapping.organisation($0.0, liaison: $0.currentLiaison) }; r.page = response
                return r
            }
        }
        router.unary(methods.assignLiaison.path, Township_Liaison_V1_AssignLiaisonRequest.self, Township_Liaison_V1_AssignLiaisonResponse.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                try Self.requireOffice(actor, "assign liaisons")
                let history = try await store.assign(liaisonID: req.liaisonID.value, to: req.organisationID, now: clock.now())
                var r = Township_Liaison_V1_AssignLiaisonResponse()
                r.history = history.assignments.map(ProtoMapping.assignment)
                return r
            }
        }
        router.unary(methods.getAssignmentHistory.path, Township_Liaison_V1_GetAssignmentHistoryRequest.self, Township_Liaison_V1_GetAssignmentHistoryResponse.self) { req, ctx in
            try await serve(ctx) { actor in
                let history = try store.history(of: req.organisationID)
                if case .liaison(let id) = actor, !history.assignments.contains(where: { $0.liaisonID == id }) {
                    throw LiaisonError.denied(reason: LiaisonReason.notAssigned, "liaison \(id) has never been assigned to \(req.organisationID)")
                }
                var r = Township_Liaison_V1_GetAssignmentHistoryResponse()
                r.history = history.assignments.map(ProtoMapping.assignment)
                return r
            }
        }
    }
}
