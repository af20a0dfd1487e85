import Foundation
import Testing
import TownshipCatalogue

/// The independent Python peer (`proto-spec/peer`, its own TWP/1 and TLS code, messages from
/// `proto-spec/township.protoset`) calls each of the suite's four services, running as their
/// own processes, over mutual TLS as the admin tool: every service speaks what the spec says.
@Suite(.serialized) struct PythonPeerCallsEveryServiceTests {
    /// One read per service, and what its answer must hold.
    static let calls: [String: (method: String, request: String, expect: String)] = [
        "intake": ("township.intake.v1.Intake/ListVillages", "{}", "villages"),
        "canteen-meals": ("township.canteen.v1.CanteenMeals/GetMealFigures", "{}", "eldersByTier"),
        "job-fair": ("township.jobfair.v1.JobFair/ListFairs", "{}", "fairs"),
        "enterprise-liaison": ("township.liaison.v1.EnterpriseLiaison/GetFigures", "{}", "help"),
    ]

    @Test func thePythonPeerCallsEachServiceOverMutualTLS() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        _ = try await suite.startAll()
        let certs = suite.state.appendingPathComponent("certs").path
        #expect(Set(Self.calls.keys) == Set(ServiceCatalogue.built.map(\.name)), "a call for every built service")
        for service in ServiceCatalogue.built {
            let call = try #require(Self.calls[service.name])
            let port = service.name == "intake" ? suite.intakePort : try #require(suite.otherPorts[service.name])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-m", "twp", "call", "--ca", "\(certs)/ca.crt",
                                 "--cert", "\(certs)/admin-township.crt", "--key", "\(certs)/admin-township.key",
                                 "--server-id", service.identity, "127.0.0.1:\(port)", call.method, call.request]
            process.currentDirectoryURL = SuiteProcesses.repository.appendingPathComponent("proto-spec/peer")
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(service.name): \(problem)")
            #expect(answer.contains(call.expect), "\(service.name) answered \(answer.prefix(300))")
        }
    }
}
