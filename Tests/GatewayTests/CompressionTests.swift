import Foundation
import Testing

@testable import GatewayCore

/// Whole text responses are gzipped for clients that accept it, and only for them.
extension GatewaySuites {
    @Suite struct CompressionTests {
        @Test func textResponsesAreGzippedForClientsThatAcceptIt() async throws {
            let harness = try await GatewayHarness.start()
            let token = try await harness.login("leader")
            // Enough tickets for the overview to pass the size worth compressing.
            for i in 0..<12 {
                harness.intake.seed(village: "v-\(i % 4)", category: "c-power", department: "dept-social", status: .inProgress)
            }
            for path in ["/openapi.json", "/", "/api/cockpit/overview"] {
                let url = "http://127.0.0.1:\(harness.client.port)\(path)"
                let auth = ["--header", "Authorization: Bearer \(token)"]
                // --compressed sends Accept-Encoding and inflates what comes back.
                let (zipped, zippedOutput) = try curl(["--silent", "--show-error", "--compressed", "--dump-header", "-"] + auth + [url])
                let (plain, plainOutput) = try curl(["--silent", "--show-error", "--dump-header", "-"] + auth + [url])
                let (refused, refusedOutput) = try curl(["--silent", "--show-error", "--dump-header", "-", "--header", "Accept-Encoding: gzip;q=0"] + auth + [url])
                #expect(zipped == 0 && plain == 0 && refused == 0)
                let (zippedHead, zippedBody) = split(zippedOutput), (plainHead, plainBody) = split(plainOutput)
                #expect(zippedHead.contains("content-encoding: gzip"), "\(path): \(zippedHead)")
                #expect(zippedHead.contains("vary: accept-encoding"), "\(path): \(zippedHead)")
                #expect(!plainHead.contains("content-encoding"), "\(path): \(plainHead)")
                #expect(!split(refusedOutput).head.contains("content-encoding"), "\(path): gzip;q=0 refuses gzip")
                if path == "/api/cockpit/overview" {
                    // generatedAt and elapsed times differ between two answers; the shape does not.
                    #expect(zippedBody.hasPrefix(#"{"complete":"#) && plainBody.hasPrefix(#"{"complete":"#), "\(zippedBody.prefix(200))")
                } else {
                    #expect(zippedBody == plainBody, "\(path): the inflated body is the plain one")
                }
            }
            await harness.stop()
        }

        @Test func acceptEncodingIsReadAsTheRFCSays() {
            typealias M = ResponseCompressionMiddleware<GatewayRequestContext>
            #expect(M.acceptsGzip(["gzip, deflate, br"]))
            #expect(M.acceptsGzip(["deflate", "GZIP;q=0.5"]))
            #expect(M.acceptsGzip(["*"]))
            #expect(!M.acceptsGzip(["gzip;q=0", "br"]))
            #expect(!M.acceptsGzip(["gzip; q=0.000"]))
            #expect(!M.acceptsGzip(["identity"]))
            #expect(!M.acceptsGzip([]))
        }
    }
}

private func split(_ output: String) -> (head: String, body: String) {
    guard let range = output.range(of: "\r\n\r\n") else { return (output.lowercased(), "") }
    return (String(output[..<range.lowerBound]).lowercased(), String(output[range.upperBound...]))
}
