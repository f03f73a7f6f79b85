import BillingModel
import Foundation
import Ledger

/// Invoice lines as finance staff type them on the command line:
/// `LABEL|QUANTITY|UNIT PRICE HT|VAT %`, e.g. `Prestation exceptionnelle|2|150.00|20`.
public enum LineText {
    public struct Parsed: Sendable, Equatable {
        public var label: String
        public var quantity: Int
        public var unitPrice: Price
        public var vat: VATRate
        public init(label: String, quantity: Int, unitPrice: Price, vat: VATRate) {
            self.label = label
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.vat = vat
        }
    }

    /// A whole line; every field required.
    public static func parse(_ text: String) throws -> Parsed {
        let f = try fields(text)
        guard !f[0].isEmpty else { throw InvoiceError.lineText(text: text, problem: .emptyLabel) }
        return Parsed(
            label: f[0], quantity: try quantity(f[1], in: text), unitPrice: try price(f[2], in: text),
            vat: try vat(f[3], in: text))
    }

    /// `line` with the fields given in `text` changed, recorded as edited by `who` for `reason`; empty fields
    /// keep their value. The net is recomputed, round(quantity × unit price, 2), when the quantity or the price changes.
    public static func apply(_ text: String, to line: NewInvoiceLine, editedBy who: String, reason: String) throws
        -> NewInvoiceLine
    {
        let f = try fields(text)
        var l = line
        if !f[0].isEmpty { l.label = f[0] }
        if !f[1].isEmpty { l.quantity = try quantity(f[1], in: text, allowZero: true) }
        // A price typed in is the price: no discount from an order's price stands beside it any more.
        if !f[2].isEmpty { l.unitPrice = try price(f[2], in: text); l.grossUnitPrice = nil }
        if !f[3].isEmpty { l.vat = try vat(f[3], in: text) }
        if !f[1].isEmpty || !f[2].isEmpty {
            do { l.net = try l.unitPrice.times(l.quantity) } catch {
                throw InvoiceError.lineText(text: text, problem: .overflow(error))
            }
        }
        return l.edited(by: who, reason: reason)
    }

    static func fields(_ text: String) throws -> [String] {
        let f = text.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard f.count == 4 else { throw InvoiceError.lineText(text: text, problem: .fieldCount(f.count)) }
        return f
    }

    /// Checks the fields given of a line, as `apply` reads them, without a line to apply them to.
    public static func check(partial text: String) throws {
        let f = try fields(text)
        if !f[1].isEmpty { _ = try quantity(f[1], in: text, allowZero: true) }
        if !f[2].isEmpty { _ = try price(f[2], in: text) }
        if !f[3].isEmpty { _ = try vat(f[3], in: text) }
    }

    /// A quantity of at most 6 digits, as the import formats: with a bounded
    /// price its net always fits, and so do the sums of many lines.
    static func quantity(_ s: String, in text: String, allowZero: Bool = false) throws -> Int {
        // Digits too many for an Int are past the bound too, and said so.
        let digits = !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber }
        guard let q = Int(s) ?? (digits ? Int.max : nil), q > 0 || (allowZero && q == 0) else {
            throw InvoiceError.lineText(text: text, problem: .quantityNotWhole(s))
        }
        guard q <= AmountLimits.maxQuantity else {
            throw InvoiceError.lineText(text: text, problem: .quantityPastBound(s))
        }
        return q
    }

    /// A unit price of at most 7 digits before the point and 4 after, as the import formats.
    static func price(_ s: String, in text: String) throws -> Price {
        guard let p = Price(s) else {
            // A well-formed number too large for a price is past the bound, and said so.
            if s.range(of: #"^[-+]?[0-9]+(\.[0-9]{1,4})?$"#, options: .regularExpression) != nil {
                throw InvoiceError.lineText(text: text, problem: .unitPricePastBound(s))
            }
            throw InvoiceError.lineText(text: text, problem: .unitPriceNotAmount(s))
        }
        guard p.tenThousandths.magnitude <= AmountLimits.maxUnitPrice.tenThousandths.magnitude else {
            throw InvoiceError.lineText(text: text, problem: .unitPricePastBound(s))
        }
        return p
    }

    static func vat(_ s: String, in text: String) throws -> VATRate {
        guard let v = VATRate(s.replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces)),
            VATRate.frenchRates.contains(v)
        else {
            throw InvoiceError.lineText(text: text, problem: .notFrenchRate(s))
        }
        return v
    }
}
