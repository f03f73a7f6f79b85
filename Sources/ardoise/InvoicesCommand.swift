import ArgumentParser
import BillingEngine
import BillingModel
import CommandSupport
import Ledger
import Workspace

struct InvoicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices", abstract: "List, show and print proformas, invoices and credit notes.",
        subcommands: [List.self, Show.self, PDF.self, XML.self, Export.self]
    )

    struct List: ParsableCommand {
        @OptionGroup var global: GlobalOptions
        @Option(help: "proforma, issued or discarded") var status: InvoiceStatus?
        @Option var client: String?
        @Option(help: "Documents whose period overlaps this one.", transform: PeriodArgument.parse) var period:
            PeriodArgument?
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            try Outcome.run {
                let ledger = try Installation.open(configPath: global.config).openLedger()
                let list = try ledger.invoices(
                    status: status, client: client, period: period?.period, byDocumentPeriod: true)
                if format == .json {
                    emit(
                        "["
                            + (try list.compactMap { try ledger.invoice(id: $0.id ?? 0) }.map(InvoiceJSON.encode))
                            .joined(separator: ",\n") + "]\n")
                } else {
                    for i in list {
                        emit(
                            "\(i.id ?? 0)\t\(i.number ?? "(proforma)")\t\(i.type.rawValue)\t\(i.status.rawValue)\t\(i.client)\(i.payer.map { "→\($0)" } ?? "")\t\(i.documentPeriod.start)..\(i.documentPeriod.end)\t\(Money(cents: i.totalTtc).grouped) TTC\n"
                        )
                    }
                    emit("\(list.count) documents\n")
                }
                return 0
            }
        }
    }

    struct Show: ParsableCommand {
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Document id or number") var id: String
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            try Outcome.run {
                let ledger = try Installation.open(configPath: global.config).openLedger()
                guard let s = try ledger.invoice(idOrNumber: id) else {
                    return Outcome.notFound(id)
                }
                if format == .json { emit(InvoiceJSON.encode(s) + "\n"); return 0 }
                let i = s.invoice
                emit(
                    "\(i.type == .invoice ? "Invoice" : "Credit note") \(i.number ?? "proforma #\(i.id ?? 0)") (\(i.status.rawValue)) for \(i.client)\(i.payer.map { ", billed to \($0)" } ?? "")\n"
                )
                emit(
                    i.type == .creditNote
                        ? "period \(i.documentPeriod.start)..\(i.documentPeriod.end), issued \(i.issueDate), no due date (set against the invoice it credits)\n"
                        : "period \(i.documentPeriod.start)..\(i.documentPeriod.end), issued \(i.issueDate), due \(i.dueDate) (\(i.paymentTerms))\n"
                )
                for l in s.lines {
                    emit(
                        "  \(l.label): \(l.quantity) × \(l.price) = \(Money(cents: l.net).grouped) HT at \(l.rate)%\n      \(l.englishExplanation)\n"
                    )
                }
                for v in s.vat {
                    emit(
                        "  VAT \(VATRate(tenThousandths: v.rate))% on \(Money(cents: v.base).grouped) = \(Money(cents: v.vat).grouped)\n"
                    )
                }
                emit(
                    "  total HT \(Money(cents: i.totalHt).grouped), VAT \(Money(cents: i.totalVat).grouped), TTC \(Money(cents: i.totalTtc).grouped)\n"
                )
                return 0
            }
        }
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Validate proformas: number, issue date, due date; then frozen.",
        discussion: """
            A proforma past the settings' amount limits (`limits:`) is refused, exit 2, nothing issued, unless \
            `--force --reason "…"` (kept in the audit log). A negative invoice, or a VAT rate the settings cannot post, is always refused.
            """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Validate every proforma (of --period when given).") var all = false
    @Option(help: "With --all: only the proformas whose period overlaps this one.", transform: PeriodArgument.parse)
    var period: PeriodArgument?
    @Flag(help: "Validate as of a --date after today, or proformas past the settings' amount limits (needs --reason).")
    var force = false
    @Option(help: "Why (with --force; kept in the audit log).") var reason: String?
    @Argument(help: "Proforma ids.") var ids: [Int64] = []

    func validate() throws {
        if all == !ids.isEmpty { throw ValidationError("give proforma ids or `--all`") }
        if period != nil && !all { throw ValidationError("--period goes with --all") }
        try ForceReason.check(force: force, reason: reason)
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let today = try global.today()
            let ledger = try workspace.openLedger()
            try workspace.checkNotFuture(today, command: "validate", force: force ? reason : nil, actor: global.who)
            let engine = try workspace.engine(today: today, actor: global.who)
            var targets = ids
            if all { targets += try ledger.invoices(status: .proforma, period: period?.period).compactMap(\.id) }
            // Every target checked before any is issued: a refusal leaves them all as they were (exit 2).
            if let refusal = try engine.issueRefusal(ids: targets, forced: force) { throw refusal }
            if all {
                // Another validator may take some of the list first: those are skipped, the rest validated.
                let round = try engine.validateAll(ids: targets, on: today, forcedBecause: force ? reason : nil)
                for n in round.issued { emit("issued \(n)\n") }
                if !round.skipped.isEmpty {
                    emit(
                        "skipped \(round.skipped.count), no longer waiting: \(round.skipped.joined(separator: ", "))\n")
                }
                for r in round.refused { printError("ardoise: proforma \(r.id) not validated: \(r.message)") }
                emit("\(round.issued.count) validated\n")
                return round.refused.isEmpty ? 0 : 1
            }
            // Named proformas are validated in order and stop at the first failure. What was issued before it
            // stays issued and is reported: exit 1 (done in part, a person must look), exit 2 only when nothing was.
            let outcomes = try engine.validateEach(
                ids: targets, on: today, stopAtFirstFailure: true,
                forcedBecause: force ? reason : nil)
            var issued: [String] = []
            for (id, outcome) in outcomes {
                switch outcome {
                case .success(let number):
                    issued.append(number)
                    emit("issued \(number)\n")
                case .failure(let error):
                    if issued.isEmpty { throw error }
                    let left = targets.drop { $0 != id }.dropFirst().map(String.init)
                    printError(
                        "ardoise: proforma \(id) not validated: \(error)"
                            + (left.isEmpty ? "" : "; not tried: \(left.joined(separator: ", "))"))
                }
            }
            emit("\(issued.count) validated\n")
            return issued.count == targets.count ? 0 : 1
        }
    }
}
