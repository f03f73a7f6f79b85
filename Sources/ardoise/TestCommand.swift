import ArgumentParser
import CommandSupport
import ContractLanguage
import Diagnostics
import Workspace

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the examples written in contracts; show expected and computed figures for each failure."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Show the computed invoices of passing examples too.")
    var verbose = false

    @Argument(help: "Contract files or folders (default: the rules folder of the configuration).")
    var paths: [String] = []

    func validate() throws {
        try requireExisting(paths)
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let today = try global.today()
            let loaded = ContractFiles.load(in: paths.isEmpty ? [workspace.config.rulesDirectory] : paths)
            var set = RuleSet(
                files: loaded.files, context: workspace.contractContext(today: today), requireEveryClient: false)
            set.diagnostics += loaded.diagnostics
            // A broken contract is reported and the examples of every other one still run.
            let errors = set.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty { emit(DiagnosticRenderer(sources: set.sources).render(errors, format: .text)) }
            let broken = Set(errors.filter { !$0.isDataNeed }.map(\.file))
            var passed = 0, failed = 0
            for file in set.files {
                guard let contract = file.contract else {
                    emit("SKIP \(file.source.path): the contract has errors, its examples were not run\n")
                    continue
                }
                if broken.contains(file.source.path) { continue }
                for r in ExampleRunner.run(contract, indexSeries: workspace.indexValues) {
                    if r.passed {
                        passed += 1
                        emit("PASS \(r.file):\(r.line) \(r.client) \"\(r.example)\"\n")
                        if verbose { emit(r.report) }
                    } else {
                        failed += 1
                        emit("FAIL \(r.file):\(r.line) \(r.client) \"\(r.example)\"\n")
                        for f in r.failures { emit("    \(f)\n") }
                        emit("  computed:\n\(r.report)")
                    }
                }
            }
            let skipped = set.files.filter { $0.contract == nil }.count + loaded.diagnostics.count
            emit(
                "\(passed) passed, \(failed) failed\(skipped > 0 ? ", \(skipped) contract\(skipped == 1 ? "" : "s") with errors" : "")\n"
            )
            return failed > 0 || !errors.isEmpty ? 1 : 0
        }
    }
}
