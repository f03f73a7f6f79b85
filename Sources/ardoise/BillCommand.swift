import ArgumentParser
import BillingEngine
import BillingModel
import Workspace

struct BillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract: "Generate the proformas of a period (2026-10, 2026-W42, 2026-10-01..2026-10-15); automatic contracts are validated.",
        discussion: """
            A named period bills, for each client, the billing periods of its cadence that end inside it; an explicit range is \
            billed as it is. `--events` bills the event orders delivered, changed or cancelled up to `--date`; `--corrections` \
            bills late revenue of periods already invoiced as supplementary invoices or credit notes issued on `--date`. \
            `ardoise run` does all three for the scheduler. Running it twice changes nothing.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The period to bill.")
    var period: String?

    @Option(help: "Bill only this client.")
    var client: String?

    @Flag(help: "Bill event orders delivered, changed or cancelled up to --date.")
    var events = false

    @Flag(help: "Bill late revenue of periods already invoiced (corrections).")
    var corrections = false

    func validate() throws {
        if period == nil && !events && !corrections { throw ValidationError("give `--period P`, `--events` or `--corrections`") }
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Workspace.open(configPath: global.config)
            let today = try global.today()
            let engine = try workspace.engine(ledger: try workspace.openLedger(), today: today, actor: global.who)
            var failed = false
            if events {
                let report = try engine.billEvents(on: today)
                emit("events up to \(today): \(BillCommand.counts(report))")
                failed = failed || !report.failures.isEmpty
            }
            if corrections {
                let report = try engine.correctLateRevenue(issueDate: today, only: client.map { [$0] })
                emit("corrections issued \(today): \(BillCommand.counts(report))")
                failed = failed || !report.failures.isEmpty
            }
            if let period {
                guard let p = Period(parsing: period) else { throw ValidationError("`--period \(period)` is not a period") }
                let report = try engine.generate(period: p, explicitRange: period.contains(".."), issueDate: today, only: client.map { [$0] })
                emit(BillCommand.summary(report))
                failed = failed || !report.failures.isEmpty
            }
            return failed ? 1 : 0
        }
    }

    static func counts(_ r: BillingReport) -> String {
        var out = r.counts + "\n"
        for n in r.notes { out += "note: \(n)\n" }
        for f in r.failures { out += "error: \(f.client): \(f.message)\n" }
        return out
    }

    static func summary(_ r: BillingReport) -> String {
        var out = "billed \(r.period.name), issued \(r.issueDate): \(r.clientsBilled.count) clients, \(r.created.count) documents created"
        out += ", \(r.unchanged) unchanged, \(r.alreadyIssued) already issued, \(r.issued.count) validated automatically\n"
        out += "total of new documents: \(r.totalHT.grouped) HT, \(r.totalTTC.grouped) TTC\n"
        for f in r.failures { out += "error: \(f.client): \(f.message)\n" }
        return out
    }
}
