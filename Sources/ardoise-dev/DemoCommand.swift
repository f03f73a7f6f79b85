import ArgumentParser
import BillingModel
import CommandSupport
import ControlExports
import Demo
import Foundation
import Ledger
import Workspace

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Generate and bill the example month.",
        subcommands: [Generate.self, Run.self, Statement.self]
    )

    struct Options: ParsableArguments {
        @Option(help: "Folder of the generated workspace.") var out: String = "examples/demo"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        @Option(transform: MonthArgument.parse) var month: MonthArgument = .exampleMonth
        @Option var seed: UInt64 = 1

        func validate() throws {
            if sites < 1 || clients < 1 { throw ValidationError("--sites and --clients are at least 1") }
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a deterministic workspace: settings, contracts, register files and event orders.")
        @OptionGroup var options: Options
        func run() throws {
            let summary = try DemoWorkspace.write(
                to: URL(fileURLWithPath: options.out), sites: options.sites, clients: options.clients,
                month: options.month.text, seed: options.seed)
            emit(
                "wrote \(DisplayPath.of(options.out)): \(summary.clients) clients, \(summary.sites) sites, \(summary.contracts) contracts\n"
            )
        }
    }

    /// The demo's bank statement of an existing workspace's ledger (SQLite or PostgreSQL), as `run` writes it, for
    /// `ardoise payments import` to be tried and timed on any ledger.
    struct Statement: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write the demo's bank statement (camt.053) of a workspace's open invoices into its documents folder.")
        @Option(help: "The workspace's configuration file.") var config: String = "ardoise.yaml"
        @Option(help: "The credits' booking day (YYYY-MM-DD).") var date: String

        func run() throws {
            try Outcome.run {
                guard let day = Day(iso: date) else { throw ValidationError("--date: expected a date YYYY-MM-DD") }
                let workspace = try Installation.open(configPath: config)
                let ledger = try workspace.openLedger(actor: "demo")
                let path = try Camt053Writer.writeDemoStatement(
                    settings: workspace.settings, documentsDirectory: workspace.config.documentsDirectory,
                    ledger: ledger, bookedOn: day)
                emit("wrote \(DisplayPath.of(path)): `ardoise payments import \(DisplayPath.of(path))`\n")
                return 0
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate the example month, import it, bill it, validate it and print a summary.")
        @OptionGroup var options: Options

        func run() throws {
            try Outcome.run {
                let clock = ContinuousClock()
                let folder = URL(fileURLWithPath: options.out)
                try? FileManager.default.removeItem(at: folder)
                var start = clock.now
                let summary = try DemoWorkspace.write(
                    to: folder, sites: options.sites, clients: options.clients, month: options.month.text,
                    seed: options.seed)
                emit(
                    "generated \(summary.clients) clients, \(summary.sites) sites, \(summary.contracts) contracts in \(seconds(clock.now - start))\n"
                )
                // The accredited platform: the repository's test platform, when the checkout and its `.venv` are here.
                let platform: DemoPlatform?
                switch DemoPlatform.start() {
                case .success(let p):
                    try p.configure(folder)
                    platform = p
                    emit(
                        "platform: the repository's test platform on 127.0.0.1:\(p.port) (`\(DemoPlatform.script)`), `transmission: both`\n"
                    )
                case .failure(let why):
                    platform = nil
                    emit("platform: not shown: \(why.reason)\n")
                }
                defer { platform?.stop() }
                let workspace = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
                let ledger = try workspace.openLedger(creating: true, actor: "demo")
                start = clock.now
                let results = try workspace.importFiles([])
                emit(
                    "imported \(results.count) files, \(results.map(\.rows).reduce(0, +)) rows, \(results.map(\.rejectedCount).reduce(0, +)) rejected, in \(seconds(clock.now - start))\n"
                )
                let month = options.month.period
                let issueDate = month.end.adding(days: 1)
                let engine = try workspace.engine(today: issueDate)
                // Event orders, as the daily runs bill them: each day its deliveries and changes.
                start = clock.now
                var eventDocuments = 0, eventTTC = Money.zero
                var d = month.start
                while d <= month.end {
                    let r = try engine.billEvents(on: d)
                    eventDocuments += r.issued.count
                    eventTTC += r.totalTTC
                    d = d.adding(days: 1)
                }
                emit(
                    "events: \(eventDocuments) documents issued on their delivery days, \(eventTTC.grouped) TTC, in \(seconds(clock.now - start))\n"
                )
                start = clock.now
                let report = try engine.generate(period: month, issueDate: issueDate)
                emit("billing: \(seconds(clock.now - start))\n" + BillingSummary.text(report))
                BillingSummary.reportFailures(report)
                let pending = try ledger.invoices(status: .proforma).compactMap(\.id)
                let numbers = try engine.validate(ids: pending, on: issueDate)
                emit("validated \(numbers.count) proformas awaiting an accountant (the demo validates them all)\n")
                let issued = try ledger.invoices(status: .issued)
                let invoices = issued.filter { $0.type == .invoice }
                let ttc = invoices.map { Money(cents: $0.totalTtc) }.sum()
                let credited = issued.filter { $0.type == .creditNote }.map { Money(cents: $0.totalTtc) }.sum()
                emit(
                    "issued \(invoices.count) invoices (\(ttc.grouped) TTC) and \(issued.count - invoices.count) credit notes (\(credited.grouped) TTC)\n"
                )
                let unbilled = try engine.unbilled(period: month, issueDate: issueDate)
                emit(
                    "unbilled revenue: \(unbilled.items.count) items, \(unbilled.totalTTC.grouped) TTC (`ardoise report unbilled --period \(options.month.text)`)\n"
                )

                // The weeks that end just after the month (weekly clients' last week of October, with their
                // orders grouped monthly) are billed by the next day's run: the month is complete then.
                let closingDay = issueDate.adding(days: 1)
                let due = try engine.generateDue(on: closingDay)
                let dueNumbers = try engine.validate(
                    ids: try ledger.invoices(status: .proforma).compactMap(\.id), on: closingDay)
                emit(
                    "the run of \(closingDay): \(due.created.count) documents of the periods ending then (weeks), \(dueNumbers.count) validated\n"
                )

                // Every issued document handed to the platform once, its status read back, before the month closes.
                if platform != nil {
                    emit(try DemoPlatform.submitAndPoll(workspace, ledger: ledger, what: "invoices and credit notes"))
                }

                // The month's books: the sales journal as a FEC, then the closing.
                let fec = try workspace.exportEntries(period: month, format: .fec)
                let documents = URL(fileURLWithPath: workspace.config.documentsDirectory)
                try FileManager.default.createDirectory(at: documents, withIntermediateDirectories: true)
                let fecURL = documents.appendingPathComponent(fec.fileName)
                try Data(fec.bytes).write(to: fecURL, options: .atomic)
                emit(
                    "FEC of \(options.month.text): \(fec.entries) entries, \(fec.lines) lines, \(fec.debit.grouped) debit = credit: \(DisplayPath.of(fecURL.path))\n"
                )
                let acknowledged = try engine.acknowledgeUnbilled(
                    month: month, client: nil, reason: "demo: the example month's unbilled revenue reviewed",
                    today: closingDay)
                // Said plainly: a person reviews these before acknowledging them; the demo does it so that the month can close.
                emit(
                    "acknowledged \(acknowledged) unbilled items (\(unbilled.totalTTC.grouped) TTC) as reviewed, so that the example month "
                        + "can close; in production a person reviews them first (`ardoise report unbilled`, then `ardoise unbilled acknowledge`)\n"
                )
                var closing = try engine.closingReport(month: month, today: closingDay)
                let failed = closing.checks.filter { !$0.passed }.map(\.name)
                // The demo has no mail server: its e-mails stay queued, the one check a real month would pass by sending.
                let onlyMail = failed.allSatisfy { $0.contains("e-mail") }
                closing = try engine.close(
                    month: month, today: closingDay,
                    forceReason: onlyMail && !failed.isEmpty
                        ? "demo workspace: no mail server, e-mails left queued" : nil,
                    dryRun: false)
                for c in closing.checks { emit("  \(c.passed ? "ok  " : "FAIL") \(c.name)\n") }
                emit(
                    closing.closed
                        ? "closed \(options.month.text)\(closing.forcedReason.map { " (\($0))" } ?? "") (`ardoise close \(options.month.text) --dry-run` shows the report)\n"
                        : "\(options.month.text) not closed: see `ardoise close \(options.month.text) --dry-run`\n")

                // The control exports finance staff check the month with.
                start = clock.now
                let exports = ControlExports(ledger: ledger, settings: workspace.settings)
                func xlsx(_ kind: ControlExports.Kind) -> String {
                    documents.appendingPathComponent(kind.fileName(month)).path
                }
                var written: [String] = []
                written.append(try exports.restaurants(period: month, to: xlsx(.restaurants)).path)
                written.append(try exports.events(period: month, to: xlsx(.events)).path)
                written.append(
                    try ControlExports.unbilled(
                        try engine.unbilled(period: month, issueDate: closingDay), to: xlsx(.unbilled)
                    ).path)
                if closing.closed {
                    let report = try engine.closingReport(month: month, today: closingDay)
                    written.append(try ControlExports.closing(report, to: xlsx(.closing)).path)
                }
                emit(
                    "control exports (XLSX) in \(seconds(clock.now - start)):\n"
                        + written.map { "  \(DisplayPath.of($0))\n" }.joined())

                // November's bank statement: October's invoices paid (exactly, partly, two at once), a credit
                // nobody can place, and an entry the bank delivered twice.
                let statementDay = closingDay.adding(days: 18)
                let statement = try Camt053Writer.writeDemoStatement(
                    settings: workspace.settings, documentsDirectory: workspace.config.documentsDirectory,
                    ledger: ledger, bookedOn: statementDay)
                for (_, result) in try workspace.importPayments(files: [statement], actor: "demo", today: statementDay)
                {
                    emit(try result.get().text)
                }
                emit(
                    "bank statement: `ardoise payments import \(DisplayPath.of(statement))`; `ardoise receivables --as-of \(statementDay)`\n"
                )
                if platform != nil {
                    // Encaissée for each payment allocated, then the B2C e-reporting of the month's register sales.
                    emit(
                        try DemoPlatform.submitAndPoll(
                            workspace, ledger: ledger, what: "Encaissée of the statement's payments"))
                    let reported = try workspace.eReport(period: month, today: statementDay, actor: "demo")
                    emit(
                        "e-reporting: \(reported.queued.count) periods of \(options.month.text)'s register sales queued (\(reported.queued.joined(separator: ", "))), "
                            + "\(reported.submission.summary)\n")
                    _ = try workspace.pollPlatform()
                    emit("platform flows by state: \(try DemoPlatform.statuses(ledger)) (`ardoise platform status`)\n")
                }
                emit(
                    "next: `cd \(DisplayPath.of(folder.path))`, create a user (`ardoise users add NAME --name N --admin --password-stdin`) "
                        + "and `ardoise serve --date \(closingDay)`: the month in the web app\n")
                return report.failures.isEmpty && closing.closed ? 0 : 1
            }
        }
    }
}
