import ArgumentParser
import Benchmarks
import CommandSupport
import Foundation

extension BenchCommand {
    /// `ardoise-dev bench faults`: kill campaigns and power-cut images over a small generated workspace.
    struct Faults: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Kill each command with SIGKILL at random moments (and copy its ledger as a power cut's image), check, rerun, compare.",
            discussion:
                "Commands: \(FaultCampaign.commandNames.joined(separator: ", ")). Exit 0 when every trial survived, 1 otherwise."
        )
        @Option(help: "Trials per command (50 in the long form, 10 in CI).") var trials: Int = 10
        @Option(parsing: .upToNextOption, help: "Only these commands.") var commands: [String] = []
        @Option(help: "Seed of the kill moments.") var seed: UInt64 = 1
        @Option(help: "Scratch folder (emptied first; failed trials are kept in it).") var directory: String =
            "/tmp/ardoise-bench-faults"
        @Option var sites: Int = 2
        @Option var clients: Int = 12

        func validate() throws {
            if trials < 1 { throw ValidationError("--trials is at least 1") }
            if let unknown = commands.first(where: { !FaultCampaign.commandNames.contains($0) }) {
                throw ValidationError(
                    "unknown command `\(unknown)`; expected one of \(FaultCampaign.commandNames.joined(separator: ", "))"
                )
            }
        }

        func run() throws {
            // The product binary is the one killed.
            let executable = try ProductBinary.url()
            let result: FaultCampaign.Result
            do {
                result = try FaultCampaign.run(
                    executable: executable, directory: URL(fileURLWithPath: directory), trials: trials,
                    only: commands.isEmpty ? nil : commands, seed: seed, sites: sites, clients: clients,
                    progress: { emit($0) })
            } catch {
                printError("ardoise: bench faults could not run: \(error)")
                throw ExitCode(2)
            }
            emit(result.text)
            if result.failed { throw ExitCode(1) }
        }
    }
}
