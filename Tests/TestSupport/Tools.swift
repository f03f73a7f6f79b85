import Foundation

/// The command-line tools tests read documents back with (poppler, qpdf, the
/// e-invoice validators in Python), as `.ci/setup` installs them.
public enum Tools {
    public static func exists(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    /// The Python of the test tools: `$ARDOISE_PYTHON`, else the virtual
    /// environment `.ci/setup` makes at `.venv/` in the repository (pinned
    /// versions), else `python3` on the PATH.
    public static let python: String = {
        if let configured = ProcessInfo.processInfo.environment["ARDOISE_PYTHON"], !configured.isEmpty {
            return configured
        }
        let venv = Repository.root.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()

    /// Whether this is a CI run (`CI=true`): there, a test tool that is missing
    /// fails the tests that need it instead of skipping them silently.
    public static let inCI: Bool = ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")

    /// Whether the test Python imports all of `modules` (always true in CI, so a missing tool fails loudly).
    public static func pythonHas(_ modules: String) -> Bool {
        if inCI { return true }
        return (try? run(python, ["-c", "import \(modules)"]).status) == 0
    }

    /// Whether the test Python has the official validators' packages (factur-x, saxonche, lxml).
    public static let validatorsAvailable: Bool = pythonHas("facturx, saxonche, lxml")

    /// Runs a tool found on the PATH; its standard output and error together.
    public static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The text pdftotext finds, with French narrow and no-break spaces as plain spaces.
    public static func pdfText(_ pdf: [UInt8], in folder: URL = Repository.temporaryDirectory("ardoise-pdftext")) throws
        -> String
    {
        let url = folder.appendingPathComponent("text-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: url)
        return try run("pdftotext", ["-layout", url.path, "-"]).output
            .replacingOccurrences(of: "\u{202F}", with: " ").replacingOccurrences(of: "\u{A0}", with: " ")
    }

    /// Starts a test server of `.venv` (a Python script) that prints a first line ending with the port it listens
    /// on; returns that port, or nil with the line it printed (the process is then terminated).
    public static func startLoopbackServer(
        _ process: Process, script: String, arguments: [String], input: Pipe,
        quiet: Bool = false
    ) throws -> (port: Int?, line: String) {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments
        process.standardInput = input
        process.standardOutput = output
        if quiet { process.standardError = FileHandle.nullDevice }
        try process.run()
        var line = ""
        while !line.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            line += String(decoding: data, as: UTF8.self)
        }
        guard let port = line.split(separator: "\n").first.flatMap({ Int($0.split(separator: " ").last ?? "") }) else {
            process.terminate()
            return (nil, line)
        }
        return (port, line)
    }
}
