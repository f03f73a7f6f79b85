import ArgumentParser
import BillingModel
import CommandSupport
import Foundation
import Workspace

extension EntriesFormat: ExpressibleByArgument {}

struct EntriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries", abstract: "The sales journal: each issued document's accounting entry.",
        subcommands: [Export.self, Post.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Writes the entries dated in a period as the legal FEC or as a CSV for accounting software.",
            discussion:
                "The FEC (article A47 A-1 LPF): 18 columns, tab-separated, dates YYYYMMDD, decimal comma; default file `<documents>/<SIREN>FEC<YYYYMMDD>.txt`, the date being the period's last day."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The period whose entries to export, e.g. 2026-10.", transform: PeriodArgument.parse) var period:
            PeriodArgument
        @Option(help: "fec or csv.") var format: EntriesFormat = .fec
        @Option(
            help: "The file to write (default: the documents folder, the format's file name); `-` for standard output.")
        var output: String?

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let export = try workspace.exportEntries(period: period.period, format: format)
                if output == "-" {
                    FileHandle.standardOutput.write(Data(export.bytes))
                    return 0
                }
                let path =
                    output ?? (workspace.config.documentsDirectory as NSString).appendingPathComponent(export.fileName)
                let folder = (path as NSString).deletingLastPathComponent
                if !folder.isEmpty {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
                try Data(export.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
                emit(
                    "\(export.entries) entries, \(export.lines) lines, debit \(export.debit.grouped) = credit \(export.credit.grouped): \(path)\n"
                )
                return export.debit == export.credit ? 0 : 1
            }
        }
    }

    struct Post: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Posts the entries of issued documents that have none (documents issued before the sales journal existed); the daily run does it too."
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let posted = try workspace.postMissingEntries(actor: global.who, today: try global.today())
                emit("\(posted) document\(posted == 1 ? "" : "s") posted to the sales journal\n")
                return 0
            }
        }
    }
}
