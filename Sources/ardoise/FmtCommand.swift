import ArgumentParser
import CommandSupport
import ContractLanguage
import Diagnostics
import Foundation
import Workspace

struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite contracts in the one canonical layout; with --check, only say which differ (exit 1)."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Change nothing; list the files whose layout differs and exit 1 if any.")
    var check = false

    @Argument(help: "Contract files or folders (default: the rules folder of the configuration).")
    var paths: [String] = []

    func validate() throws {
        try requireExisting(paths)
    }

    func run() throws {
        try Outcome.run {
            var targets = paths
            if targets.isEmpty { targets = [try Installation.open(configPath: global.config).config.rulesDirectory] }
            var differing = 0
            var broken = 0
            let loaded = ContractFiles.load(in: targets)
            if !loaded.diagnostics.isEmpty {
                printError(DiagnosticRenderer(sources: [:]).render(loaded.diagnostics, format: .text))
                broken += loaded.diagnostics.count
            }
            for file in loaded.files {
                // Layout needs only the syntax: names are not resolved.
                let checked = CheckedFile(
                    path: file.path, text: file.text, context: ContractContext(today: Day(ordinal: 0)))
                guard let formatted = Formatter.format(checked) else {
                    printError("\(file.path): has syntax errors, not formatted (run `ardoise lint \(file.path)`)")
                    broken += 1
                    continue
                }
                guard formatted != file.text else { continue }
                differing += 1
                if check {
                    emit("\(file.path): not formatted\n")
                } else {
                    try formatted.write(toFile: file.path, atomically: true, encoding: .utf8)
                    emit("formatted \(file.path)\n")
                }
            }
            return broken > 0 || (check && differing > 0) ? 1 : 0
        }
    }
}
import BillingModel
