import Foundation

/// What one run of the `ardoise` (or `ardoise-dev`) executable printed and returned.
public struct Execution: CustomStringConvertible, Sendable {
    public var tool: Tool = .ardoise
    public var arguments: [String]
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var description: String {
        "\(tool.rawValue) \(arguments.joined(separator: " ")) → exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// The two binaries: the product, and the development tool (`demo`, `bench`) that the product does not link.
public enum Tool: String, Sendable {
    case ardoise
    case ardoiseDev = "ardoise-dev"
}

/// The built `ardoise` binary, run as a subprocess in a scratch workspace:
/// the end-to-end view a person or a scheduler has (output, exit code, effect
/// on the ledger), in the spirit of swift-argument-parser's `AssertExecuteCommand`.
public enum Executable {
    /// `ARDOISE_BINARY`, or `ardoise` beside the test bundle (`.build/debug`), or in the repository's `.build/debug`.
    public static let url: URL? = {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["ARDOISE_BINARY"] { return URL(fileURLWithPath: path) }
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent()) }
        candidates.append(Repository.root.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("ardoise") }.first { fm.isExecutableFile(atPath: $0.path) }
    }()

    /// `ardoise-dev`, the development tool, beside `ardoise` (the same build folder).
    public static let devURL: URL? = url.map {
        $0.deletingLastPathComponent().appendingPathComponent(Tool.ardoiseDev.rawValue)
    }
    .flatMap { FileManager.default.isExecutableFile(atPath: $0.path) ? $0 : nil }

    public static func url(of tool: Tool) -> URL? { tool == .ardoise ? url : devURL }

    /// Runs `ardoise arguments…` in `directory`; standard output and error kept apart.
    /// The day the binary takes for today (`ARDOISE_TODAY`, test only) unless a test says otherwise: tests never
    /// depend on the day they run, and the dates they act on (up to late December 2026) are never "after today".
    public static let today = "2026-12-31"

    public static func run(
        _ arguments: [String], in directory: URL, input: String? = nil,
        environment extra: [String: String] = [:], tool: Tool = .ardoise
    ) throws -> Execution {
        guard let url = url(of: tool) else {
            throw HarnessError(
                "no `\(tool.rawValue)` binary beside the tests: run `swift build` first, or set ARDOISE_BINARY")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["USER"] = "tester"
        if environment["ARDOISE_TODAY"] == nil { environment["ARDOISE_TODAY"] = today }
        environment.merge(extra) { $1 }
        process.environment = environment
        // Files, not pipes: a large output cannot block the child.
        let out = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let err = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input {
            let inputURL = directory.appendingPathComponent(".stdin-\(UUID().uuidString)")
            try Data(input.utf8).write(to: inputURL)
            defer { try? FileManager.default.removeItem(at: inputURL) }
            process.standardInput = try FileHandle(forReadingFrom: inputURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return Execution(
            tool: tool, arguments: arguments, status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    }
}

extension Executable {
    /// `ardoise-dev demo generate --out NAME --sites S --clients C` in `root`, then
    /// `ardoise init` in the workspace: a ledger is only ever created
    /// explicitly, so every command test starts from here (or `demo run`).
    /// Returns the workspace folder.
    public static func demoWorkspace(
        in root: URL, named name: String = "ws", sites: Int = 2, clients: Int = 12,
        extra: [String] = []
    ) throws -> URL {
        let generate = try run(
            ["demo", "generate", "--out", name, "--sites", "\(sites)", "--clients", "\(clients)"] + extra, in: root,
            tool: .ardoiseDev)
        guard generate.status == 0 else { throw HarnessError("demo generate failed: \(generate)") }
        let ws = root.appendingPathComponent(name)
        if TestEngine.postgres { try TestEngine.usePostgres(in: ws) }
        let created = try run(["init"], in: ws)
        guard created.status == 0 else { throw HarnessError("init failed: \(created)") }
        return ws
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
