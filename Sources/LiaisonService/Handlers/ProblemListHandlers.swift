import LiaisonCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

/// The half-monthly problem list: filing, review, publication, claims, answers, clearing.
extension LiaisonService {
    func registerProblemList(_ router: inout RPCRouter) {
        let methods = Township_Liaison_V1_EnterpriseLiaison.self
        typealias Response = Township_Liaison_V1_ProblemResponse

        /// One step on one item, answered with the item as it now is.
        func step<Req: SwiftProtobuf.Message>(_ path: String, _ type: Req.Type, itemID: @escaping @Sendable (Req) -> Int64,
                                             _ rule: @escaping @Sendable (Req, ProblemActor, Instant, ProblemItem, ProblemWorkflow) throws -> ProblemItem) {
            router.unary(path, Req.self, Response.self) { req, ctx in
                try await serve(ctx, keyed: req) { actor in
                    let now = clock.now()
                    let item = try await store.change(item: itemID(req)) { item, workflow, _ in try rule(req, actor, now, item, workflow) }
                    return Self.response(item, now: now)
                }
            }
        }

        router.unary(methods.fileProblem.path, Township_Liaison_V1_FileProblemRequest.self, Response.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                _ = try Self.requireLiaison(actor, "file problems")
                let requestID = try Self.requestID(req.clientRequestID)
                let type = try ProtoMapping.core(req.type, ProtoMapping.types, field: "type")
                let now = clock.now()
                let item = try await store.fileProblem(title: req.title, description: req.description_p, type: type, organisationID: req.organisationID,
                                                       by: actor, requestID: requestID, now: now)
                return Self.response(item, now: now)
            }
        }
        step(methods.retypeProblem.path, Township_Liaison_V1_RetypeProblemRequest.self, itemID: \.itemID) { req, actor, now, item, workflow in
            try workflow.retype(item, to: try ProtoMapping.core(req.type, ProtoMapping.types, field: "type"), by: actor, now: now)
        }
        router.unary(methods.mergeProblems.path, Township_Liaison_V1_MergeProblemsRequest.self, Response.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                try Self.requireOffice(actor, "merge items")
                let requestID = try Self.requestID(req.clientRequestID)
                let now = clock.now()
                let item = try await store.merge(itemIDs: req.itemIds, title: req.title, description: req.description_p, by: actor,
                                                 requestID: requestID, now: now)
                return Self.response(item, now: now)
            }
        }
        router.unary(methods.publishList.path, Township_Liaison_V1_PublishListRequest.self, Township_Liaison_V1_PublishListResponse.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                try Self.requireOffice(actor, "publish the list")
                let period = try ProblemPeriod.parse(req.period)
                let now = clock.now()
                var r = Township_Liaison_V1_PublishListResponse()
                r.published = try await store.publish(period: period, by: actor, now: now).map { ProtoMapping.item($0, now: now) }
                return r
            }
        }
        step(methods.claimProblem.path, Township_Liaison_V1_ClaimProblemRequest.self, itemID: \.itemID) { _, actor, now, item, workflow in
            try workflow.claim(item, by: actor, now: now)
        }
        step(methods.assignProblem.path, Township_Liaison_V1_AssignProblemRequest.self, itemID: \.itemID) { req, actor, now, item, workflow in
            try workflow.assign(item, to: req.departmentID.value, by: actor, now: now)
        }
        step(methods.answerProblem.path, Township_Liaison_V1_AnswerProblemRequest.self, itemID: \.itemID) { req, actor, now, item, workflow in
            try workflow.answer(item, solution: req.solution, by: actor, now: now)
        }
        router.unary(methods.reportProgress.path, Township_Liaison_V1_ReportProgressRequest.self, Response.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                let requestID = try Self.requestID(req.clientRequestID)
                let now = clock.now()
                let item = try await store.reportProgress(item: req.itemID, note: req.note, by: actor, requestID: requestID, now: now)
                return Self.response(item, now: now)
            }
        }
        router.unary(methods.confirmProblem.path, Township_Liaison_V1_ConfirmProblemRequest.self, Response.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                let now = clock.now()
                let item = try await store.change(item: req.itemID) { item, workflow, db in
                    // The assignments as they are inside this transaction.
                    let histories = try item.organisationIDs.map { try LiaisonStore.history(db, $0) }
                    return try workflow.confirm(item, note: req.note, by: actor, assignments: histories, now: now)
                }
                return Self.response(item, now: now)
            }
        }
        step(methods.clearProblem.path, Township_Liaison_V1_ClearProblemRequest.self, itemID: \.itemID) { _, actor, now, item, workflow in
            try workflow.clear(item, by: actor, now: now)
        }
        router.unary(methods.referToIntake.path, Township_Liaison_V1_ReferToIntakeRequest.self, Response.self) { req, ctx in
            try await serve(ctx, keyed: req) { actor in
                try Self.requireOffice(actor, "refer items to intake")
                let now = clock.now()
                let item = try await store.refer(item: req.itemID, villageID: req.villageID.value, by: actor, now: now) { referred in
                    try IntakeSubmission.request(for: referred).serializedBytes()
                }
                return Self.response(item, now: now)
            }
        }
        router.unary(methods.listProblems.path, Township_Liaison_V1_ListProblemsRequest.self, Township_Liaison_V1_ListProblemsResponse.self) { req, ctx in
            try await serve(ctx) { actor in
                var filter = try visibility(actor)
                filter.period = try ProtoMapping.period(req.period)
                filter.states = Set(try req.states.map { try ProtoMapping.core($0, ProtoMapping.states, field: "states") })
                filter.types = Set(try req.types.map { try ProtoMapping.core($0, ProtoMapping.types, field: "types") })
                if !req.departmentID.value.isEmpty { filter.departmentID = req.departmentID.value }
                let now = clock.now()
                // Overdue items first, then by id.
                let items = try store.items(filter).sorted { a, b in
                    let (ao, bo) = (a.isOverdue(at: now), b.isOverdue(at: now))
                    return ao != bo ? ao : a.id < b.id
                }
                let (page, response) = try ProtoMapping.page(limits: limits, items, req.page)
                var r = Township_Liaison_V1_ListProblemsResponse()
                r.items = page.map { ProtoMapping.item($0, now: now) }; r.page = response
                return r
            }
        }
        router.unary(methods.getProblem.path, Township_Liaison_V1_GetProblemRequest.self, Response.self) { req, ctx in
            try await serve(ctx) { actor in
                let filter = try visibility(actor)
                guard let item = try store.item(req.itemID), Self.visible(item, filter) else {
                    throw LiaisonError.notFound(reason: LiaisonReason.itemNotFound, "no item \(req.itemID)")
                }
                return Self.response(item, now: clock.now())
            }
        }
    }

    /// What an actor may see of the list: a liaison the items of their organisations, a
    /// department the published list, the office everything.
    func visibility(_ actor: ProblemActor) throws -> ItemFilter {
        var filter = ItemFilter()
        switch actor {
        case .liaison(let id): filter.organisationIDs = try store.organisationIDs(assignedTo: id)
        case .department: filter.publishedOnly = true
        case .office, .system: break
        }
        return filter
    }

    static func visible(_ item: ProblemItem, _ filter: ItemFilter) -> Bool {
        if filter.publishedOnly, [.filed, .merged].contains(item.state) { return false }
        if let organisations = filter.organisationIDs, organisations.isDisjoint(with: item.organisationIDs) { return false }
        return true
    }

    static func response(_ item: ProblemItem, now: Instant) -> Township_Liaison_V1_ProblemResponse {
        var r = Township_Liaison_V1_ProblemResponse()
        r.item = ProtoMapping.item(item, now: now)
        return r
    }
}
