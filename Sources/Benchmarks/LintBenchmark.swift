import BillingModel
import ContractLanguage
import Demo
import Foundation
import Settings
import Workspace

/// Issue 3's lint benchmark: N generated contract files and their settings,
/// linted as CI does (read the files, parse, check, the cross-file rule set).
public enum LintBenchmark {
    /// Generates `files` contracts (and settings) in a temporary folder, lints
    /// them `repetitions` times and returns the report. Build with `-c release`.
    public static func run(files: Int = 1000, seed: UInt64 = 1, repetitions: Int = 5) -> String {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent(
            "ardoise-lint-bench-\(files)-\(seed)-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        var lines: [String] = []
        do {
            let generation = Date()
            let summary = try DemoWorkspace.write(
                to: dir, sites: max(1, min(60, files / 10)), clients: files, month: "2026-10",
                seed: seed, revenue: false)
            lines.append(
                "generated \(summary.contracts) contract files and settings in \(Timing.format(Date().timeIntervalSince(generation))) s"
            )
        } catch {
            return "lint benchmark: could not generate the contracts: \(error)\n"
        }
        let configPath = dir.appendingPathComponent("ardoise.yaml").path
        let rulesPath = dir.appendingPathComponent("rules").path
        let today = Day(iso: "2026-11-23") ?? Day(ordinal: 0)
        let workspace: Installation
        do { workspace = try Installation.open(configPath: configPath) } catch {
            return (lines + ["lint benchmark: the generated settings do not open: \(error)"]).joined(separator: "\n")
                + "\n"
        }
        let context = workspace.contractContext(today: today)

        // Contracts only: read + parse + check + rule set, settings already loaded (what grows with the number of files).
        var contractTimes: [Double] = []
        var diagnostics = 0
        var checked = 0
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            let inputs = ContractFiles.read(in: [rulesPath])
            let set = RuleSet(files: inputs, context: context)
            contractTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            diagnostics = set.diagnostics.count
            checked = set.files.count
        }
        // The whole `ardoise lint`: config, settings YAML, contracts.
        var fullTimes: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            let report = Linter.run(paths: [], configPath: configPath, today: today)
            fullTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            diagnostics = max(diagnostics, report.diagnostics.count)
        }
        let best = contractTimes.min() ?? 0, median = Timing.median(contractTimes)
        let fullBest = fullTimes.min() ?? 0, fullMedian = Timing.median(fullTimes)
        lines.append("files: \(checked) contracts, \(diagnostics) diagnostics, \(contractTimes.count) repetitions")
        lines.append(
            "contracts (read + parse + check + rule set): best \(Timing.format(best)) s, median \(Timing.format(median)) s, "
                + "\(Int(Double(checked) / max(median, 1e-9))) files/s")
        lines.append(
            "ardoise lint (config + settings + contracts): best \(Timing.format(fullBest)) s, median \(Timing.format(fullMedian)) s, "
                + "\(Int(Double(checked) / max(fullMedian, 1e-9))) files/s")
        let perThousand = fullMedian * 1000 / Double(max(checked, 1))
        lines.append(
            "target (1,000 files in under 1 s): \(perThousand < 1 ? "met" : "NOT met") (\(Timing.format(perThousand)) s per 1,000 files, whole lint, median)"
        )
        return lines.joined(separator: "\n") + "\n"
    }
}

enum Timing {
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Seconds with 3 decimals (timings only: never money).
    static func format(_ v: Double) -> String {
        let thousandths = Int((v * 1000).rounded())
        let frac = thousandths % 1000
        return "\(thousandths / 1000)." + String(repeating: "0", count: frac < 10 ? 2 : frac < 100 ? 1 : 0) + "\(frac)"
    }
}
