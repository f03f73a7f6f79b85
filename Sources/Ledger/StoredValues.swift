import BillingModel

/// Reading back what the ledger stores as text (ISO days, periods): a value that does not read as its type
/// (written outside Ardoise) is `InvoiceError.malformedStoredValue` naming the record and the field, never a
/// default, a skipped row or a wrong date.
enum StoredValue {
    static func day(_ text: String, _ field: String, of record: @autoclosure () -> String) throws(InvoiceError) -> Day {
        guard let d = Day(iso: text) else { throw .malformedStoredValue(document: record(), field: field, value: text) }
        return d
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

    public func storedIssueDay() throws(InvoiceError) -> Day {
        try StoredValue.day(issueDate, "issue date", of: storedName)
    }
    public func storedDueDay() throws(InvoiceError) -> Day { try StoredValue.day(dueDate, "due date", of: storedName) }
    /// The billing run's period (`period_start`, `period_end`).
    public func storedPeriod() throws(InvoiceError) -> Period {
        try StoredValue.period(periodStart, periodEnd, "period", of: storedName)
    }

    /// Every date it stores reads back (the document's period, when stored, too).
    func checkStoredValues() throws(InvoiceError) {
        _ = try storedIssueDay()
        _ = try storedDueDay()
        _ = try storedPeriod()
        if serviceStart != nil || serviceEnd != nil {
            _ = try StoredValue.period(serviceStart ?? "", serviceEnd ?? "", "document period", of: storedName)
        }
    }
}

extension InvoiceLine {
    /// The line's service period; nil when it stores none (both days null).
    public func storedServicePeriod(of document: String) throws(InvoiceError) -> Period? {
        guard serviceStart != nil || serviceEnd != nil else { return nil }
        return try StoredValue.period(
            serviceStart ?? "", serviceEnd ?? "", "service period of line \(position)", of: document)
    }
}

extension StoredInvoice {
    /// A document as read from the ledger, every stored date checked to read back.
    init(checking invoice: Invoice, lines: [InvoiceLine], vat: [InvoiceVAT]) throws(InvoiceError) {
        try invoice.checkStoredValues()
        for l in lines { _ = try l.storedServicePeriod(of: invoice.storedName) }
        self.init(invoice: invoice, lines: lines, vat: vat)
    }
}
