import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// enterprise-liaison (party-building liaisons and the half-monthly problem list) behind the gateway.
public struct LiaisonBackend: RPCBackend {
    public let name = "enterprise-liaison"
    let replicas: BackendReplicas

    public init(replicas: BackendReplicas) {
        self.replicas = replicas
    }

    /// One replica on `client`.
    public init(client: RPCClient) {
        self.init(replicas: BackendReplicas(client: client))
    }

    // MARK: Overview

    /// The cockpit's liaison panel: the figures (help totals; claim, on-time and clearing rates
    /// by department and type) and the open items of the published lists, overdue first.
    public func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        var open = Township_Liaison_V1_ListProblemsRequest()
        open.states = [.published, .claimed, .answered]
        open.page.pageSize = 100
        async let figures = result { try await call(Township_Liaison_V1_EnterpriseLiaison.getFigures, .init(), for: user, timeout: timeout) }
        async let items = result { try await call(Township_Liaison_V1_EnterpriseLiaison.listProblems, open, for: user, timeout: timeout) }
        let (figuresResult, itemsResult) = await (figures, items)
        var members: [(String, JSONValue)] = []
        var problems: [String] = []
        switch figuresResult {
        case .success(let response): members.append(("figures", .raw(try ProtoJSON.encode(response))))
        case .failure(let error): problems.append("figures: \(IntakeBackend.describe(error))")
        }
        switch itemsResult {
        case .success(let response): members.append(("openItems", .array(try response.items.map { .raw(try ProtoJSON.encode($0)) })))
        case .failure(let error): problems.append("open items: \(IntakeBackend.describe(error))")
        }
        if members.isEmpty, case .failure(let error) = figuresResult { throw error }
        return OverviewSectionData(data: .object(members), problems: problems)
    }

    private func result<T: Sendable>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    public var eventSource: (any BackendEventSource)? { nil }

    public func shutdown() async {
        await replicas.shutdown()
    }
}
