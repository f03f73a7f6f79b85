import ArgumentParser
import BillingEngine
import BillingModel
import CommandSupport
import Ledger
import Workspace

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit a proforma: change, add or remove lines, with a reason kept in the audit log.",
        discussion: """
            Lines are "LABEL|QUANTITY|UNIT PRICE HT|VAT %"; in --set an empty field keeps the line's value, e.g. \
            --set 2 "|1850||" changes only the quantity of line 2. The net amount is recomputed as round(quantity × unit price, 2). \
            An issued invoice is never edited: make a credit note.
            """
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The proforma's id.") var id: Int64
    @Option(help: "Why it is edited (kept in the audit log).") var reason: String
    @Option(parsing: .upToNextOption, help: "Change line N: N \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\" (repeatable).")
    var set: [String] = []
    @Option(help: "Remove line N (repeatable).") var remove: [Int] = []
    @Option(help: "Add a line \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\" (repeatable).", transform: LineArgument.parse)
    var add: [LineArgument] = []

    func validate() throws {
        guard !set.isEmpty || !remove.isEmpty || !add.isEmpty else {
            throw ValidationError("nothing to edit: give --set, --remove or --add")
        }
        guard set.count % 2 == 0 else {
            throw ValidationError("--set takes a line number and a line: --set 2 \"|1850||\"")
        }
        for pair in stride(from: 0, to: set.count, by: 2) {
            guard Int(set[pair]) != nil else {
                throw ValidationError(
                    "--set \(set[pair]): expected a line number then a line, e.g. --set 2 \"|1850||\"")
            }
            // Malformed or out-of-bounds fields are refused before anything is opened (exit 2).
            do { try LineText.check(partial: set[pair + 1]) } catch {
                throw ValidationError("--set \(set[pair]) \(error)")
            }
        }
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let ledger = try workspace.openLedger()
            guard let stored = try ledger.invoice(id: id) else { throw InvoiceError.noInvoice("\(id)") }
            var lines = stored.lines.map { (position: $0.position, line: NewInvoiceLine($0)) }
            for pair in stride(from: 0, to: set.count, by: 2) {
                guard let n = Int(set[pair]), let i = lines.firstIndex(where: { $0.position == n }) else {
                    throw InvoiceError.noLineNamed(proforma: id, line: set[pair], lines: stored.lines.count)
                }
                lines[i].line = try LineText.apply(
                    set[pair + 1], to: lines[i].line, editedBy: global.who, reason: reason)
            }
            for n in remove {
                guard lines.contains(where: { $0.position == n }) else {
                    throw InvoiceError.noLine(document: "proforma \(id)", line: n, lines: stored.lines.count)
                }
                lines.removeAll { $0.position == n }
            }
            var result = lines.map(\.line)
            for l in add.map(\.line) {
                // Bounded at parse time (`LineText`): the net fits.
                let net: Money
                do throws(MoneyOverflow) { net = try l.unitPrice.times(l.quantity) } catch {
                    throw InvoiceError.lineText(text: "--add \"\(l.label)\"", problem: .overflow(error))
                }
                result.append(
                    NewInvoiceLine(
                        label: l.label, quantity: l.quantity, unitPrice: l.unitPrice, net: net,
                        vat: l.vat, service: stored.invoice.period, basis: LineBasis(.typedIn),
                        facts: LineFacts(.added(by: global.who, reason: reason))))
            }
            guard !result.isEmpty else { throw InvoiceError.lastLine }
            // The settings' limits and the sign rules, before anything is written (exit 2 when past them).
            if stored.invoice.status == .proforma {
                try Engine.checkEdited(result, of: stored, limits: workspace.settings.limits)
            }
            try ledger.replaceLines(id: id, lines: result, reason: reason, actor: global.who)
            let after = try ledger.invoice(id: id)
            emit(
                "edited proforma \(id): \(result.count) lines, \(after.map { Money(cents: $0.invoice.totalTtc).grouped } ?? "?") TTC\n"
            )
            return 0
        }
    }
}
