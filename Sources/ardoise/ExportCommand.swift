import ArgumentParser
import BillingModel
import ControlExports
import Foundation
import Spreadsheets
import Workspace

/// `ardoise export restaurants|events|unbilled --period P [--output FILE]`: control exports to XLSX.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Control exports of the ledger to XLSX files.",
        subcommands: [Restaurants.self, Events.self, Unbilled.self])

    struct Options: ParsableArguments {
        @OptionGroup var global: GlobalOptions
        @Option(help: "The period, e.g. 2026-10.") var period: String
        @Option(help: "The file to write (default: <documents folder>/<kind>-<period>.xlsx).") var output: String?
    }

    struct Restaurants: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every billed ticket line of the period beside the invoice line that billed it, and the totals per client.")
        @OptionGroup var options: Options
        func run() throws {
            try ExportCommand.export(.restaurants, options) { _, exports, period, path in try exports.restaurants(period: period, to: path) }
        }
    }

    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every event order of the period, all revisions, beside the documents that billed it; differences highlighted.")
        @OptionGroup var options: Options
        func run() throws {
            try ExportCommand.export(.events, options) { _, exports, period, path in try exports.events(period: period, to: path) }
        }
    }

    struct Unbilled: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "`report unbilled` of the period as a workbook.")
        @OptionGroup var options: Options
        func run() throws {
            try ExportCommand.export(.unbilled, options) { workspace, exports, period, path in
                let today = try options.global.today()
                let report = try workspace.engine(ledger: exports.ledger, today: today).unbilled(period: period, issueDate: today)
                return try ControlExports.unbilled(report, to: path)
            }
        }
    }

    static func export(_ kind: ControlExports.Kind, _ options: Options,
                       _ write: (Workspace, ControlExports, Period, String) throws -> ExportSummary) throws {
        try Outcome.run {
            guard let p = Period(parsing: options.period) else { throw ValidationError("`--period \(options.period)` is not a period") }
            let workspace = try Workspace.open(configPath: options.global.config)
            let ledger = try workspace.openLedger()
            let path: String
            if let output = options.output {
                path = output
            } else {
                let folder = workspace.config.documentsDirectory
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                path = URL(fileURLWithPath: folder).appendingPathComponent(kind.fileName(p)).path
            }
            do {
                let summary = try write(workspace, ControlExports(ledger: ledger, settings: workspace.settings), p, path)
                emit(summary.description + "\n")
                return 0
            } catch let error as SpreadsheetError {
                printError("ardoise: \(error)")
                return 2
            }
        }
    }
}
