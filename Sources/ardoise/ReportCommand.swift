import ArgumentParser
import BillingModel
import CommandSupport
import Ledger
import Workspace

/// `60d` or `60`: a number of days.
struct DaysArgument: Sendable {
    var days: Int
    static func parse(_ text: String) throws -> DaysArgument {
        let digits = text.hasSuffix("d") ? String(text.dropLast()) : text
        guard let n = Int(digits), (1...3660).contains(n) else {
            throw ExpectedShape("expected a number of days such as 60d")
        }
        return DaysArgument(days: n)
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Control reports.", subcommands: [Unbilled.self, Contracts.self])

    struct Unbilled: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Revenue no invoice carries: unpriced categories, guests or orders without a term, days outside a contract, unknown clients, late revenue."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The period to check, e.g. 2026-10.", transform: PeriodArgument.parse) var period: PeriodArgument

        func run() throws {
            try Outcome.run {
                let p = period.period
                let workspace = try Installation.open(configPath: global.config)
                let today = try global.today()
                // Runs even when some contracts have errors: their clients' revenue shows as unbilled.
                let ledger = try workspace.openLedger()
                let (engine, problems) = try workspace.billingEngine(today: today)
                if !problems.isEmpty { printError(problems.rendered, terminator: "") }
                let report = try engine.unbilled(period: p, issueDate: today)
                for i in report.items {
                    emit("\(i.client)\t\(i.site)\t\(i.category ?? "-")\t\(i.amountTTC.grouped) TTC\t\(i.reason)\n")
                }
                for l in report.lateRevenue {
                    emit(
                        "\(l.client)\tlate revenue for \(l.period.name) (\(l.siteDays) corrected site-days), to correct in the open period\n"
                    )
                }
                for f in report.failures { emit("error: \(f.client): \(f.message)\n") }
                // Orders held from billing, whatever their period: a revision delivered again with other content.
                let held = try ledger.orderConflicts()
                for c in held {
                    emit(
                        "\(c.orderID)\theld from billing: revision \(c.revision) delivered again with other content "
                            + "(\(c.fileName) line \(c.line)); a later revision resolves it\n")
                }
                emit(
                    "unbilled revenue of \(p.name): \(report.items.count) items, \(report.totalTTC.grouped) TTC; \(report.lateRevenue.count) periods with late revenue\n"
                )
                emit(problems.summary)
                return report.failures.isEmpty && problems.isEmpty && held.isEmpty ? 0 : 1
            }
        }
    }
    struct Contracts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Contracts whose validity or a term's `until` ends soon, and clients billed last month without a contract for next month.",
            discussion: "Exit 0 nothing ends; 1 something ends or a client has no contract for next month.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("ending-within"), help: "How far ahead, e.g. 60d.", transform: DaysArgument.parse)
        var endingWithin: DaysArgument = DaysArgument(days: 60)

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let report = try workspace.contractsEnding(today: try global.today(), within: endingWithin.days)
                emit(report.text)
                return report.ending.isEmpty && report.uncovered.isEmpty ? 0 : 1
            }
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "How each line of a document was computed, and by which term.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Document id or number") var id: String

    func run() throws {
        try Outcome.run {
            let ledger = try Installation.open(configPath: global.config).openLedger()
            guard let s = try ledger.invoice(idOrNumber: id) else {
                return Outcome.notFound(id)
            }
            emit(
                "\(s.invoice.number ?? "proforma #\(s.invoice.id ?? 0)") for \(s.invoice.client), \(s.invoice.documentPeriod.start)..\(s.invoice.documentPeriod.end)\n"
            )
            for l in s.lines {
                emit(
                    "\(l.position). \(l.label): \(Money(cents: l.net).grouped) HT at \(l.rate)%\(l.termLine.map { " (contract line \($0))" } ?? "")\n   \(l.englishExplanation)\n"
                )
            }
            for a in try ledger.auditLog(invoiceID: s.invoice.id) {
                emit("   \(a.at) \(a.actor) \(a.action): \(AuditWording.english(a))\n")
            }
            return 0
        }
    }
}

struct DiscardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard", abstract: "Discard a proforma (kept, with the reason, in the audit log).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Why it is discarded.") var reason: String
    @Argument var ids: [Int64]

    func run() throws {
        try Outcome.run {
            let ledger = try Installation.open(configPath: global.config).openLedger()
            for id in ids { try ledger.discard(id: id, reason: reason, actor: global.who); emit("discarded \(id)\n") }
            return 0
        }
    }
}
