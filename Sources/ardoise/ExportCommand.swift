import ArgumentParser
import BillingEngine
import BillingModel
import CommandSupport
import ControlExports
import Foundation
import Spreadsheets
import Workspace

/// `ardoise export restaurants|events|unbilled --period P [--output FILE]`: control exports to XLSX.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Control exports of the ledger to XLSX files.",
        subcommands: [Restaurants.self, Events.self, Unbilled.self, Closing.self])

    struct Options: ParsableArguments {
        @OptionGroup var global: GlobalOptions
        @Option(help: "The period, e.g. 2026-10.", transform: PeriodArgument.parse) var period: PeriodArgument
        @Option(help: "The file to write (default: <documents folder>/<kind>-<period>.xlsx).") var output: String?
    }

    struct Restaurants: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Every billed ticket line of the period beside the invoice line that billed it, and the totals per client."
        )
        @OptionGroup var options: Options
        func run() throws {
            try ExportCommand.export(.restaurants, options) { _, exports, period, path in
                try exports.restaurants(period: period, to: path)
            }
        }
    }

    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Every event order of the period, all revisions, beside the documents that billed it; differences highlighted."
        )
        @OptionGroup var options: Options
        func run() throws {
            try ExportCommand.export(.events, options) { _, exports, period, path in
                try exports.events(period: period, to: path)
            }
        }
    }

    struct Unbilled: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "`report unbilled` of the period as a workbook.")
        @OptionGroup var options: Options
        func run() throws {
            try ExportCommand.export(.unbilled, options) { workspace, exports, period, path in
                let today = try options.global.today()
                // As `report unbilled`: a client whose contract has errors shows its revenue as unbilled.
                let (engine, problems) = try workspace.billingEngine(today: today)
                if !problems.isEmpty { printError(problems.rendered, terminator: "") }
                let report = try engine.unbilled(period: period, issueDate: today)
                return try ControlExports.unbilled(report, to: path)
            }
        }
    }

    struct Closing: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The closing report of a month (checks, documents per series, totals per activity, VAT rate and account) as a workbook."
        )
        @OptionGroup var options: Options
        func run() throws {
            try ExportCommand.export(.closing, options) { workspace, exports, period, path in
                guard Period.month(of: period.start) == period else {
                    throw WorkspaceError("a closing report is of a month: `--period 2026-10`")
                }
                let today = try options.global.today()
                let engine = try workspace.engine(today: today)
                let report: ClosingReport
                do {
                    report = try engine.closingReport(month: period, today: today)
                } catch let error as ClosingError {
                    throw WorkspaceError(error.description)
                }
                return try ControlExports.closing(report, to: path)
            }
        }
    }

    static func export(
        _ kind: ControlExports.Kind, _ options: Options,
        _ write: (Installation, ControlExports, Period, String) throws -> ExportSummary
    ) throws {
        try Outcome.run {
            let p = options.period.period
            let workspace = try Installation.open(configPath: options.global.config)
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
                let summary = try write(
                    workspace, ControlExports(ledger: ledger, settings: workspace.settings), p, path)
                emit(summary.description + "\n")
                return 0
            } catch let error as SpreadsheetError {
                printError("ardoise: \(error)")
                return 2
            } catch let error as ExportOverflow {
                // Nothing written: the workbook is only written when it is complete.
                printError("ardoise: \(error)")
                return 2
            }
        }
    }
}
