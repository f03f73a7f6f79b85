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
        guard !f[0].isEmpty else { throw InvoiceError("`\(text)`: the label is empty") }
        return Parsed(label: f[0], quantity: try quantity(f[1], in: text), unitPrice: try price(f[2], in: text), vat: try vat(f[3], in: text))
    }

    /// `line` with the fields given in `text` changed; empty fields keep their
    /// value. The net is recomputed, round(quantity × unit price, 2), when the
    /// quantity or the price changes.
    public static func apply(_ text: String, to line: NewInvoiceLine, note: String) throws -> NewInvoiceLine {
        let f = try fields(text)
        var l = line
        if !f[0].isEmpty { l.label = f[0] }
        if !f[1].isEmpty { l.quantity = try quantity(f[1], in: text, allowZero: true) }
        if !f[2].isEmpty { l.unitPrice = try price(f[2], in: text) }
        if !f[3].isEmpty { l.vat = try vat(f[3], in: text) }
        if !f[1].isEmpty || !f[2].isEmpty { l.net = l.unitPrice.times(l.quantity) }
        l.explanation += (l.explanation.isEmpty ? "" : "; ") + note
        return l
    }

    static func fields(_ text: String) throws -> [String] {
        let f = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard f.count == 4 else { throw InvoiceError("`\(text)`: expected \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\" (4 fields, found \(f.count))") }
        return f
    }

    static func quantity(_ s: String, in text: String, allowZero: Bool = false) throws -> Int {
        guard let q = Int(s), q > 0 || (allowZero && q == 0) else { throw InvoiceError("`\(text)`: the quantity `\(s)` is not a whole number above 0") }
        return q
    }

    static func price(_ s: String, in text: String) throws -> Price {
        guard let p = Price(s) else { throw InvoiceError("`\(text)`: the unit price `\(s)` is not an amount such as 150.00 (at most 4 decimals)") }
        return p
    }

    static func vat(_ s: String, in text: String) throws -> VATRate {
        let rates = VATRate.frenchRates.map(\.description).joined(separator: ", ")
        guard let v = VATRate(s.replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces)), VATRate.frenchRates.contains(v) else {
            throw InvoiceError("`\(text)`: `\(s)` is not a French VAT rate (\(rates))")
        }
        return v
    }
}
