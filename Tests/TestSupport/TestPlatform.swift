import Foundation

/// The accredited platform of the tests: `Tests/PlatformTransmissionTests/Resources/test_platform.py` (the AFNOR
/// XP Z12-013 flow API, Python stdlib only) served on a free loopback port for as long as the value lives.
public final class TestPlatform: @unchecked Sendable {
    public static let script = Repository.root.appendingPathComponent(
        "Tests/PlatformTransmissionTests/Resources/test_platform.py")
    public static let clientID = "ardoise-tests"
    /// The client secret the platform expects; given to `ardoise` through `secretVariable` only.
    public static let secret = "s3cret-for-the-test-platform"
    public static let secretVariable = "ARDOISE_PLATFORM_SECRET"

    let process = Process()
    let input = Pipe()
    public let port: Int

    public init() throws {
        let started = try Tools.startLoopbackServer(
            process, script: Self.script.path, arguments: [Self.clientID, Self.secret],
            input: input, quiet: true)
        guard let p = started.port else { throw HarnessError("the test platform did not start: \(started.line)") }
        port = p
    }

    deinit { stop() }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The `platform:` settings section pointing at this platform.
    public func settings(transmission: String = "platform", extra: String = "") -> String {
        Self.settings(baseURL: baseURL, transmission: transmission, extra: extra)
    }

    /// The `platform:` settings section pointing at the platform at `baseURL` (a workspace written before its
    /// platform starts puts a placeholder there, replaced later).
    public static func settings(baseURL: String, transmission: String = "platform", extra: String = "") -> String {
        """

        platform:
          api_url: \(baseURL)
          token_url: \(baseURL)/oauth/token
          client_id: \(clientID)
          client_secret_env: \(secretVariable)
          connect_timeout: 5
          request_timeout: 20
          transmission: \(transmission)
        \(extra)
        """
    }

    /// The environment `ardoise` needs to reach it.
    public var environment: [String: String] { [Self.secretVariable: Self.secret] }

    /// The next submissions answer, in order: `503`, `429`, `500`, `400`, `drop` (no answer, nothing stored) or
    /// `drop-after-store` (stored, then the connection dropped: a lost answer).
    public func fault(_ faults: String...) throws { try control("faults", ["faults": faults]) }

    /// `trackingId` is rejected (acknowledgement Error, status 213) with these reasons when it arrives.
    public func reject(_ trackingId: String, code: String, message: String) throws {
        try control("reject", ["trackingId": trackingId, "reasons": [["reasonCode": code, "reasonMessage": message]]])
    }

    /// A life-cycle status about a document, served to the next search.
    public func lifecycle(_ number: String, status: String, name: String, reasons: [[String: String]] = []) throws {
        try control("lifecycle", ["trackingId": number, "status": status, "name": name, "reasons": reasons])
    }

    /// Every flow the platform holds, and every submission attempt it saw.
    public func state() throws -> (flows: [[String: Any]], attempts: [[String: Any]]) {
        let (data, _) = try request("GET", "/_control/state", body: nil)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HarnessError("state is not JSON")
        }
        return ((object["flows"] as? [[String: Any]]) ?? [], (object["attempts"] as? [[String: Any]]) ?? [])
    }

    /// The documents Ardoise submitted (direction Out, type CustomerInvoice), per trackingId: how many the platform holds of each.
    public func submittedCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for f in try state().flows
        where (f["flowDirection"] as? String) == "Out" && (f["flowType"] as? String) == "CustomerInvoice" {
            counts[(f["trackingId"] as? String) ?? "?", default: 0] += 1
        }
        return counts
    }

    func control(_ name: String, _ body: [String: Any]) throws {
        let (_, status) = try request(
            "POST", "/_control/\(name)", body: try JSONSerialization.data(withJSONObject: body))
        guard status == 200 else { throw HarnessError("control \(name) answered \(status)") }
    }

    /// A plain HTTP/1.1 exchange over a socket (the tests need no HTTP client library).
    func request(_ method: String, _ path: String, body: Data?) throws -> (Data, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("no socket") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError("cannot connect to the test platform") }
        var head =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body?.count ?? 0)\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        let bytes = Array((head + "\r\n").utf8) + [UInt8](body ?? Data())
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw HarnessError("send failed") }
            sent += n
        }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = (0..<max(0, answer.count - 3)).first(where: { Array(answer[$0..<$0 + 4]) == separator })
        else {
            throw HarnessError("no HTTP answer")
        }
        let statusLine = String(decoding: answer[0..<split], as: UTF8.self).split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        return (Data(answer[(split + 4)...]), status)
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
