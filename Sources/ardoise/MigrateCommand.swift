import ArgumentParser
import BillingModel
import CommandSupport
import Foundation
import Ledger
import Workspace

/// `ardoise migrate`: a SQLite ledger copied into an empty PostgreSQL database, then checked there.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite ledger into an empty PostgreSQL database, then check the copy.",
        discussion:
            "Every table in one transaction on the target; then the rows of each table, the issued documents' totals, "
            + "debit = credit and `verify` of the target, printed. Exit 0 copied and every check agrees, 1 copied but "
            + "a check differs (named), 2 nothing done: a source missing or not a ledger, schema histories that "
            + "differ, a target not empty or already migrated.")
    @Option(help: "The SQLite ledger to copy: sqlite:PATH.") var from: String
    @Option(
        help:
            "The empty PostgreSQL database: postgres://USER@HOST:PORT/DATABASE (password from PGPASSWORD or --password-file)."
    )
    var to: String
    @Option(help: "A file whose first line is the PostgreSQL password.") var passwordFile: String?

    func validate() throws {
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw ValidationError("--from is sqlite:PATH, the SQLite ledger's file")
        }
        // The address is never repeated: it may hold a password.
        guard LedgerDatabase.isPostgreSQL(to), let c = URLComponents(string: to), c.host?.isEmpty == false,
            c.user?.isEmpty == false, c.path.count > 1
        else {
            throw ValidationError("--to is postgres://USER@HOST:PORT/DATABASE")
        }
        if c.password != nil {
            throw ValidationError("--to holds a password: give it in PGPASSWORD or in a file named by --password-file")
        }
        if let passwordFile, !FileManager.default.fileExists(atPath: passwordFile) {
            throw ValidationError("--password-file: no such file `\(passwordFile)`")
        }
    }

    func run() throws {
        try Outcome.run {
            var environment = ProcessInfo.processInfo.environment
            if let passwordFile {
                environment["PGPASSFILE"] = passwordFile
                environment["PGPASSWORD"] = nil
            }
            let report: LedgerMigration.Report
            do {
                report = try LedgerMigration.run(
                    sqlitePath: String(from.dropFirst("sqlite:".count)), address: to, environment: environment)
            } catch let refusal as LedgerMigration.Refusal {
                throw refusal
            } catch {
                // Before the commit: the target's transaction rolled back.
                printError("ardoise: migrate failed, nothing done: \(error)")
                return 2
            }
            emit(Self.text(report))
            if !report.intact {
                printError("ardoise: migrated, but a check differs (above): look before using the copy")
                return 1
            }
            return 0
        }
    }

    static func text(_ r: LedgerMigration.Report) -> String {
        var out = "migrated sqlite:\(r.source) to \(r.target) in \(seconds(.seconds(r.seconds)))\n"
        let width = max(5, r.tables.map(\.table.count).max() ?? 0)
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        out += pad("table", width, left: true) + "  " + pad("source", 9) + "  " + pad("target", 9) + "\n"
        for t in r.tables {
            out += pad(t.table, width, left: true) + "  " + pad("\(t.source)", 9) + "  " + pad("\(t.target)", 9)
            out += t.source == t.target ? "\n" : "  DIFFERS\n"
        }
        if let failure = r.checkFailure {
            return out + "copied, but the checks of the target could not all run: \(failure)\n"
        }
        let s = r.sourceTotals, t = r.targetTotals
        func money(_ cents: Int64) -> String { Money(cents: cents).description }
        out +=
            "issued documents: \(t.issuedDocuments), HT \(money(t.totalHT)), TTC \(money(t.totalTTC))"
            + (s.issuedDocuments == t.issuedDocuments && s.totalHT == t.totalHT && s.totalTTC == t.totalTTC
                ? " (the source's)\n"
                : "; DIFFERS from the source's \(s.issuedDocuments), HT \(money(s.totalHT)), TTC \(money(s.totalTTC))\n")
        out +=
            "journal: \(t.entries) entries, debit \(money(t.debit)) \(t.debit == t.credit ? "=" : "≠") credit \(money(t.credit))"
            + (s.entries == t.entries && s.debit == t.debit && s.credit == t.credit
                ? " (the source's)\n"
                : "; DIFFERS from the source's \(s.entries), debit \(money(s.debit)), credit \(money(s.credit))\n")
        out += "verify of the target:\n" + ChainReportFormat.text(r.chain)
        if !r.sourceChain.intact {
            out += "the source has \(r.sourceChain.breaks.count) breaks of its own (`ardoise verify` on it)\n"
        }
        return out
    }
}
