import ArgumentParser
import Diagnostics
import Foundation
import Imports
import Workspace

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import register files and event orders (default: the inbox); exit 1 when a file was refused or conflicted."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "text or json")
    var format: OutputFormat = .text

    @Argument(help: "Files or folders to import.")
    var paths: [String] = []

    func validate() throws {
        try requireExisting(paths)
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Workspace.open(configPath: global.config)
            let ledger = try workspace.openLedger(actor: global.who)
            var results = workspace.importFiles(paths, into: ledger)
            // A conflict names the issued invoices whose revenue the corrected file changes.
            for i in results.indices where results[i].status == .conflict {
                let numbers = try ledger.invoiceNumbers(billedFrom: results[i].billedFileIDs)
                if !numbers.isEmpty {
                    results[i].message = (results[i].message.map { $0 + "; " } ?? "") + "billed on \(numbers.joined(separator: ", ")): the difference will be corrected in the open period"
                }
            }
            if format == .json {
                let files = results.map { r in
                    JSON.object([("file", JSON.string(r.file)), ("status", JSON.string(r.status.rawValue)), ("rows", String(r.rows)),
                                 ("message", r.message.map(JSON.string) ?? "null"),
                                 ("rejected", JSON.array(r.rejected.map { JSON.object([("line", String($0.line)), ("reason", JSON.string($0.reason))]) }))])
                }
                emit(JSON.object([("files", JSON.array(files))]) + "\n")
            } else {
                for r in results {
                    emit("\(r.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(r.file): \(r.rows) rows\(r.rejected.isEmpty ? "" : ", \(r.rejected.count) rejected")\(r.message.map { " (\($0))" } ?? "")\n")
                    for x in r.rejected { emit("    line \(x.line): \(x.reason)\n") }
                    if !r.unknownClients.isEmpty { emit("    unknown clients (revenue kept, unbilled): \(r.unknownClients.joined(separator: ", "))\n") }
                }
                let rows = results.map(\.rows).reduce(0, +)
                emit("\(results.count) files, \(rows) rows\n")
            }
            return results.contains { $0.status == .refused || $0.status == .conflict } ? 1 : 0
        }
    }
}
