import Hummingbird
import NIOCore

/// The request context of the gateway: Hummingbird's core storage plus the client's address,
/// which login throttling counts by.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Request bodies are JSON messages and Open311 forms; attachments do not go through here.
    public var maxUploadSize: Int { 256 * 1024 }
}
