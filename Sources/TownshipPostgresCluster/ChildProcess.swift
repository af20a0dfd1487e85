import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to its exit with posix_spawn and waitpid, output to a file.
///
/// Not Foundation's `Process`: `pg_ctl start` leaves the server running, and the server
/// inherits whatever descriptors the child had; `Process` on Linux learns of the exit through
/// a descriptor of its own, which the server then keeps open, so `waitUntilExit` never
/// returned. Here the parent waits with waitpid, and (where glibc offers it) every descriptor
/// above stderr is closed in the child, so the server keeps none of ours.
enum ChildProcess {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static func gnuExtension<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    static func run(_ command: [String], environment: [String: String], outputPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Looked up at run time: Swift's Glibc module hides these GNU extensions (glibc 2.29/2.34).
        if let closeFrom = gnuExtension("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self) {
            _ = closeFrom(&actions, 3)
        }
        // The server's user may not read our working directory: start it somewhere it can.
        if let changeDirectory = gnuExtension("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self) {
            _ = changeDirectory(&actions, "/")
        }

        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw LocalPostgresClusterError.commandFailed(command[0], status: -1, output: "cannot start it: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw LocalPostgresClusterError.commandFailed(command[0], status: -1, output: "waitpid: errno \(errno)")
            }
        }
        // WIFEXITED / WEXITSTATUS by hand (macros): low 7 bits 0 = exited; else killed by that signal.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
