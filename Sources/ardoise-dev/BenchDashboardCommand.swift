import ArgumentParser
import Benchmarks
import CommandSupport
import Foundation

extension BenchCommand {
    /// `ardoise-dev bench dashboard`: p50/p95/p99 of each dashboard query over the full example month.
    struct Dashboard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "p50/p95/p99 of each dashboard query on random selections over the full example month, billed (target p95 under 100 ms)."
        )
        @Option(help: "Scratch folder for the example workspace (imported and billed once, then reused).")
        var directory: String = "/tmp/ardoise-bench-dashboard"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        @Option(help: "Runs per query.") var runs: Int = 200
        func run() throws {
            emit(
                try DashboardBenchmark.run(
                    directory: URL(fileURLWithPath: directory), sites: sites, clients: clients, runs: runs))
        }
    }
}
