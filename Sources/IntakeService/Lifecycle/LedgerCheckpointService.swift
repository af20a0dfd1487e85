import IntakeCore
import Logging
import ServiceLifecycle

/// Signs a checkpoint of the ledger's global chain on start, every `interval` seconds, and on
/// graceful shutdown (after the RPC server has drained, when listed first among the services).
public struct LedgerCheckpointService: Service {
    let store: any IntakeStore
    let clock: any IntakeClock
    let interval: Double
    let logger: Logger

    public init(store: any IntakeStore, clock: any IntakeClock, interval: Double, logger: Logger = Logger(label: "intake.ledger")) {
        self.store = store; self.clock = clock; self.interval = interval; self.logger = logger
    }

    public func run() async throws {
        await checkpoint()
        let (store, clock, interval, logger) = (self.store, self.clock, self.interval, self.logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await clock.sleep(until: clock.now().addingTimeInterval(interval)) } catch { return }
                await Self.checkpoint(store, logger)
            }
        }
        await checkpoint()
    }

    private func checkpoint() async { await Self.checkpoint(store, logger) }

    private static func checkpoint(_ store: any IntakeStore, _ logger: Logger) async {
        do {
            if let written = try await store.writeCheckpoint() {
                logger.debug("ledger checkpoint", metadata: ["position": "\(written.position)"])
            }
        } catch {
            logger.error("ledger checkpoint failed: \(error)")
        }
    }
}
