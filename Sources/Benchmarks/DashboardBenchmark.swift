import BillingEngine
import BillingModel
import Dashboards
import Demo
import Foundation
import Ledger
import Workspace

/// The dashboard benchmark: the full example month (about one million ticket
/// lines) imported and billed, then each dashboard query run `runs` times on
/// random selections (every client, a scope of clients, one site, one
/// client), printing p50, p95 and p99 per query (target p95 under 100 ms).
public enum DashboardBenchmark {
    public static func run(
        directory: URL, sites siteCount: Int = 60, clients clientCount: Int = 850,
        month: String = "2026-10", seed: UInt64 = 1, runs: Int = 200
    ) throws -> String {
        guard let period = Period(parsing: month) else {
            throw GenerationBenchmarkError("`\(month)` is not a month YYYY-MM")
        }
        let fm = FileManager.default
        let clock = ContinuousClock()
        let (folder, note) = try BenchWorkspace.generated(
            in: directory, sites: siteCount, clients: clientCount, month: month, seed: seed)
        let billed = folder.appendingPathComponent(".billed")
        var lines = [note]
        let workspace = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
        let ledger: LedgerDatabase
        if fm.fileExists(atPath: billed.path), fm.fileExists(atPath: workspace.config.databasePath) {
            let start = clock.now
            ledger = try workspace.openLedger()
            lines.append(
                "reusing the billed month in \(folder.path) (opened, migrations included, in "
                    + "\(GenerationBenchmark.seconds(clock.now - start)) s)")
        } else {
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: workspace.config.databasePath + suffix) }
            ledger = try workspace.openLedger(creating: true)
            var start = clock.now
            let results = try workspace.importFiles([])
            lines.append(
                "imported \(results.count) files, \(results.map(\.rows).reduce(0, +)) rows in "
                    + "\(GenerationBenchmark.seconds(clock.now - start)) s")
            start = clock.now
            let issueDate = period.end.adding(days: 1)
            let engine = try workspace.engine(today: issueDate, actor: "bench")
            let report = try engine.generate(period: period, issueDate: issueDate)
            _ = try engine.validate(ids: try ledger.invoices(status: .proforma).compactMap(\.id), on: issueDate)
            try Data().write(to: billed)
            lines.append(
                "billed and validated \(report.created.count) proformas in \(GenerationBenchmark.seconds(clock.now - start)) s"
            )
        }
        let dashboard = Dashboard(ledger: ledger)
        let (sites, clients) = try dashboard.sitesAndClients(period: period, scope: .all)
        guard !sites.isEmpty, !clients.isEmpty else { throw GenerationBenchmarkError("the month has no revenue") }
        let rows = try ledger.dailyRevenueRowCount()
        lines.append(
            "daily_revenue: \(rows) rows; \(sites.count) sites, \(clients.count) clients; \(runs) runs per query")

        var random = SplitMix64(seed: 42)
        func selection() -> (String, Selection) {
            switch random.below(4) {
            case 0: return ("all", Selection(scope: .all))
            case 1:
                // A scope of 3 to 50 clients, never more than the month has (a small month would loop forever).
                let n = min(random.inRange(3...50), clients.count)
                var set = Set<String>()
                while set.count < n { set.insert(clients[random.below(clients.count)]) }
                return ("scope", Selection(scope: .clients(set)))
            case 2: return ("site", Selection(scope: .all, site: sites[random.below(sites.count)]))
            default: return ("client", Selection(scope: .all, client: clients[random.below(clients.count)]))
            }
        }
        let queries: [(String, (Selection) throws -> Void)] = [
            ("by day", { _ = try dashboard.byDay(period: period, selection: $0) }),
            ("by ISO week", { _ = try dashboard.byWeek(period: period, selection: $0) }),
            ("cumulative", { _ = try dashboard.cumulative(period: period, selection: $0) }),
            ("invoiced vs not", { _ = try dashboard.invoicing(period: period, selection: $0) }),
            (
                "by day + SVG chart",
                { s in
                    let days = try dashboard.byDay(period: period, selection: s)
                    _ = Charts.daily(days, title: "Chiffre d'affaires par jour")
                }
            )
        ]
        var worst = 0.0
        for (name, query) in queries {
            var times: [Double] = []
            var byKind: [String: [Double]] = [:]
            for _ in 0..<runs {
                let (kind, s) = selection()
                let start = clock.now
                try query(s)
                let ms = GenerationBenchmark.asDouble(clock.now - start) * 1000
                times.append(ms)
                byKind[kind, default: []].append(ms)
            }
            func p(_ q: Int, _ values: [Double]) -> Double {
                let sorted = values.sorted()
                return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * q / 100)]
            }
            let f = ImportBenchmark.format
            worst = max(worst, p(95, times))
            lines.append(
                "\(name): p50 \(f(p(50, times))) ms, p95 \(f(p(95, times))) ms, p99 \(f(p(99, times))) ms; p95 by selection: "
                    + byKind.sorted { $0.key < $1.key }.map { "\($0.key) \(f(p(95, $0.value))) ms (\($0.value.count))" }
                    .joined(separator: ", "))
        }
        lines.append("target p95 under 100 ms: \(worst < 100 ? "met" : "NOT met")")
        return lines.joined(separator: "\n") + "\n"
    }
}
