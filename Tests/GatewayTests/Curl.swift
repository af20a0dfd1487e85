import Foundation

/// Runs curl (an independent HTTP and TLS client) and returns its exit status and output.
func curl(_ arguments: [String]) throws -> (Int32, String) {
    try runToCompletion(URL(fileURLWithPath: "/usr/bin/env"), ["curl"] + arguments)
}

/// Runs a program to its end; returns its exit status and its output and errors together.
func runToCompletion(_ executable: URL, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
