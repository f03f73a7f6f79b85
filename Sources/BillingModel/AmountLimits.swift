/// A computation on money whose exact result does not fit in an amount:
/// an error to report with the document and line, never a trap.
public struct MoneyOverflow: Error, Sendable, Equatable, CustomStringConvertible {
    /// The computation, in figures: `2147483647 × 99999999.9999`.
    public var operation: String
    public init(_ operation: String) { self.operation = operation }
    public var description: String { "amount out of range: \(operation)" }
}

/// Bounds on the amounts of a document (`limits:` in the settings). Typed-in
/// lines past them are refused; a generated document past them is left as a
/// proforma for a person and validated only with `--force --reason`.
public struct AmountLimits: Sendable, Equatable {
    /// The largest net amount HT of one line.
    public var maxLineHT: Money
    /// The largest total TTC of one document.
    public var maxDocumentTTC: Money

    public init(maxLineHT: Money, maxDocumentTTC: Money) {
        self.maxLineHT = maxLineHT
        self.maxDocumentTTC = maxDocumentTTC
    }

    /// 500,000.00 HT per line, 1,000,000.00 TTC per document.
    public static let standard = AmountLimits(
        maxLineHT: Money(cents: 50_000_000), maxDocumentTTC: Money(cents: 100_000_000))

    /// The largest quantity a line is typed with (6 digits, as the import formats).
    public static let maxQuantity = 999_999
    /// `999,999`.
    public static var maxQuantityText: String {
        DecimalText.format(Int64(maxQuantity), scale: 0, minimumFraction: 0, groupSeparator: ",")
    }
    /// The largest unit price a line is typed with, 9,999,999.9999 (7 digits, as the import formats):
    /// a bounded quantity times a bounded price is below 10^13 euros, so a line's
    /// net always fits in cents, and so does the sum of nine thousand of the largest.
    public static let maxUnitPrice = Price(tenThousandths: 99_999_999_999)

    /// Checks a line as typed (command line, web form): its quantity and unit
    /// price within the bounds of the import formats, so its net always fits.
    public static func checkTyped(line: Int, quantity: Int, unitPrice: Price, document: String) throws(AmountRefusal) {
        guard quantity.magnitude <= UInt(maxQuantity) else {
            throw AmountRefusal(document: document, reason: .quantityAboveLimit(line: line, quantity: String(quantity)))
        }
        guard unitPrice.tenThousandths.magnitude <= maxUnitPrice.tenThousandths.magnitude else {
            throw AmountRefusal(
                document: document, reason: .unitPriceAboveLimit(line: line, price: unitPrice.description))
        }
    }

    /// Checks a document's lines against the bounds and the sign rules: an
    /// invoice's total is zero or more (a negative document is a credit note),
    /// a credit note typed in has positive lines; returns its totals.
    /// `document` names it in the error ("proforma 12 of C0002").
    public func check(
        _ lines: [(net: Money, vat: VATRate)], creditNote: Bool, positiveLines: Bool = false,
        document: String
    ) throws(AmountRefusal) -> InvoiceTotals {
        for (i, l) in lines.enumerated() {
            if l.net.cents.magnitude > maxLineHT.cents.magnitude {
                throw AmountRefusal(
                    document: document, reason: .lineAboveLimit(line: i + 1, net: l.net, limit: maxLineHT))
            }
            if positiveLines, l.net.cents < 0 {
                throw AmountRefusal(document: document, reason: .negativeCreditLine(line: i + 1, net: l.net))
            }
        }
        let totals: InvoiceTotals
        do throws(MoneyOverflow) { totals = try InvoiceTotals(lines: lines) } catch {
            throw AmountRefusal(document: document, reason: .overflow(error))
        }
        if totals.totalTTC.cents < 0 {
            throw AmountRefusal(
                document: document,
                reason: creditNote
                    ? .negativeCreditNote(ttc: totals.totalTTC)
                    : .negativeInvoice(ttc: totals.totalTTC))
        }
        if totals.totalTTC > maxDocumentTTC {
            throw AmountRefusal(
                document: document, reason: .documentAboveLimit(ttc: totals.totalTTC, limit: maxDocumentTTC))
        }
        return totals
    }
}

/// A document refused for its amounts: nothing is written (exit status 2).
public struct AmountRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case lineAboveLimit(line: Int, net: Money, limit: Money)
        case documentAboveLimit(ttc: Money, limit: Money)
        case negativeInvoice(ttc: Money)
        case negativeCreditNote(ttc: Money)
        case negativeCreditLine(line: Int, net: Money)
        case overflow(MoneyOverflow)
        /// The quantity and price as typed: they may be too large for any number.
        case quantityAboveLimit(line: Int, quantity: String)
        case unitPriceAboveLimit(line: Int, price: String)
    }
    /// The document, in words: "proforma 12 of C0002", "the manual invoice for C0002".
    public var document: String
    public var reason: Reason
    /// What the command exits with: the refusal leaves everything as it was.
    public var exitStatus: Int32 { 2 }

    public init(document: String, reason: Reason) {
        self.document = document
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .lineAboveLimit(let line, let net, let limit):
            return
                "\(document), line \(line): \(net.grouped) HT is beyond the limit of \(limit.grouped) HT per line (`limits: max_line_ht` in the settings)"
        case .documentAboveLimit(let ttc, let limit):
            return
                "\(document): \(ttc.grouped) TTC is beyond the limit of \(limit.grouped) TTC per document (`limits: max_document_ttc` in the settings)"
        case .negativeInvoice(let ttc):
            return "\(document): an invoice's total cannot be negative (\(ttc.grouped) TTC): make a credit note"
        case .negativeCreditNote(let ttc):
            return "\(document): a credit note's total cannot be negative (\(ttc.grouped) TTC): make an invoice"
        case .negativeCreditLine(let line, let net):
            return "\(document), line \(line): a credit note's lines are positive amounts (\(net.grouped) HT)"
        case .overflow(let overflow):
            return "\(document): \(overflow)"
        case .quantityAboveLimit(let line, let quantity):
            return
                "\(document), line \(line): the quantity \(quantity) is beyond \(AmountLimits.maxQuantityText) (at most 6 digits)"
        case .unitPriceAboveLimit(let line, let price):
            return
                "\(document), line \(line): the unit price \(price) is beyond \(AmountLimits.maxUnitPrice.grouped) (at most 7 digits before the point)"
        }
    }
}
