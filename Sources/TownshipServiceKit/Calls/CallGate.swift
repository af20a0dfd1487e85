import TownshipRPC

/// What runs around every handler body: the caller checked and the principal resolved first,
/// then whatever the body throws mapped to the caller's RPC error.
public struct CallGate: Sendable {
    public let resolver: PrincipalResolver

    /// `serviceMethods`: the methods a service of `callers.services` may call acting as itself.
    public init(serviceName: String, policy: CallerPolicy, serviceMethods: Set<String> = []) {
        resolver = PrincipalResolver(serviceName: serviceName, policy: policy, serviceMethods: serviceMethods)
    }

    public func run<T>(_ context: RPCContext, _ body: (ServicePrincipal) async throws -> T) async throws -> T {
        do {
            return try await body(try resolver.principal(for: context))
        } catch {
            throw ErrorMapping.rpcError(error, logger: context.logger)
        }
    }
}
