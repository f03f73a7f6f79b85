import ArgumentParser
import BillingEngine
import BillingModel
import CommandSupport
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
    @Option(
        help: "The amount HT to credit on the --line typed just before it (repeatable).",
        transform: AmountArgument.parse)
    var amount: [AmountArgument] = []
    @Option(help: "Why the invoice is credited (kept in the audit log).") var reason: String
    @Flag(help: "Keep the credit note as a proforma to validate later.") var proforma = false
    @Flag(help: "Credit as of a --date after today (the --reason is kept in the audit log).") var force = false

    func validate() throws {
        _ = try selections()
    }

    /// Each `--amount` with the `--line` typed before it, read from the
    /// arguments in the order they were typed.
    func selections() throws -> [CreditSelection] {
        let order = try CreditPairing.order(of: RawArguments.all)
        guard order.filter({ $0 == .line }).count == line.count, order.filter({ $0 == .amount }).count == amount.count
        else {
            throw ValidationError(
                "could not read the order of --line and --amount: give each --amount right after its --line")
        }
        return try CreditPairing.pair(order: order, lines: line, amounts: amount.map(\.money))
    }

    func run() throws {
        try Outcome.run {
            let selections = try selections()
            let workspace = try Installation.open(configPath: global.config)
            let today = try global.today()
            _ = try workspace.openLedger()
            try workspace.checkNotFuture(today, command: "credit", force: force ? reason : nil, actor: global.who)
            try workspace.checkOpenMonth(today, what: "a credit note")
            let engine = try workspace.engine(today: today, actor: global.who)
            let (id, number) = try engine.credit(
                invoice: invoice, selections: selections, reason: reason, on: today, issue: !proforma)
            let stored = try engine.ledger.invoice(id: id)
            let ttc = stored.map { Money(cents: $0.invoice.totalTtc).grouped } ?? "?"
            emit(
                number.map { "issued credit note \($0) (id \(id)) for \(invoice): \(ttc) TTC\n" }
                    ?? "credit note proforma \(id) for \(invoice): \(ttc) TTC, to validate\n")
            return 0
        }
    }
}

/// Pairs `--amount` options with the `--line` typed before them.
enum CreditPairing {
    enum Token: Equatable { case line, amount }

    /// The options of `credit` that take a value (in `--name value` or `--name=value` form).
    static let valued: Set<String> = ["--config", "--date", "--actor", "--reason", "--line", "--amount"]

    /// The `--line` and `--amount` options in the order typed after `credit`.
    static func order(of arguments: [String]) throws -> [Token] {
        guard let start = arguments.firstIndex(of: "credit") else { return [] }
        var out: [Token] = []
        var i = start + 1
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            if name == "--line" { out.append(.line) }
            if name == "--amount" { out.append(.amount) }
            if valued.contains(name), !a.contains("=") { i += 1 }
            i += 1
        }
        return out
    }

    /// Each line credited, with the amount typed right after it (or in full).
    static func pair(order: [Token], lines: [Int], amounts: [Money]) throws -> [CreditSelection] {
        var out: [CreditSelection] = []
        var li = 0, ai = 0
        for t in order {
            switch t {
            case .line:
                out.append(CreditSelection(line: lines[li], amount: nil))
                li += 1
            case .amount:
                guard let last = out.indices.last else {
                    throw ValidationError(
                        "`--amount \(amounts[ai])` has no --line before it: write `--line N --amount X`")
                }
                guard out[last].amount == nil else {
                    throw ValidationError("line \(out[last].line) has two amounts: give one --amount after each --line")
                }
                out[last].amount = amounts[ai]
                ai += 1
            }
        }
        return out
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
    @Option(help: "invoice or credit-note.") var type: ManualType = .invoice
    @Option(help: "Another payer of the client billed instead.") var payer: String?
    @Option(help: "The service period (default: the month of --date).", transform: PeriodArgument.parse) var period:
        PeriodArgument?
    @Option(help: "The client's purchase-order number.") var po: String?
    @Option(help: "For a credit note: the invoice it credits.") var credits: String?
    @Option(help: "A line: \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\" (repeatable).", transform: LineArgument.parse)
    var line: [LineArgument] = []
    @Option(help: "Why it is typed in (kept in the audit log).") var reason: String
    @Flag(help: "Date it after today (--date; the --reason is kept in the audit log).") var force = false

    func validate() throws {
        if line.isEmpty { throw ValidationError("give at least one --line \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\"") }
        if type == .creditNote && credits == nil {
            throw ValidationError("a credit note names the invoice it credits: --credits NUMBER")
        }
        if type == .invoice && credits != nil { throw ValidationError("--credits goes with --type credit-note") }
    }

    func run() throws {
        try Outcome.run {
            let kind = type.kind
            let workspace = try Installation.open(configPath: global.config)
            let today = try global.today()
            _ = try workspace.openLedger()
            try workspace.checkNotFuture(today, command: "manual", force: force ? reason : nil, actor: global.who)
            try workspace.checkOpenMonth(today, what: "a document")
            let engine = try workspace.engine(today: today, actor: global.who)
            let p = period?.period ?? Period.month(of: today)
            let lines = line.map(\.line).map { ($0.label, $0.quantity, $0.unitPrice, $0.vat) }
            let id = try engine.createManual(
                ManualDocument(
                    type: kind, client: client, payer: payer, period: p, poNumber: po,
                    credits: credits, lines: lines), reason: reason, on: today)
            let ttc = try engine.ledger.invoice(id: id).map { Money(cents: $0.invoice.totalTtc).grouped } ?? "?"
            emit(
                "\(kind == .invoice ? "invoice" : "credit note") proforma \(id) for \(client): \(ttc) TTC, to validate\n"
            )
            return 0
        }
    }
}
