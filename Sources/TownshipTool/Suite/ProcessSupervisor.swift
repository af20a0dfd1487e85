import Foundation
import Synchronization

/// Runs the suite's programs as separate processes, prefixing each line they print with the
/// program's name in its own colour. A program that exits on its own is reported, never
/// restarted behind the operator's back.
final class ProcessSupervisor: Sendable {
    private struct Running: @unchecked Sendable {
        let name: String
        let process: Process
    }

    private let running = Mutex<[Running]>([])
    private let output = Mutex(())
    private let stopping = Atomic<Bool>(false)
    private let colours = ["\u{1B}[36m", "\u{1B}[35m", "\u{1B}[33m", "\u{1B}[32m", "\u{1B}[34m"]
    private let useColour = isatty(STDOUT_FILENO) != 0

    /// Called when a program exits while the suite is not being stopped.
    let onUnexpectedExit: @Sendable (String, Int32) -> Void

    init(onUnexpectedExit: @escaping @Sendable (String, Int32) -> Void) {
        self.onUnexpectedExit = onUnexpectedExit
    }

    func start(name: String, executable: URL, arguments: [String], index: Int) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let prefix = useColour ? "\(colours[index % colours.count])[\(name)]\u{1B}[0m " : "[\(name)] "
        let pending = Mutex(Data())
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let chunk = handle.availableData
            guard !chunk.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            let lines: [Data] = pending.withLock { buffer in
                buffer.append(chunk)
                var complete: [Data] = []
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    complete.append(buffer[buffer.startIndex..<newline])
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
                return complete
            }
            for line in lines { self.print(prefix + String(decoding: line, as: UTF8.self)) }
        }
        process.terminationHandler = { [self] finished in
            guard !stopping.load(ordering: .relaxed) else { return }
            onUnexpectedExit(name, finished.terminationStatus)
        }
        try process.run()
        running.withLock { $0.append(Running(name: name, process: process)) }
    }

    func print(_ line: String) {
        output.withLock { _ in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    var anyRunning: Bool { running.withLock { $0.contains { $0.process.isRunning } } }

    func isRunning(_ name: String) -> Bool { running.withLock { $0.contains { $0.name == name && $0.process.isRunning } } }

    /// SIGTERM to every program, last started first (the gateway before the services it
    /// calls), then SIGKILL for any still running after `grace`.
    func stopAll(grace: Duration = .seconds(30)) async {
        stopping.store(true, ordering: .relaxed)
        let programs = running.withLock { $0 }
        for program in programs.reversed() where program.process.isRunning {
            print("stopping \(program.name)")
            program.process.terminate()
            let deadline = ContinuousClock.now + grace
            while program.process.isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if program.process.isRunning {
                print("\(program.name) did not stop within \(grace): killing it")
                kill(program.process.processIdentifier, SIGKILL)
            }
        }
    }
}
