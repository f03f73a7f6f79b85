import ArgumentParser
import BillingEngine
import BillingModel
import Workspace

struct BillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract: "Generate the proformas of a period (2026-10, 2026-W42, 2026-10-01..2026-10-15); automatic contracts are validated.",
        discussion: "A named period bills, for each client, the billing periods of its cadence that end inside it; an explicit range is billed as it is. Running it twice changes nothing."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The period to bill.")
    var period: String

    @Option(help: "Bill only this client.")
    var client: String?

    func run() throws {
        try Outcome.run {
            guard let p = Period(parsing: period) else { throw ValidationError("`--period \(period)` is not a period") }
            let workspace = try Workspace.open(configPath: global.config)
            let today = try global.today()
            let engine = try workspace.engine(ledger: try workspace.openLedger(), today: today)
            let report = try engine.generate(period: p, explicitRange: period.contains(".."), issueDate: today,
                                             only: client.map { [$0] })
            emit(BillCommand.summary(report))
            return report.failures.isEmpty ? 0 : 1
        }
    }

    static func summary(_ r: BillingReport) -> String {
        var out = "billed \(r.period.name), issued \(r.issueDate): \(r.clientsBilled.count) clients, \(r.created.count) documents created"
        out += ", \(r.unchanged) unchanged, \(r.alreadyIssued) already issued, \(r.issued.count) validated automatically\n"
        out += "total of new documents: \(r.totalHT.grouped) HT, \(r.totalTTC.grouped) TTC\n"
        for f in r.failures { out += "error: \(f.client): \(f.message)\n" }
        return out
    }
}
