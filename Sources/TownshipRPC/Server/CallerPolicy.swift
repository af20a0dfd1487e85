import TownshipCatalogue

/// Which peers may call a service, and which of them may speak for an end user (proto-spec §6):
/// only the gateway forwards principals; an admin tool calls without one and acts as itself.
public struct CallerPolicy: Sendable {
    /// SPIFFE identities allowed to call at all (`callers.allowed`; a trailing `*` matches any name).
    public var allowedCallers: [String]
    /// Identities trusted to forward an end-user principal: the gateway, nobody else.
    public var principalForwarders: Set<String>

    public static let gatewayIdentity = ServiceCatalogue.Gateway.identity

    public init(allowedCallers: [String], principalForwarders: Set<String> = [CallerPolicy.gatewayIdentity]) {
        self.allowedCallers = allowedCallers
        self.principalForwarders = principalForwarders
    }

    public func allows(_ identity: String?) -> Bool {
        guard let identity else { return false }
        return allowedCallers.contains { pattern in
            pattern.hasSuffix("*") ? identity.hasPrefix(pattern.dropLast()) : identity == pattern
        }
    }

    public func mayForwardPrincipal(_ identity: String?) -> Bool {
        guard let identity else { return false }
        return principalForwarders.contains(identity)
    }
}
