import BillingModel

/// Reading back what the ledger stores as text (ISO days, periods): a value that does not read as its type
/// (written outside Ardoise) is `InvoiceError.malformedStoredValue` naming the record and the field, never a
/// default, a skipped row or a wrong date.
enum StoredValue {
    static func day(_ text: String, _ field: String, of record: @autoclosure () -> String) throws(InvoiceError) -> Day {
        // Read back exactly as written: a day in another form would be rewritten by the next canonical text.
        guard let d = Day(iso: text), d.description == text else {
            throw .malformedStoredValue(document: record(), field: field, value: text)
        }
        return d
    }

    /// Payment terms in the words the engine writes (`45 days, then end of month`), exactly.
    static func paymentTerms(_ text: String, of record: @autoclosure () -> String) throws(InvoiceError)
        -> PaymentTerms
    {
        guard let t = PaymentTerms(description: text), t.description == text else {
            throw .malformedStoredValue(document: record(), field: "payment terms", value: text)
        }
        return t
    }

    /// A period that may not be stored: nil when both days are null, else `period(start, end, …)` (one day
    /// without the other is malformed).
    static func period(
        _ start: String?, _ end: String?, _ field: String, of record: @autoclosure () -> String
    ) throws(InvoiceError) -> Period? {
        if start == nil && end == nil { return nil }
        return try period(start ?? "", end ?? "", field, of: record())
    }

    /// `start..end`, both days, the start not after the end.
    static func period(_ start: String, _ end: String, _ field: String, of record: @autoclosure () -> String)
        throws(InvoiceError) -> Period
    {
        let s = try day(start, field + " start", of: record()), e = try day(end, field + " end", of: record())
        guard s <= e else { throw .malformedStoredValue(document: record(), field: field, value: "\(start)..\(end)") }
        return Period(start: s, end: e)
    }
}

extension Invoice {
    /// How errors name it: its number, or `proforma ID`.
    var storedName: String { number ?? "proforma \(id ?? 0)" }
}

extension StoredInvoice {
    /// A document as read from the ledger: its own days are typed when read (`Invoice.init(from:)`), its lines'
    /// service periods read back here.
    init(checking invoice: Invoice, lines: [InvoiceLine], vat: [InvoiceVAT]) throws(InvoiceError) {
        for l in lines where (l.serviceStart == nil) != (l.serviceEnd == nil) {
            throw .malformedStoredValue(
                document: invoice.storedName, field: "service period of line \(l.position)",
                value: "\(l.serviceStart?.description ?? "")..\(l.serviceEnd?.description ?? "")")
        }
        self.init(invoice: invoice, lines: lines, vat: vat)
    }
}
