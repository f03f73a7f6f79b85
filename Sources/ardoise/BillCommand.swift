import ArgumentParser
import BillingEngine
import BillingModel
import CommandSupport
import Foundation
import Ledger
import Workspace

struct BillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract:
            "Generate the proformas of a period (2026-10, 2026-W42, 2026-10-01..2026-10-15); automatic contracts are validated.",
        discussion: """
            A named period bills, for each client, the billing periods of its cadence that end inside it; an explicit range is \
            billed as it is. `--events` bills the event orders delivered, changed or cancelled up to `--date`; `--corrections` \
            bills late revenue of periods already invoiced as supplementary invoices or credit notes issued on `--date`. \
            `ardoise run` does all three for the scheduler. Running it twice changes nothing. \
            A period that has not ended on `--date` is refused (exit 2, nothing done) unless `--force --reason "…"`, \
            which the audit log keeps. A client whose contract has errors is not billed: its diagnostics are printed, the \
            other clients are billed, and the exit code is 1. \
            A day of revenue, a fee period and an order revision are billed by one live document: a period overlapping \
            documents of other periods bills only its unbilled days and says so. An explicit range longer than a contract's \
            billing period, or reaching into a closed month, is refused (exit 2) unless forced. A client one of whose sites \
            has no register file for a day the settings expect it open is not billed (its missing site-days listed, exit 1) \
            unless forced. A `--date` after today is refused (exit 2) unless forced.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The period to bill.", transform: PeriodArgument.parse)
    var period: PeriodArgument?

    @Option(help: "Bill only this client.")
    var client: String?

    @Flag(help: "Bill event orders delivered, changed or cancelled up to --date.")
    var events = false

    @Flag(help: "Bill late revenue of periods already invoiced (corrections).")
    var corrections = false

    @Flag(
        help:
            "Bill even though the period has not ended, the range is long or closed, register files are missing, or --date is after today (needs --reason)."
    )
    var force = false

    @Option(help: "Why a period not ended yet is billed (with --force; kept in the audit log).")
    var reason: String?

    func validate() throws {
        if period == nil && !events && !corrections {
            throw ValidationError("give `--period P`, `--events` or `--corrections`")
        }
        if force && period == nil && global.date == nil {
            throw ValidationError("--force goes with --period or --date")
        }
        if force && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--force needs --reason \"why\"")
        }
        if reason != nil && !force { throw ValidationError("--reason goes with --force") }
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let today = try global.today()
            if let client, !workspace.settings.clients.contains(where: { $0.code == client }) {
                throw WorkspaceError("`--client \(client)`: no such client in the settings")
            }
            let ledger = try workspace.openLedger()
            try workspace.checkNotFuture(today, command: "bill", force: force ? reason : nil, actor: global.who)
            if let period {
                try workspace.checkPeriodEnded(
                    period.period, name: period.period.name, today: today, force: force ? reason : nil,
                    actor: global.who)
            }
            let (engine, allProblems) = try workspace.billingEngine(today: today, actor: global.who)
            let problems = allProblems.only(client.map { [$0] })
            if let period, period.isExplicitRange {
                try workspace.checkRange(
                    period.period, engine: engine, only: client.map { [$0] }, force: force ? reason : nil,
                    actor: global.who)
            }
            if !problems.isEmpty { printError(problems.rendered, terminator: "") }
            var failed = !problems.isEmpty
            if events {
                let report = try engine.billEvents(on: today)
                emit("events up to \(today): \(BillCommand.counts(report))")
                BillingSummary.reportFailures(report)
                failed = failed || !report.failures.isEmpty
            }
            if corrections {
                let report = try engine.correctLateRevenue(issueDate: today, only: client.map { [$0] })
                emit("corrections issued \(today): \(BillCommand.counts(report))")
                BillingSummary.reportFailures(report)
                failed = failed || !report.failures.isEmpty
            }
            if let period {
                let report = try engine.generate(
                    period: period.period, explicitRange: period.isExplicitRange, issueDate: today,
                    only: client.map { [$0] }, holdMissingDays: !force)
                if let reason, !report.billedWithoutFiles.isEmpty {
                    try ledger.audit(
                        actor: global.who, action: "bill-missing-files-forced",
                        AuditParameters([
                            "start": .of(period.period.start), "end": .of(period.period.end),
                            "clients": .of(report.billedWithoutFiles.count),
                            "reason": .text(reason)
                        ]))
                }
                emit(BillingSummary.text(report))
                BillingSummary.reportFailures(report)
                failed = failed || !report.failures.isEmpty
            }
            // The clients not billed for their contract's errors: on stderr, after the diagnostics.
            if !problems.summary.isEmpty { printError(problems.summary, terminator: "") }
            return failed ? 1 : 0
        }
    }

    static func counts(_ r: BillingReport) -> String {
        var out = r.counts + "\n"
        for n in r.notes { out += "note: \(n)\n" }
        return out
    }
}
