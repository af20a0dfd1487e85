import TownshipCatalogue

/// Which peers may call a service, and which of them may speak for an end user (proto-spec §6):
/// only the gateway forwards principals; an admin tool calls without one and acts as itself,
/// and so does a service named in `serviceCallers` (`callers.services`).
public struct CallerPolicy: Sendable {
    /// SPIFFE identities allowed to call at all (`callers.allowed`; a trailing `*` matches any name).
    public var allowedCallers: [String]
    /// Identities trusted to forward an end-user principal: the gateway, nobody else.
    public var principalForwarders: Set<String>
    /// Services allowed to call acting as themselves, without a principal (`callers.services`,
    /// exact identities, no patterns): a service that names its callers one by one.
    public var serviceCallers: Set<String>

    public static let gatewayIdentity = ServiceCatalogue.Gateway.identity

    public init(allowedCallers: [String], principalForwarders: Set<String> = [CallerPolicy.gatewayIdentity],
                serviceCallers: Set<String> = []) {
        self.allowedCallers = allowedCallers
        self.principalForwarders = principalForwarders
        // A forwarder always acts for an end user: it is never a service acting as itself.
        self.serviceCallers = serviceCallers.subtracting(principalForwarders)
    }

    public func allows(_ identity: String?) -> Bool {
        guard let identity else { return false }
        if serviceCallers.contains(identity) { return true }
        return allowedCallers.contains { pattern in
            pattern.hasSuffix("*") ? identity.hasPrefix(pattern.dropLast()) : identity == pattern
        }
    }

    public func mayForwardPrincipal(_ identity: String?) -> Bool {
        guard let identity else { return false }
        return principalForwarders.contains(identity)
    }

    /// Whether the identity is a service listed in `callers.services`, which acts as itself.
    public func isServiceCaller(_ identity: String?) -> Bool {
        guard let identity else { return false }
        return serviceCallers.contains(identity)
    }
}
