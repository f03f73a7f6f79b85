import ArgumentParser
import CommandSupport
import Foundation
import Diagnostics
import Workspace

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check contracts and settings; exit 0 when no error, 1 when errors, 2 when it could not run.",
        discussion:
            "Without paths, lints the settings and the rules folder of the configuration. `--explain CODE` prints the long explanation of a diagnostic code."
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: "Output format: text, json (one object per line), github (workflow annotations), sarif (SARIF 2.1.0).")
    var format: DiagnosticFormat = .text

    @Option(help: "Print the explanation of a diagnostic code, e.g. E0301.")
    var explain: String?

    @Argument(help: "Contract files (*.ard), folders of them, or settings files (*.yaml).")
    var paths: [String] = []

    func validate() throws {
        try requireExisting(paths)
    }

    func run() throws {
        try Outcome.run {
            if let code = explain {
                guard let e = Linter.explanation(for: code) else {
                    printError(
                        "ardoise: no diagnostic code `\(code)`; known codes: \(Linter.allCodes.joined(separator: " "))")
                    return 2
                }
                emit(e.rendered)
                return 0
            }
            // Nothing to check is not a clean check: CI must not be green on a mistyped `--config` or folder.
            if paths.isEmpty, !FileManager.default.fileExists(atPath: global.config) {
                printError(
                    "ardoise: no configuration `\(global.config)`: nothing linted; run from the folder of `ardoise.yaml`, give `--config FILE`, or name the files to lint"
                )
                return 2
            }
            let report = Linter.run(paths: paths, configPath: global.config, today: try global.today())
            let out = report.render(format)
            emit(out)
            if report.contractsChecked == 0,
                report.settingsChecked == 0 || report.diagnostics.contains(where: { $0.code == "E0002" })
            {
                printError("ardoise: no contract and no settings file found: nothing linted")
                return 2
            }
            if format == .text, report.diagnostics.isEmpty {
                emit(
                    "checked \(report.contractsChecked) contract\(report.contractsChecked == 1 ? "" : "s") and \(report.settingsChecked) settings file\(report.settingsChecked == 1 ? "" : "s"): no problem\n"
                )
            }
            return report.diagnostics.hasErrors ? 1 : 0
        }
    }
}
