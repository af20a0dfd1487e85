import Foundation
import Testing
import TownshipRPC

/// The independent Python implementation (proto-spec/peer), written from the spec alone,
/// calls a live Swift server over mutual TLS: if either side strays from the spec, this fails.
@Suite struct PythonPeerInteropTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func thePythonPeerCallsEveryKindOfMethod() async throws {
        let pki = TestPKI.shared
        let protoset = pki.directory.appendingPathComponent("echo.protoset")
        try run("protoc", ["--include_imports", "--descriptor_set_out=\(protoset.path)",
                           "-I", Self.repository.appendingPathComponent("Tests/TownshipRPCTests/Fixtures").path,
                           "-I", "/usr/include", "echo.proto"])
        let harness = try await RPCTestHarness.start(
            serverSecurity: try pki.serverTransport(), clientSecurity: try pki.clientTransport(pki.gateway), serverIdentity: TestPKI.echoIdentity)
        let address = "127.0.0.1:\(harness.address.port!)"
        let common = ["--ca", pki.ca.certificatePath, "--cert", pki.admin.certificatePath, "--key", pki.admin.privateKeyPath,
                      "--server-id", TestPKI.echoIdentity]

        let said = try peer(["call"] + common + ["--protoset", protoset.path, address, EchoService.say, "\"村民诉求\""])
        let saidValue = try JSONSerialization.jsonObject(with: Data(said.output.utf8), options: .fragmentsAllowed) as? String
        #expect(saidValue == "村民诉求")

        let counted = try peer(["call"] + common + ["--protoset", protoset.path, address, EchoService.count, "3"])
        #expect(counted.output.split(separator: "\n").count == 3)

        let chunk = Data(repeating: 1, count: 2_000).base64EncodedString()
        let collected = try peer(["call"] + common + ["--protoset", protoset.path, address, EchoService.collect, "[\"\(chunk)\", \"\(chunk)\"]"])
        #expect(collected.output.contains("4000"))

        let failed = try peer(["call"] + common + ["--protoset", protoset.path, address, EchoService.fail, "\"x\""], expectStatus: 2)
        #expect((failed.output + failed.error).contains("FAILED_PRECONDITION"))

        _ = try peer(["ping"] + common + [address])
        await harness.stop()
    }

    struct Outcome { var output: String; var error: String }

    private func peer(_ arguments: [String], expectStatus: Int32 = 0) throws -> Outcome {
        let outcome = try run("python3", ["-m", "twp"] + arguments, directory: Self.repository.appendingPathComponent("proto-spec/peer"), expectStatus: expectStatus)
        return outcome
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: [String], directory: URL? = nil, expectStatus: Int32 = 0) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let outcome = Outcome(output: String(decoding: outData, as: UTF8.self), error: String(decoding: errData, as: UTF8.self))
        #expect(process.terminationStatus == expectStatus, "\(tool) \(arguments.prefix(2)) exited \(process.terminationStatus): \(outcome.error)")
        return outcome
    }
}
