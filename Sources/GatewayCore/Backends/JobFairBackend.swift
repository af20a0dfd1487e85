import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// The job-fair service (fairs, positions, seekers, stable matching) behind the gateway.
public struct JobFairBackend: RPCBackend {
    public let name = "job-fair"
    let replicas: BackendReplicas

    public init(replicas: BackendReplicas) {
        self.replicas = replicas
    }

    /// One replica on `client`.
    public init(client: RPCClient) {
        self.init(replicas: BackendReplicas(client: client))
    }

    /// The newest fair's figures (leaders and admins) for the cockpit: positions, applicants,
    /// matched, hired and unfilled at the top level (the tile shows them), the latest round's
    /// matched/unmatched, and the rows per sector and per enterprise for the panel. Others
    /// see the fairs only.
    public func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        let jobFair = Township_Jobfair_V1_JobFair.self
        var listRequest = Township_Jobfair_V1_ListFairsRequest()
        listRequest.page.pageSize = 1
        let fairs = try await call(jobFair.listFairs, listRequest, for: user, timeout: timeout)
        guard let fair = fairs.fairs.first else { return OverviewSectionData(data: .object([("fairs", .integer(0))])) }
        guard JobFairRoles.figures.contains(user.role) else {
            return OverviewSectionData(data: .object([("fair", .raw(try ProtoJSON.encode(fair)))]))
        }
        var figuresRequest = Township_Jobfair_V1_GetFairFiguresRequest()
        figuresRequest.fairID = fair.id
        let figures = try await call(jobFair.getFairFigures, figuresRequest, for: user, timeout: timeout)
        let totals = figures.totals
        return OverviewSectionData(data: .object([
            ("positions", .integer(Int64(totals.positions))),
            ("applicants", .integer(Int64(totals.seekers))),
            ("matched", .integer(Int64(totals.matched))),
            ("unmatched", .integer(Int64(totals.unmatched))),
            ("hired", .integer(Int64(totals.hires))),
            ("unfilledPositions", .integer(Int64(totals.unfilledPositions))),
            ("latestRound", .integer(Int64(figures.latestRound))),
            ("figures", .raw(try ProtoJSON.encode(figures))),
        ]))
    }

    public var eventSource: (any BackendEventSource)? { nil }

    public func shutdown() async {
        await replicas.shutdown()
    }
}
