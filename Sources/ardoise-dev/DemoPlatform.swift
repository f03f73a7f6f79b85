import BillingModel
import CommandSupport
import Foundation
import Ledger
import PlatformTransmission
import Workspace

/// The accredited platform of `ardoise-dev demo run`: the test platform that lives in the repository
/// (`Tests/PlatformTransmissionTests/Resources/test_platform.py`, Python's standard library plus the pinned
/// `factur-x`), started on loopback with the checkout's `.venv` (what `.ci/setup` makes), and stopped when the demo
/// ends. Without them (a demo run outside the checkout) the demo says so and shows the rest.
final class DemoPlatform {
    static let python = ".venv/bin/python3"
    static let script = "Tests/PlatformTransmissionTests/Resources/test_platform.py"
    static let clientID = "demo-client"
    static let secretFile = "platform-secret.txt"

    let process: Process
    let input: Pipe
    let port: Int

    private init(process: Process, input: Pipe, port: Int) {
        self.process = process
        self.input = input
        self.port = port
    }

    /// Starts the test platform from the current directory's checkout; the reason when it cannot.
    static func start() -> Result<DemoPlatform, DemoPlatformUnavailable> {
        let files = FileManager.default
        guard files.isExecutableFile(atPath: python), files.fileExists(atPath: script) else {
            return .failure(
                DemoPlatformUnavailable(
                    reason: "no `\(python)` and `\(script)` here (run the demo from the checkout after `.ci/setup`)"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, clientID, secret]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            return .failure(DemoPlatformUnavailable(reason: "`\(python) \(script)` did not start: \(error)"))
        }
        // It prints `PORT n` once it listens; it runs until its standard input closes.
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
            let port = Int(line.dropFirst(5))
        else {
            process.terminate()
            return .failure(
                DemoPlatformUnavailable(reason: "the test platform did not say its port (`\(python) \(script)`)"))
        }
        return .success(DemoPlatform(process: process, input: input, port: port))
    }

    /// The client secret the test platform was started with, written to a file of the workspace (never in the settings).
    static let secret = "demo-secret"

    /// Points the demo workspace's settings at this platform (`transmission: both`: the e-mail stays as a courtesy copy).
    func configure(_ folder: URL) throws {
        try (Self.secret + "\n").write(
            to: folder.appendingPathComponent(Self.secretFile), atomically: true, encoding: .utf8)
        let settings = folder.appendingPathComponent("settings.yaml")
        let section = """

            # The repository's test platform, started by `ardoise-dev demo run` for the demo only (it stops with it).
            platform:
              api_url: http://127.0.0.1:\(port)
              token_url: http://127.0.0.1:\(port)/oauth/token
              client_id: \(Self.clientID)
              client_secret_file: \(Self.secretFile)
              transmission: both

            """
        try (String(contentsOf: settings, encoding: .utf8) + section).write(
            to: settings, atomically: true, encoding: .utf8)
    }

    /// Closes its standard input (it exits then); terminates it if it lingers.
    func stop() {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
    }

    /// Submits what is due and reads the statuses back; one line each, with the rate of submissions.
    static func submitAndPoll(_ workspace: Installation, ledger: LedgerDatabase, what: String) throws -> String {
        let clock = ContinuousClock()
        let start = clock.now
        let submitted = try workspace.submitToPlatform()
        let elapsed = clock.now - start
        let (whole, atto) = elapsed.components
        let perSecond =
            Double(whole) + Double(atto) / 1e18 > 0
            ? Double(submitted.items.count) / (Double(whole) + Double(atto) / 1e18) : 0
        var out =
            "platform: \(submitted.summary) (\(what)) in \(seconds(elapsed)), \(Int(perSecond.rounded())) per second\n"
        for f in submitted.failed.prefix(10) { out += "  failed \(f.trackingId): \(f.detail)\n" }
        let poll = try workspace.pollPlatform()
        out += "platform: \(poll.summary)\n"
        return out
    }

    /// Each kind of flow by state (`invoice deposited 1234`): every document once, its status back in the ledger.
    static func statuses(_ ledger: LedgerDatabase) throws -> String {
        var counts: [String: Int] = [:]
        for e in try ledger.platformFlows() { counts["\(e.flow.kind.rawValue) \(e.flow.state)", default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

/// Why the demo shows no platform.
struct DemoPlatformUnavailable: Error {
    var reason: String
}
