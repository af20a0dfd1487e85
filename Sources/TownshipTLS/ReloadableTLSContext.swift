import NIOPosix
import Synchronization

/// Holds the newest `TLSContext` for a configuration. `reload()` rebuilds it from the files;
/// if that fails it throws and the previous context stays in use. New connections take
/// `current`; existing connections keep the context they started with.
public final class ReloadableTLSContext: Sendable {
    public let configuration: TLSConfiguration
    private let context: Mutex<TLSContext>

    public init(configuration: TLSConfiguration) throws(TLSError) {
        self.configuration = configuration
        self.context = Mutex(try TLSContext(configuration: configuration))
    }

    public init(context: TLSContext) {
        self.configuration = context.configuration
        self.context = Mutex(context)
    }

    /// The context new connections should use.
    public var current: TLSContext {
        context.withLock { $0 }
    }

    /// Rebuilds the context from the configured files (blocking I/O: call off the event
    /// loop, or use `reload(on:)`). Returns the new context.
    @discardableResult
    public func reload() throws(TLSError) -> TLSContext {
        let fresh = try TLSContext(configuration: configuration)
        context.withLock { $0 = fresh }
        return fresh
    }

    /// `reload()` on NIO's blocking-I/O thread pool.
    @discardableResult
    public func reload(on threadPool: NIOThreadPool) async throws -> TLSContext {
        try await threadPool.runIfActive { try self.reload() }
    }
}
