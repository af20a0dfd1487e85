import ServiceLifecycle

/// A listening service whose failure names what it listens on and the key that sets it: the
/// socket layer only says "Address already in use (errno: 98)", not which port.
struct NamedListener: Service {
    let base: any Service
    let key: String
    let host: String
    let port: Int

    struct Failed: Error, CustomStringConvertible {
        let key: String
        let host: String
        let port: Int
        let underlying: any Error
        var description: String {
            let text = "\(underlying)"
            if text.contains("Address already in use") || text.contains("EADDRINUSE") {
                return "cannot listen on \(host):\(port) (\(key)): the port is already in use by another process"
            }
            if text.contains("Permission denied") || text.contains("EACCES") {
                return "cannot listen on \(host):\(port) (\(key)): permission denied"
            }
            return "\(host):\(port) (\(key)): \(text)"
        }
    }

    func run() async throws {
        do {
            try await base.run()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Failed(key: key, host: host, port: port, underlying: error)
        }
    }
}
