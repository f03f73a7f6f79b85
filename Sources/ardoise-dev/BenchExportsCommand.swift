import ArgumentParser
import Benchmarks
import CommandSupport
import Foundation

extension BenchCommand {
    /// `ardoise-dev bench exports`: the restaurants XLSX of the full example month, time and peak memory.
    struct Exports: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Seconds and peak memory of `export restaurants` over the full example month (about one million ticket lines)."
        )
        @Option(help: "Scratch folder for the billed example month (reused between runs).") var directory: String =
            "/tmp/ardoise-bench-exports"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        func run() throws {
            let executable = try ProductBinary.url().path
            emit(
                try ExportsBenchmark.run(
                    executable: executable, directory: URL(fileURLWithPath: directory), sites: sites, clients: clients))
        }
    }
}
