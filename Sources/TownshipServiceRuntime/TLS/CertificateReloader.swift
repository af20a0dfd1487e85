import Logging
import ServiceLifecycle
import TownshipTLS
import UnixSignals

/// Reloads the TLS certificates on SIGHUP (systemd's `reload`): new connections use the new
/// ones; a failed reload is logged and the old ones stay in use.
public struct CertificateReloader: Service {
    let contexts: [ReloadableTLSContext]
    let logger: Logger

    public init(contexts: [ReloadableTLSContext], logger: Logger) {
        self.contexts = contexts
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            for context in contexts {
                do {
                    _ = try context.reload()
                    logger.notice("certificates reloaded", metadata: ["certificate": "\(context.configuration.certificateChainPath ?? "-")"])
                } catch {
                    logger.error("certificate reload failed; keeping the old ones", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
