import Foundation
import TownshipCertificates

/// TLS peers we did not write: Python's `ssl` module (the system's OpenSSL 3), run as scripts.
enum PythonTLSClient {
    static let script = #"""
import json, socket, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(a["ca"])
# The identity is the URI SAN, which Township clients check; here only the server is judged.
ctx.check_hostname = False
if a.get("cert"):
    ctx.load_cert_chain(a["cert"], a["key"])
if a.get("alpn") is not None:
    ctx.set_alpn_protocols(a["alpn"])
if a.get("tls12"):
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
sock = socket.create_connection(("127.0.0.1", a["port"]), timeout=10)
try:
    tls = ctx.wrap_socket(sock, server_hostname="localhost", suppress_ragged_eofs=False)
except ssl.SSLError as e:
    print("handshake-error:%s|%s" % (e.reason, e)); sys.exit(0)
except OSError as e:
    print("handshake-os-error:%s" % e); sys.exit(0)
try:
    if a.get("send"):
        tls.sendall(a["send"].encode())
    while True:
        if not tls.recv(65536):
            print("clean-close"); break
except ssl.SSLEOFError:
    print("unclean-eof")
except ssl.SSLError as e:
    print("read-error:%s|%s" % (e.reason, e))
except OSError as e:
    print("os-error:%s" % e)
"""#

    /// Connects, optionally sends `send`, reads until the end; returns one line: `clean-close`,
    /// `unclean-eof`, `handshake-error:<REASON>|<message>` or `read-error:<REASON>|<message>`
    /// (Python knows no REASON name for some alerts, e.g. no_application_protocol: `None`).
    static func run(
        port: Int,
        pki: TestPKI,
        certificate: CertificateFiles?,
        alpn: [String]? = ["twp/1"],
        tls12: Bool = false,
        send: String? = nil
    ) throws -> String {
        var arguments: [String: Any] = ["port": port, "ca": pki.caPath, "tls12": tls12]
        if let certificate {
            arguments["cert"] = certificate.certificatePath
            arguments["key"] = certificate.privateKeyPath
        }
        if let alpn { arguments["alpn"] = alpn }
        if let send { arguments["send"] = send }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)
        return try runPython(script, arguments: [json]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A Python TLS server serving one connection and reporting how it ended: without ALPN
/// unless given, and, with `hold`, keeping the connection open after the client's
/// close_notify instead of answering it.
final class PythonTLSServer {
    static let script = #"""
import json, socket, ssl, sys, time
a = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(a["cert"], a["key"])
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.num_tickets = 0
if a.get("alpn"):
    ctx.set_alpn_protocols(a["alpn"])
listener = socket.create_server(("127.0.0.1", 0))
listener.settimeout(20)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
conn.settimeout(20)
try:
    tls = ctx.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False)
    while True:
        if not tls.recv(65536):
            print("clean-close", flush=True)
            if a.get("hold"):
                time.sleep(20)
            break
except ssl.SSLEOFError:
    print("unclean-eof")
except ssl.SSLError as e:
    print("error:%s" % e.reason)
except OSError as e:
    print("os-error:%s" % e)
"""#

    let process: Process
    private let output: Pipe
    let port: Int

    init(certificate: CertificateFiles, alpn: [String]? = nil, hold: Bool = false) throws {
        var arguments: [String: Any] = ["cert": certificate.certificatePath, "key": certificate.privateKeyPath, "hold": hold]
        if let alpn { arguments["alpn"] = alpn }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, json]
        output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw TestTimeout(what: "the Python server's port (got \(String(decoding: line, as: UTF8.self)))")
        }
        self.port = port
    }

    /// SIGKILL: the child may inherit a signal mask that blocks SIGTERM from the test runner.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits for the server to end and returns how its connection ended.
    func outcome() -> String {
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: rest, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Runs `python3 -c script arguments...` and returns its standard output.
func runPython(_ script: String, arguments: [String]) throws -> String {
    try runTool("/usr/bin/env", ["python3", "-c", script] + arguments)
}

/// Runs a program to completion, with standard input empty, and returns its standard output
/// and standard error together.
func runTool(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
