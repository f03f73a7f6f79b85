import BillingModel
import Diagnostics

/// A refused action on documents: the user's mistake or a state that forbids
/// it, with its facts as typed values. Thrown before anything is written (the
/// transaction rolls back), so it means "nothing done" (exit 2). The CLI words
/// it in English (`description`), the web app in French from the same facts,
/// without command lines; `kind` says whether it is a refusal, a conflict
/// with the document's state, or something not found. Internal failures are
/// not here (`LedgerError`).
public enum InvoiceError: CommandFailure, Sendable, Equatable {
    /// What was asked of a document that is not a proforma.
    public enum ProformaAction: String, Sendable, Equatable { case validate, discard, edit }

    // Not found.
    /// No document with this id or number, as the user typed it.
    case noInvoice(String)
    /// The document has no such line.
    case noLine(document: String, line: Int, lines: Int)

    // Conflicts with the document's state.
    /// Only a proforma is validated, discarded or edited.
    case notProforma(id: Int64, status: InvoiceStatus, number: String?, action: ProformaAction)
    /// The month of the day is closed: nothing is issued or dated in it (`what`: nil for issuing, else the kind made).
    case monthClosed(month: String, day: Day?, what: DocumentKind?)
    /// The register revenue of a proforma was corrected since it was generated.
    case revenueCorrected(proforma: Int64, siteDays: Int)
    /// An event order a proforma priced has a newer revision.
    case orderChanged(
        order: String, proforma: Int64, priced: Int, now: Int, origin: InvoiceOrigin, client: String, period: String)
    /// Numbers follow dates within a series: the last document is dated after `day`.
    case datedBeforeLast(
        kind: DocumentKind, id: Int64?, client: String?, day: Day, series: String?, last: String, lastDate: String)
    /// Proformas of the month wait: validated or discarded first.
    case proformasPending(count: Int, month: String)
    /// Only an issued invoice is credited.
    case creditOfNotIssued(number: String, status: InvoiceStatus)
    /// A credit note is not credited.
    case creditOfCreditNote(number: String)
    /// The line is already credited in full.
    case lineCreditedInFull(line: Int, number: String)
    /// More than what remains of the line.
    case lineCreditTooMuch(line: Int, number: String, left: Money, of: Money, asked: Money)
    /// More than the invoice, with what earlier credit notes credit (`waiting`: of those, still proformas).
    case creditTooMuch(number: String, total: Money, credited: Money, waiting: Money?, asked: Money)

    // Refusals of what was typed.
    /// A reason is required.
    case reasonRequired
    /// A line that is not a positive amount cannot be credited.
    case lineNotPositive(line: Int, number: String)
    /// An amount to credit must be positive.
    case creditAmountNotPositive(line: Int)
    case unknownClient(String)
    case notAPayer(payer: String, client: String)
    case noLines
    case notFrenchRate(label: String, rate: VATRate)
    /// A manual credit note names the invoice it credits.
    case creditNamesNoInvoice
    case notAnIssuedInvoice(String)
    case invoiceOfAnotherClient(number: String, client: String, expected: String)
    /// The lines' amounts do not fit (`what`: the document, in the engine's words for the CLI).
    case doesNotAddUp(kind: DocumentKind, client: String, period: String, overflow: MoneyOverflow)
    /// A document keeps at least one line.
    case lastLine
    case noNumberSeries(String)

    /// A line typed as `LABEL|QUANTITY|UNIT PRICE HT|VAT %` that cannot be read.
    case lineText(text: String, problem: LineTextProblem)
    /// The document's customer has no receivable account in the settings (`document`: its number, or nil for a proforma).
    case noReceivableAccount(document: String?, proforma: Int64, client: String, customer: String)

    /// What is wrong with a typed line.
    public enum LineTextProblem: Sendable, Equatable {
        case fieldCount(Int)
        case emptyLabel
        case quantityNotWhole(String)
        case quantityPastBound(String)
        case unitPriceNotAmount(String)
        case unitPricePastBound(String)
        case notFrenchRate(String)
        case overflow(MoneyOverflow)
    }

    /// A discarded document has no PDF nor XML.
    case discardedHasNoDocument(id: Int64)
    /// A proforma is not an invoice: it has no e-invoice (its PDF is printed).
    case proformaHasNoEInvoice(id: Int64)
    /// No payment with this id.
    case noPayment(Int64)
    /// What was left of the payment is allocated already.
    case paymentFullyAllocated(Int64)
    /// The invoice owes nothing.
    case owesNothing(number: String)

    /// What keeps a stored document from becoming its PDF or XML.
    public enum DocumentProblem: Sendable, Equatable {
        case creditNamesNoIssuedInvoice
        case linesDoNotAddUp(MoneyOverflow)
        case totalsDiffer(lines: Money, ledger: Money)
        case payerNotInSettings(String)
        case clientNotInSettings(String)
        /// The renderer's failure, in its own words (the CLI shows them; the web says what it means).
        case cannotRender(String)
        case noEInvoice
    }
    /// `document` (its number, or `document ID`) cannot be made into its files.
    case documentFile(document: String, problem: DocumentProblem)

    /// What was to be done with a document that is not issued.
    public enum NotIssuedAction: Sendable, Equatable { case send, submit, lifeCycle }
    /// Only an issued document is sent, submitted, or has its life cycle reported.
    case notIssued(document: String, action: NotIssuedAction)
    /// An issued document whose validation is not in the audit log: never stored nor chained.
    case notIssuedByArdoise(document: String, series: String)
    /// A value the ledger stores as text that does not read back as its type (written outside Ardoise):
    /// an error, never replaced by a default.
    case malformedStoredValue(document: String, field: String, value: String)

    /// Why an entry cannot be made (the Accounting module's `PostingError`, as facts).
    public enum PostingProblem: Sendable, Equatable {
        case noVATAccount(rate: String)
        /// VAT on receipts: a service's rate has no pending VAT account.
        case noPendingVATAccount(rate: String)
        case unbalanced(debit: Money, credit: Money)
    }
    /// `document` (its number, or `proforma ID`) cannot be posted to the sales journal.
    case cannotPost(document: String, problem: PostingProblem)

    /// A reminder pause names neither a client, a payer nor an invoice number.
    case unknownReminderTarget(String)
    case remindersAlreadyPaused(String)
    case remindersNotPaused(String)
    case noNotice(Int64)
    /// A notice sent or cancelled is final.
    case noticeFinal(id: Int64, status: String)

    case noOutboxMessage(Int64)
    /// A sent message is final.
    case messageSent(id: Int64, number: String, at: String?)

    case noIssuedDocument(String)
    case noPlatformFlow(Int64)
    /// A submitted flow is final.
    case flowSubmitted(id: Int64, number: String, at: String?, flowID: String?)
    /// An e-reporting submission asked for a document's file (it has none): an internal mix-up, never the user's.
    case noReportFile

    /// A proforma has no line by that name (as typed on the command line).
    case noLineNamed(proforma: Int64, line: String, lines: Int)

    /// How the caller should take it.
    public enum Kind: Sendable { case notFound, conflict, refused }

    public var kind: Kind {
        switch self {
        case .noInvoice, .noPayment, .noNotice, .noOutboxMessage, .noIssuedDocument, .noPlatformFlow, .noLineNamed:
            .notFound
        case .notProforma, .monthClosed, .revenueCorrected, .orderChanged, .datedBeforeLast, .proformasPending,
            .creditOfNotIssued,
            .creditOfCreditNote, .lineCreditedInFull, .lineCreditTooMuch, .creditTooMuch, .discardedHasNoDocument,
            .paymentFullyAllocated,
            .owesNothing, .notIssued, .notIssuedByArdoise, .remindersAlreadyPaused, .remindersNotPaused, .noticeFinal,
            .messageSent,
            .flowSubmitted, .documentFile, .noReportFile, .malformedStoredValue:
            .conflict
        default: .refused
        }
    }

    public var exitStatus: ExitStatus { .nothingDone }

    /// The English message, as the CLI prints it.
    public var message: String { description }

    public var description: String {
        func kind(_ k: DocumentKind) -> String { k == .creditNote ? "credit note" : "invoice" }
        switch self {
        case .noInvoice(let text): return "no invoice `\(text)`"
        case .noLine(let document, let line, let lines): return "\(document) has no line \(line) (lines 1–\(lines))"
        case .notProforma(let id, let status, let number, let action):
            switch action {
            case .validate:
                return
                    "invoice \(id) is \(status.rawValue)\(number.map { " as \($0)" } ?? ""): only a proforma can be validated"
            case .discard: return "invoice \(id) is \(status.rawValue): only a proforma can be discarded"
            case .edit:
                return "invoice \(id) is \(status.rawValue): an issued invoice never changes, make a credit note"
            }
        case .monthClosed(let month, let day, let what):
            guard let what, let day else { return "the month \(month) is closed: nothing can be issued in it" }
            return
                "\(month) is closed: \(what == .creditNote ? "a credit note" : "a document") dated \(day) cannot be made"
        case .revenueCorrected(let id, let n):
            return
                "the revenue of proforma \(id) was corrected since it was generated (\(n) site-days): generate it again"
        case .orderChanged(let order, let id, let priced, let now, let origin, let client, let period):
            return "order \(order) changed since proforma \(id) was generated (revision \(priced), now \(now)): "
                + (origin == .contract
                    ? "generate the period again (`ardoise bill --period \(period) --client \(client)`)"
                    : "the daily run (`ardoise bill --events`) replaces it")
        case .datedBeforeLast(let k, let id, let client, let day, let series, let last, let lastDate):
            if let id, let client, let series {
                return
                    "\(kind(k)) \(id) of \(client) cannot be issued on \(day): the last document of series \(series), \(last), is dated \(lastDate), "
                    + "and numbers follow dates within a series; validate it on \(lastDate) or later (`--date`)"
            }
            return
                "a \(kind(k)) cannot be issued on \(day): the last document of its series, \(last), is dated \(lastDate); nothing done"
        case .proformasPending(let n, let month):
            return "\(n) proformas of \(month) are pending: validate or discard them first"
        case .creditOfNotIssued(let number, let status):
            return
                "\(number) is a \(status.rawValue): only an issued invoice is credited (a proforma is edited or discarded)"
        case .creditOfCreditNote(let number): return "\(number) is a credit note: only an invoice is credited"
        case .lineCreditedInFull(let line, let number): return "line \(line) of \(number) is already credited in full"
        case .lineCreditTooMuch(let line, let number, let left, let of, let asked):
            return "line \(line) of \(number) has \(left) HT left to credit (of \(of)): \(asked) is too much"
        case .creditTooMuch(let number, let total, let credited, let waiting, let asked):
            return
                "\(number) is \(total) HT and credit notes already credit \(credited) HT\(waiting.map { " (\($0) waiting)" } ?? ""): \(asked) HT more is too much"
        case .reasonRequired: return "a credit note needs a reason"
        case .lineNotPositive(let line, let number):
            return "line \(line) of \(number) is not a positive amount: it cannot be credited"
        case .creditAmountNotPositive(let line): return "the amount to credit on line \(line) must be positive"
        case .unknownClient(let code): return "no client `\(code)` in the settings"
        case .notAPayer(let payer, let client): return "`\(payer)` is not a payer of \(client)"
        case .noLines: return "a document needs at least one line"
        case .notFrenchRate(let label, let rate):
            return
                "line \"\(label)\": \(rate)% is not a French VAT rate (\(VATRate.frenchRates.map(\.description).joined(separator: ", ")))"
        case .creditNamesNoInvoice: return "a credit note names the invoice it credits (`--credits NUMBER`)"
        case .notAnIssuedInvoice(let ref): return "`\(ref)` is not an issued invoice"
        case .invoiceOfAnotherClient(let number, let client, let expected):
            return "\(number) is an invoice of \(client), not of \(expected)"
        case .doesNotAddUp(let k, let client, let period, let overflow):
            return "the \(kind(k)) of \(client) for \(period) does not add up: \(overflow)"
        case .lastLine: return "a document keeps at least one line: discard it instead"
        case .noNumberSeries(let code): return "no number series `\(code)`"
        case .lineText(let text, let problem):
            switch problem {
            case .fieldCount(let n):
                return "`\(text)`: expected \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\" (4 fields, found \(n))"
            case .emptyLabel: return "`\(text)`: the label is empty"
            case .quantityNotWhole(let s): return "`\(text)`: the quantity `\(s)` is not a whole number above 0"
            case .quantityPastBound(let s):
                return
                    "`\(text)`: the quantity `\(s)` is beyond the bound of \(AmountLimits.maxQuantityText) (at most 6 digits)"
            case .unitPriceNotAmount(let s):
                return "`\(text)`: the unit price `\(s)` is not an amount such as 150.00 (at most 4 decimals)"
            case .unitPricePastBound(let s):
                return
                    "`\(text)`: the unit price `\(s)` is beyond the bound of \(AmountLimits.maxUnitPrice.grouped) (at most 7 digits before the point)"
            case .notFrenchRate(let s):
                return
                    "`\(text)`: `\(s)` is not a French VAT rate (\(VATRate.frenchRates.map(\.description).joined(separator: ", ")))"
            case .overflow(let o): return "`\(text)`: \(o)"
            }
        case .noReceivableAccount(let document, let proforma, let client, let customer):
            return
                "\(document ?? "proforma \(proforma) of \(client)") cannot be posted: customer `\(customer)` has no receivable account in the settings"
        case .discardedHasNoDocument(let id): return "document \(id) was discarded: it has no document"
        case .proformaHasNoEInvoice(let id):
            return
                "document \(id) is a proforma: it is not an invoice and has no e-invoice; `ardoise invoices pdf \(id)` prints it"
        case .noPayment(let id): return "no payment \(id)"
        case .paymentFullyAllocated(let id): return "payment \(id) is fully allocated: unmatch it first"
        case .owesNothing(let number): return "\(number) owes nothing"
        case .documentFile(let document, let problem):
            switch problem {
            case .creditNamesNoIssuedInvoice:
                return
                    "credit note \(document) names no issued invoice: a credit note must reference the invoice it credits"
            case .linesDoNotAddUp(let overflow): return "document \(document): its lines do not add up: \(overflow)"
            case .totalsDiffer(let lines, let ledger):
                return "document \(document): its lines give \(lines) TTC but the ledger says \(ledger)"
            case .payerNotInSettings(let code): return "document \(document): payer `\(code)` is not in the settings"
            case .clientNotInSettings(let code): return "document \(document): client `\(code)` is not in the settings"
            case .cannotRender(let why): return "document \(document) cannot be rendered: \(why)"
            case .noEInvoice: return "document \(document) has no e-invoice to store"
            }
        case .notIssued(let document, let action):
            switch action {
            case .send: return "document \(document) is not issued: nothing to send"
            case .submit: return "document \(document) is not issued: nothing to submit"
            case .lifeCycle: return "the invoice of \(document) is not issued"
            }
        case .malformedStoredValue(let document, let field, let value):
            return
                "\(document): the ledger holds `\(value)` as its \(field), which does not read back; nothing done (`ardoise verify` checks the ledger)"
        case .notIssuedByArdoise(let document, let series):
            return "\(document) of series \(series) was not issued by Ardoise (no validation in the audit log): "
                + "it is never stored nor chained; `ardoise verify` names it"
        case .cannotPost(let document, let problem):
            switch problem {
            case .noVATAccount(let rate):
                return
                    "\(document) cannot be posted: no output VAT account for \(rate) % in the settings (`accounting: output_vat_accounts`)"
            case .noPendingVATAccount(let rate):
                return
                    "\(document) cannot be posted: no pending VAT account for \(rate) % in the settings (`accounting: pending_vat_accounts`)"
            case .unbalanced(let debit, let credit):
                return "\(document) cannot be posted: does not balance: debit \(debit) ≠ credit \(credit)"
            }
        case .unknownReminderTarget(let target): return "`\(target)` is neither a client, a payer nor an invoice number"
        case .remindersAlreadyPaused(let target): return "reminders of \(target) are already paused"
        case .remindersNotPaused(let target): return "reminders of \(target) are not paused"
        case .noNotice(let id): return "no notice \(id)"
        case .noticeFinal(let id, let status): return "notice \(id) is \(status): final"
        case .noOutboxMessage(let id): return "no outbox message \(id)"
        case .messageSent(let id, let number, let at):
            return "message \(id) of \(number) was sent at \(at ?? "?"): a sent message is final"
        case .noIssuedDocument(let number): return "no issued document `\(number)`"
        case .noPlatformFlow(let id): return "no platform flow \(id)"
        case .flowSubmitted(let id, let number, let at, let flowID):
            return
                "flow \(id) of \(number) was submitted at \(at ?? "?") (flowId \(flowID ?? "not yet known")): a submitted flow is final"
        case .noReportFile: return "no document file for a report"
        case .noLineNamed(let id, let line, let lines): return "proforma \(id) has no line `\(line)` (lines 1–\(lines))"
        }
    }
}
