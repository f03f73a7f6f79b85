import ArgumentParser
import CommandSupport
import Diagnostics
import Foundation
import Imports
import Ledger
import Workspace

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import register files and event orders (default: the inbox); exit 1 when a file was refused or conflicted."
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
            let workspace = try Installation.open(configPath: global.config)
            let ledger = try workspace.openLedger(actor: global.who)
            var results = try workspace.importFiles(paths)
            // A conflict names the issued invoices whose revenue the corrected file changes.
            for i in results.indices where results[i].status == .conflict {
                let numbers = try ledger.invoiceNumbers(billedFrom: results[i].billedFileIDs)
                if !numbers.isEmpty {
                    results[i].message =
                        (results[i].message.map { $0 + "; " } ?? "")
                        + "billed on \(numbers.joined(separator: ", ")): the difference will be corrected in the open period"
                }
            }
            // Event orders delivered again with other content, still unresolved: held from billing until a later revision.
            let open = try ledger.orderConflicts()
            func issues(_ list: [LineIssue]) -> String {
                JSON.array(list.map { JSON.object([("line", String($0.line)), ("reason", JSON.string($0.reason))]) })
            }
            if format == .json {
                let files = results.map { r in
                    JSON.object([
                        ("file", JSON.string(r.file)), ("status", JSON.string(r.status.rawValue)),
                        ("rows", String(r.rows)),
                        ("message", r.message.map(JSON.string) ?? "null"),
                        ("rejected_count", String(r.rejectedCount)), ("rejected", issues(r.rejected)),
                        ("conflicts", issues(r.conflicts))
                    ])
                }
                let conflicts = open.map { c in
                    JSON.object([
                        ("order_id", JSON.string(c.orderID)), ("revision", String(c.revision)),
                        ("file", JSON.string(c.fileName)), ("line", String(c.line))
                    ])
                }
                emit(JSON.object([("files", JSON.array(files)), ("open_conflicts", JSON.array(conflicts))]) + "\n")
            } else {
                // A file already imported is counted, not listed: a daily inbox holds a month of them.
                for r in results where r.status != .unchanged || !r.rejected.isEmpty || !r.conflicts.isEmpty {
                    let rejected =
                        r.rejectedCount == 0
                        ? ""
                        : ", \(r.rejectedCount) rejected"
                            + (r.rejectedCount > r.rejected.count ? " (the first \(r.rejected.count) listed)" : "")
                    emit(
                        "\(r.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(r.file): \(r.rows) rows\(rejected)\(r.message.map { " (\($0))" } ?? "")\n"
                    )
                    for x in r.conflicts { emit("    line \(x.line): conflict: \(x.reason)\n") }
                    for x in r.rejected { emit("    line \(x.line): \(x.reason)\n") }
                    if !r.unknownClients.isEmpty {
                        emit(
                            "    unknown clients (revenue kept, unbilled): \(r.unknownClients.joined(separator: ", "))\n"
                        )
                    }
                }
                let rows = results.map(\.rows).reduce(0, +)
                let unchanged = results.filter { $0.status == .unchanged }.count
                emit(
                    "\(results.count) files, \(rows) rows\(unchanged > 0 ? " (\(unchanged) already imported, unchanged)" : "")\n"
                )
                if !open.isEmpty {
                    emit("open conflicts (held from billing until a later revision of the order arrives):\n")
                    for c in open {
                        emit(
                            "    order \(c.orderID) revision \(c.revision): other content in \(c.fileName) line \(c.line)\n"
                        )
                    }
                }
            }
            if !open.isEmpty { return 1 }
            return results.contains { $0.status == .refused || $0.status == .conflict } ? 1 : 0
        }
    }
}
