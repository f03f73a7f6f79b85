import ArgumentParser
import BillingEngine
import BillingModel
import Ledger
import Workspace

struct CreditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credit",
        abstract: "Make a credit note for an issued invoice, in full or for chosen lines or amounts.",
        discussion: """
            `ardoise credit FA-2026-000012 --reason "..."` credits the whole invoice; `--line 2` credits line 2 in full; \
            `--line 2 --amount 150.00` credits 150.00 HT of line 2 (each --amount goes with the --line before it). \
            The credit note references the invoice's number and date and is issued at once (`--proforma` keeps it for review). \
            No line is ever credited beyond what remains of it.
            """
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The invoice's number (or id).") var invoice: String
    @Option(help: "A line of the invoice to credit (repeatable).") var line: [Int] = []
    @Option(help: "The amount HT to credit on the matching --line (repeatable).") var amount: [String] = []
    @Option(help: "Why the invoice is credited (kept in the audit log).") var reason: String
    @Flag(help: "Keep the credit note as a proforma to validate later.") var proforma = false

    func validate() throws {
        if amount.count > line.count { throw ValidationError("each --amount goes with a --line") }
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Workspace.open(configPath: global.config)
            let today = try global.today()
            let engine = try workspace.engine(ledger: try workspace.openLedger(), today: today, actor: global.who)
            var selections: [CreditSelection] = []
            for (i, l) in line.enumerated() {
                var amountHT: Money?
                if i < amount.count {
                    guard let m = Money(amount[i]) else { throw ValidationError("`--amount \(amount[i])` is not an amount such as 150.00") }
                    amountHT = m
                }
                selections.append(CreditSelection(line: l, amount: amountHT))
            }
            let (id, number) = try engine.credit(invoice: invoice, selections: selections, reason: reason, on: today, issue: !proforma)
            let stored = try engine.ledger.invoice(id: id)
            let ttc = stored.map { Money(cents: $0.invoice.totalTtc).grouped } ?? "?"
            emit(number.map { "issued credit note \($0) (id \(id)) for \(invoice): \(ttc) TTC\n" }
                 ?? "credit note proforma \(id) for \(invoice): \(ttc) TTC, to validate\n")
            return 0
        }
    }
}

struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Type in an invoice or a credit note; it waits as a proforma to validate.",
        discussion: """
            Lines are "LABEL|QUANTITY|UNIT PRICE HT|VAT %", e.g. --line "Prestation exceptionnelle|2|150.00|20". \
            A credit note names the invoice it credits with --credits.
            """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "The client billed.") var client: String
    @Option(help: "invoice or credit-note.") var type: String = "invoice"
    @Option(help: "Another payer of the client billed instead.") var payer: String?
    @Option(help: "The service period (default: the month of --date).") var period: String?
    @Option(help: "The client's purchase-order number.") var po: String?
    @Option(help: "For a credit note: the invoice it credits.") var credits: String?
    @Option(help: "A line: \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\" (repeatable).") var line: [String] = []
    @Option(help: "Why it is typed in (kept in the audit log).") var reason: String

    func run() throws {
        try Outcome.run {
            let kind: DocumentKind
            switch type {
            case "invoice": kind = .invoice
            case "credit-note", "credit_note": kind = .creditNote
            default: throw ValidationError("`--type \(type)`: expected invoice or credit-note")
            }
            let workspace = try Workspace.open(configPath: global.config)
            let today = try global.today()
            let engine = try workspace.engine(ledger: try workspace.openLedger(), today: today, actor: global.who)
            let p = try period.map { text -> Period in
                guard let p = Period(parsing: text) else { throw ValidationError("`--period \(text)` is not a period") }
                return p
            } ?? Period.month(of: today)
            let lines = try line.map(LineText.parse).map { ($0.label, $0.quantity, $0.unitPrice, $0.vat) }
            let id = try engine.createManual(ManualDocument(type: kind, client: client, payer: payer, period: p, poNumber: po,
                                                            credits: credits, lines: lines), reason: reason, on: today)
            let ttc = try engine.ledger.invoice(id: id).map { Money(cents: $0.invoice.totalTtc).grouped } ?? "?"
            emit("\(kind == .invoice ? "invoice" : "credit note") proforma \(id) for \(client): \(ttc) TTC, to validate\n")
            return 0
        }
    }
}
