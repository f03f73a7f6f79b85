import ArgumentParser
import BillingEngine
import BillingModel
import CommandSupport
import Workspace

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Closes a month for good after checking it: nothing can be issued, dated or posted in it afterwards.",
        discussion: """
            Checks, each printed with its result: no proforma waiting for the month; every revenue line billed or \
            acknowledged (`ardoise unbilled acknowledge`); every event order delivered invoiced; numbering gapless and \
            chronological; entries balanced and equal to the documents; every e-mail sent. A failed check refuses the \
            closing (exit 1) and says what to do; `--force --reason R` closes anyway, in the audit log. No reopening.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The month to close, e.g. 2026-10.", transform: MonthArgument.parse) var month: MonthArgument
    @Flag(help: "Run the checks and print the report, close nothing.") var dryRun = false
    @Option(help: "text or json.") var format: OutputFormat = .text
    @Flag(help: "Close even though checks failed (with --reason).") var force = false
    @Option(help: "Why the month is closed despite failed checks (with --force).") var reason: String?

    func validate() throws {
        if force, reason?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
            throw ValidationError(
                "`--force` needs `--reason R`: a closing despite failed checks is explained in the audit log")
        }
        if !force, reason != nil { throw ValidationError("`--reason` goes with `--force`") }
        if force, dryRun { throw ValidationError("`--force` and `--dry-run` exclude each other") }
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let today = try global.today()
            _ = try workspace.openLedger()
            if !dryRun {
                try workspace.checkNotFuture(today, command: "close", force: force ? reason : nil, actor: global.who)
            }
            let engine = try workspace.engine(today: today, actor: global.who)
            let report: ClosingReport
            do {
                report = try engine.close(
                    month: month.period, today: today, forceReason: force ? reason : nil, dryRun: dryRun)
            } catch let error as ClosingError {
                throw WorkspaceError(error.description)
            }
            emit(format == .json ? report.json : report.text)
            return report.closed || report.passed ? 0 : 1
        }
    }
}

struct UnbilledCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unbilled", abstract: "Revenue no invoice carries, as `report unbilled` lists it.",
        subcommands: [Acknowledge.self])

    struct Acknowledge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Records that the unbilled items of a month (one client's, or all) were looked at and are not to be billed, so they do not hold the closing.",
            discussion:
                "An item is acknowledged with its amount: if it changes later (more revenue arrives), it must be acknowledged again."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The month, e.g. 2026-10.", transform: MonthArgument.parse) var period: MonthArgument
        @Option(help: "Only this client's items.") var client: String?
        @Flag(help: "Every item of the month.") var all = false
        @Option(help: "Why these items are not billed (kept in the audit log).") var reason: String

        func validate() throws {
            if (client == nil) == !all { throw ValidationError("name `--client C` or `--all`, not both") }
            if reason.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("`--reason` cannot be empty")
            }
        }

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                if let client, workspace.settings.client(client) == nil, workspace.settings.payer(client) == nil {
                    throw WorkspaceError("unknown client `\(client)`")
                }
                let today = try global.today()
                let (engine, problems) = try workspace.billingEngine(today: today, actor: global.who)
                if !problems.isEmpty { printError(problems.rendered, terminator: "") }
                let n = try engine.acknowledgeUnbilled(
                    month: period.period, client: client, reason: reason, today: today)
                emit("\(n) unbilled item\(n == 1 ? "" : "s") of \(period.text) acknowledged\n")
                return 0
            }
        }
    }
}
