import ArgumentParser
import Benchmarks
import Foundation

extension BenchCommand {
    /// `ardoise bench exports`: the restaurants XLSX of the full example month, time and peak memory.
    struct Exports: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seconds and peak memory of `export restaurants` over the full example month (about one million ticket lines).")
        @Option(help: "Scratch folder for the billed example month (reused between runs).") var directory: String = "/tmp/ardoise-bench-exports"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        func run() throws {
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
            emit(try ExportsBenchmark.run(executable: executable, directory: URL(fileURLWithPath: directory), sites: sites, clients: clients))
        }
    }
}
