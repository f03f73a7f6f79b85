import Foundation

/// `ardoise serve` started for real in a workspace on a free loopback port, as a person or another machine runs it,
/// stopped when this value goes; requests go through curl (the API's bearer token, no browser).
public final class RunningServer {
    public let port: Int
    public let log: URL
    private let process: Process

    /// Starts `ardoise serve --port P arguments…` in `workspace` and waits (at most 20 s) until its sign-in page answers.
    public init(in workspace: URL, arguments: [String] = [], environment extra: [String: String] = [:]) throws {
        guard let binary = Executable.url else { throw HarnessError("no ardoise binary: run `swift build` first") }
        port = LoopbackSMTP.closedPort()
        log = workspace.appendingPathComponent("serve-\(port).log")
        process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "\(port)"] + arguments
        process.currentDirectoryURL = workspace
        var environment = ProcessInfo.processInfo.environment
        environment["USER"] = "tester"
        if environment["ARDOISE_TODAY"] == nil { environment["ARDOISE_TODAY"] = Executable.today }
        environment.merge(extra) { $1 }
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if let r = try? Tools.run(
                "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/connexion"]),
                r.output == "200"
            {
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        stop()
        throw HarnessError("`ardoise serve` did not answer on port \(port): \(output)")
    }

    deinit { stop() }

    /// What the server printed so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A request with a bearer token: the HTTP status and the body.
    public func request(_ path: String, method: String = "GET", token: String) throws -> (status: Int, body: String) {
        let marker = "\n--status--"
        let r = try Tools.run(
            "curl",
            [
                "-s", "-X", method, "-H", "Authorization: Bearer \(token)", "-w", "\(marker)%{http_code}",
                "http://127.0.0.1:\(port)\(path)"
            ])
        guard r.status == 0, let cut = r.output.range(of: marker, options: .backwards),
            let status = Int(r.output[cut.upperBound...])
        else { throw HarnessError("curl \(method) \(path) failed: \(r.output)") }
        return (status, String(r.output[..<cut.lowerBound]))
    }
}
