import LiaisonCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

/// The figures leaders see.
extension LiaisonService {
    func registerFigures(_ router: inout RPCRouter) {
        let methods = Township_Liaison_V1_EnterpriseLiaison.self
        router.unary(methods.getFigures.path, Township_Liaison_V1_GetFiguresRequest.self, Township_Liaison_V1_GetFiguresResponse.self) { req, ctx in
            try await serve(ctx) { actor in
                if case .liaison = actor { throw ServiceError.permissionDenied("the figures are for the zone office and departments") }
                var filter = ItemFilter()
                filter.period = try ProtoMapping.period(req.period)
                let figures = ProblemFigures.of(try store.items(filter), now: clock.now())
                var r = Township_Liaison_V1_GetFiguresResponse()
                r.period = req.period
                r.help = ProtoMapping.help(try store.helpTotals())
                r.total = ProtoMapping.counts(figures.total)
                r.byDepartment = figures.byDepartment.sorted { $0.key < $1.key }.map { department, counts in
                    var d = Township_Liaison_V1_DepartmentFigures()
                    d.departmentID = ProtoMapping.departmentID(department); d.counts = ProtoMapping.counts(counts)
                    return d
                }
                r.byType = ProblemType.allCases.compactMap { type in
                    figures.byType[type].map { counts in
                        var t = Township_Liaison_V1_TypeFigures()
                        t.type = ProtoMapping.wire(type, ProtoMapping.types); t.counts = ProtoMapping.counts(counts)
                        return t
                    }
                }
                return r
            }
        }
    }
}
