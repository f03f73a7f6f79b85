import BillingEngine
import BillingModel
import Demo
import Foundation
import Ledger
import Workspace

/// The control-export benchmark: the restaurants XLSX of the full example
/// month (about one million ticket lines). The month is generated, imported,
/// billed and validated once in `directory` (reused by later runs); the export
/// then runs as `ardoise export restaurants` in a child process, so its wall
/// time and peak memory (the child's maximum resident set, from `getrusage`)
/// are the command's own, not the preparation's.
public enum ExportsBenchmark {
    public static func run(
        executable: String, directory: URL, sites siteCount: Int = 60, clients clientCount: Int = 850,
        month: String = "2026-10", seed: UInt64 = 1
    ) throws -> String {
        guard let period = Period(parsing: month) else {
            throw GenerationBenchmarkError("`\(month)` is not a month YYYY-MM")
        }
        let fm = FileManager.default
        let clock = ContinuousClock()
        let folder = directory.appendingPathComponent(
            "billed-\(month)-\(siteCount)x\(clientCount)-seed\(seed)-v\(DemoGenerator.version)")
        let marker = folder.appendingPathComponent(".complete")
        let configPath = folder.appendingPathComponent("ardoise.yaml").path
        var lines: [String] = []
        if !fm.fileExists(atPath: marker.path) {
            try? fm.removeItem(at: folder)
            let start = clock.now
            let summary = try DemoWorkspace.write(
                to: folder, sites: siteCount, clients: clientCount, month: month, seed: seed)
            let workspace = try Installation.open(configPath: configPath)
            let ledger = try workspace.openLedger(creating: true)
            _ = try workspace.importFiles([])
            let issueDate = period.end.adding(days: 1)
            let engine = try workspace.engine(today: issueDate)
            _ = try engine.generate(period: period, issueDate: issueDate)
            _ = try engine.validate(ids: try ledger.invoices(status: .proforma).compactMap(\.id), on: issueDate)
            try Data().write(to: marker)
            lines.append(
                "prepared \(summary.clients) clients, \(summary.revenue?.ticketLines ?? 0) ticket lines, billed and validated, "
                    + "in \(GenerationBenchmark.seconds(clock.now - start)) s (not timed)")
        } else {
            lines.append("reusing \(folder.path)")
        }
        let output = folder.appendingPathComponent("restaurants-\(month).xlsx").path
        try? fm.removeItem(atPath: output)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["export", "restaurants", "--config", configPath, "--period", month, "--output", output]
        let pipe = Pipe()
        process.standardOutput = pipe
        let start = clock.now
        try process.run()
        let printed = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else {
            throw GenerationBenchmarkError(
                "the export failed (exit \(process.terminationStatus)): \(String(decoding: printed, as: UTF8.self))")
        }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
        let size = ((try? fm.attributesOfItem(atPath: output))?[.size] as? NSNumber)?.int64Value ?? 0
        lines.append(String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        lines.append(
            "export restaurants \(month): \(GenerationBenchmark.seconds(elapsed)) s, peak RSS \(Int(peakMB.rounded())) MB, "
                + "file \(size / 1_000_000) MB")
        let fast = elapsed < .seconds(30), small = peakMB < 500
        lines.append("targets: under 30 s \(fast ? "met" : "NOT met"); under 500 MB peak \(small ? "met" : "NOT met")")
        return lines.joined(separator: "\n") + "\n"
    }
}
