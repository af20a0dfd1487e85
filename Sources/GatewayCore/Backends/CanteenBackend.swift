import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// canteen-meals (meal assistance for elders) behind the gateway. Roles are checked here for
/// a clear 403 and again by the service, on its data (an operator's own canteen, a family
/// member's own elder).
public struct CanteenBackend: RPCBackend {
    public let name = "canteen-meals"
    let replicas: BackendReplicas

    public init(replicas: BackendReplicas) {
        self.replicas = replicas
    }

    /// One replica on `client`.
    public init(client: RPCClient) {
        self.init(replicas: BackendReplicas(client: client))
    }

    /// The uncovered elders the cockpit's map draws at most.
    static let overviewUncoveredElders: Int32 = 500

    /// Meals today and this month by canteen, elders by tier, the canteens (for the map) and
    /// the coverage by community with up to 500 uncovered elders.
    public func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        let api = Township_Canteen_V1_CanteenMeals.self
        var coverageRequest = Township_Canteen_V1_GetCoverageRequest()
        coverageRequest.uncoveredLimit = Self.overviewUncoveredElders
        async let figures = result { try await call(api.getMealFigures, .init(), for: user, timeout: timeout) }
        async let coverage = result { try await call(api.getCoverage, coverageRequest, for: user, timeout: timeout) }
        async let canteens = result {
            var request = Township_Canteen_V1_ListCanteensRequest()
            request.page.pageSize = 500
            return try await call(api.listCanteens, request, for: user, timeout: timeout)
        }
        let parts: [(String, Result<String, any Error>)] = [
            ("figures", await figures.flatMap(Self.encoded)),
            ("coverage", await coverage.flatMap(Self.encoded)),
            ("canteens", await canteens.flatMap(Self.encoded)),
        ]
        var members: [(String, JSONValue)] = []
        var problems: [String] = []
        for (key, part) in parts {
            switch part {
            case .success(let json): members.append((key, .raw(json)))
            case .failure(let error): problems.append("\(key): \(IntakeBackend.describe(error))")
            }
        }
        if members.isEmpty, case .failure(let error) = parts[0].1 { throw error }
        return OverviewSectionData(data: .object(members), problems: problems)
    }

    static func encoded(_ message: some Message) -> Result<String, any Error> {
        Result { try ProtoJSON.encode(message) }
    }

    private func result<T: Sendable>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    public var eventSource: (any BackendEventSource)? { nil }

    public func shutdown() async {
        await replicas.shutdown()
    }
}
