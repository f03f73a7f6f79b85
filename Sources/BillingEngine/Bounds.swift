import BillingModel
import Foundation
import Ledger

/// A proforma that may not be issued as it stands: a VAT rate the settings do
/// not know, a negative invoice, or amounts past the settings' `limits:` (a
/// person looks, and validates it with `--force --reason` if it is right).
/// Names the proforma by its id: it has no number, and none was given.
public struct IssueRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, as facts: the CLI words them in English (`message`), the web app in French.
    public enum Reason: Sendable, Equatable {
        /// A line's VAT rate the settings cannot post (`known`: those they can).
        case rateNotPostable(line: Int, label: String, rate: VATRate, known: [VATRate])
        /// Past the amount limits or the sign rules.
        case amounts(AmountRefusal)
        /// A periodic invoice that would fall due more than 45 days after its issue (Code de commerce L441-10 II).
        case periodicDueTooLate(period: Period, terms: String, issued: Day, due: Day)
    }
    public var proforma: Int64
    public var reason: Reason
    /// Whether `--force --reason` validates it anyway (amounts past the limits only).
    public var forceable: Bool
    /// Nothing was issued (exit status 2).
    public var exitStatus: Int32 { 2 }
    /// The English words, without the command-line hint.
    public var message: String {
        switch reason {
        case .rateNotPostable(let line, let label, let rate, let known):
            return
                "\(name), line \(line) \"\(label)\": VAT rate \(rate) % is not a rate of the settings (\(known.map(\.description).joined(separator: ", "))): "
                + "correct the source (the event order, the contract) and bill it again, or discard it"
        case .amounts(let refusal): return "\(refusal)"
        case .periodicDueTooLate(let period, let terms, let issued, let due):
            return "\(name) is periodic (\(period.start) to \(period.end)): issued on \(issued) under `\(terms)` "
                + "it would fall due on \(due), \(due.ordinal - issued.ordinal) days later, over the 45 days the law allows (Code de commerce L441-10 II): "
                + "correct the contract's payment terms, bill it again and discard this proforma"
        }
    }
    /// The proforma, as the English names it (`invoice proforma 12 of C0001`).
    public var name: String
    public var description: String {
        message + (forceable ? "; if it is right, validate it with `--force --reason \"why\"`" : "")
    }
}

extension Engine {
    /// The VAT rates documents may carry: those the settings can post (an
    /// output VAT account), and 0.
    var postableRates: Set<VATRate> { Set(settings.accounting.outputVATAccounts.keys).union([.zero]) }

    /// Why proforma `stored` may not be issued, or nil. With `forced`, the
    /// amount limits are lifted (never the rates nor the sign rules).
    public func issueRefusal(_ stored: StoredInvoice, forced: Bool = false) -> IssueRefusal? {
        let i = stored.invoice
        let id = i.id ?? 0
        let name = "\(i.type == .creditNote ? "credit note" : "invoice") proforma \(id) of \(i.client)"
        let rates = postableRates
        for l in stored.lines where !rates.contains(l.rate) {
            return IssueRefusal(
                proforma: id,
                reason: .rateNotPostable(line: l.position, label: l.label, rate: l.rate, known: rates.sorted()),
                forceable: false, name: name)
        }
        let lines = stored.lines.map { (net: $0.netAmount, vat: $0.rate) }
        let limits =
            forced ? AmountLimits(maxLineHT: Money(cents: .max), maxDocumentTTC: Money(cents: .max)) : settings.limits
        do throws(AmountRefusal) {
            _ = try limits.check(lines, creditNote: i.type == .creditNote, document: name)
        } catch {
            switch error.reason {
            case .lineAboveLimit, .documentAboveLimit:
                return IssueRefusal(proforma: id, reason: .amounts(error), forceable: true, name: name)
            default:
                return IssueRefusal(proforma: id, reason: .amounts(error), forceable: false, name: name)
            }
        }
        return nil
    }

    /// A periodic invoice (a contract's, a correction's or grouped events' invoice of a week or a
    /// month: CGI art. 289 I 3) that would fall due more than 45 days after `day`, its issue date,
    /// is never issued (Code de commerce L441-10 II): lint refuses such terms, and this catches a
    /// proforma made under older ones. Not forceable: the law does not bend for a reason.
    public func periodicDueRefusal(_ stored: StoredInvoice, terms: PaymentTerms, on day: Day) -> IssueRefusal? {
        let i = stored.invoice
        guard i.type == .invoice, [.contract, .events, .correction].contains(i.origin), case let period = i.period,
            (2...31).contains(period.end.ordinal - period.start.ordinal + 1)
        else { return nil }
        let due = terms.dueDate(issuedOn: day)
        guard due.ordinal - day.ordinal > PaymentTerms.periodicMaximumDays else { return nil }
        return IssueRefusal(
            proforma: i.id ?? 0, reason: .periodicDueTooLate(period: period, terms: "\(terms)", issued: day, due: due),
            forceable: false, name: "invoice proforma \(i.id ?? 0) of \(i.client)")
    }

    /// The first refusal among proformas `ids` (the others unchecked), so a
    /// command can refuse before it issues anything.
    public func issueRefusal(ids: [Int64], forced: Bool = false) throws -> IssueRefusal? {
        for id in ids {
            if let stored = try ledger.invoice(id: id), stored.invoice.status == .proforma,
                let r = issueRefusal(stored, forced: forced)
            {
                return r
            }
        }
        return nil
    }

    /// The lines of a document typed in (command line, web form), checked:
    /// quantity and unit price within the typed bounds, each net and the
    /// totals within the settings' limits, an invoice's total not negative and
    /// a credit note's lines positive. Throws `AmountRefusal` (nothing written).
    public func typedLines(
        _ typed: [(label: String, quantity: Int, unitPrice: Price, vat: VATRate)], kind: DocumentKind,
        document: String, service: Period?, facts: LineFacts.Computation
    ) throws(AmountRefusal) -> [NewInvoiceLine] {
        var lines: [NewInvoiceLine] = []
        for (i, l) in typed.enumerated() {
            try AmountLimits.checkTyped(line: i + 1, quantity: l.quantity, unitPrice: l.unitPrice, document: document)
            let net: Money
            do throws(MoneyOverflow) { net = try l.unitPrice.times(l.quantity) } catch {
                throw AmountRefusal(document: "\(document), line \(i + 1)", reason: .overflow(error))
            }
            lines.append(
                NewInvoiceLine(
                    label: l.label, quantity: l.quantity, unitPrice: l.unitPrice, net: net, vat: l.vat,
                    service: service,
                    basis: LineBasis(.typedIn), facts: LineFacts(facts)))
        }
        _ = try settings.limits.check(
            lines.map { ($0.net, $0.vat) }, creditNote: kind == .creditNote, positiveLines: kind == .creditNote,
            document: document)
        return lines
    }

    /// Checks the lines of an edited proforma as `typedLines` does, its kind and sign rules included.
    public static func checkEdited(_ lines: [NewInvoiceLine], of stored: StoredInvoice, limits: AmountLimits)
        throws(AmountRefusal)
    {
        let name =
            "\(stored.invoice.type == .creditNote ? "credit note" : "invoice") proforma \(stored.invoice.id ?? 0) of \(stored.invoice.client)"
        // Typed fields are bounded where they are read (`LineText`); generated lines keep their figures.
        _ = try limits.check(
            lines.map { ($0.net, $0.vat) }, creditNote: stored.invoice.type == .creditNote, document: name)
    }
}
