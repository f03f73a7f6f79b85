import BillingModel
import Foundation
import Ledger

/// What validating proformas would give them, said before a person confirms: the number each would take in its
/// series (if nobody else validates in between), the issue date and the due date.
public struct ValidationPreview: Sendable, Hashable {
    public var id: Int64
    public var client: String
    public var kind: DocumentKind
    public var number: String
    public var issueDate: Day
    /// Nil for a credit note: it is owed by nobody.
    public var dueDate: Day?
    public var totalTTC: Money
}

extension Engine {
    /// `stored` as it would be once issued on `day` with the `sequence`-th number of its series.
    func asIssued(_ stored: StoredInvoice, sequence: Int64, on day: Day, now: Date) throws -> StoredInvoice {
        var issued = stored
        let terms = stored.invoice.paymentTerms
        issued.invoice.status = .issued
        issued.invoice.number = format(series: stored.invoice.series).number(sequence)
        issued.invoice.issueDate = day
        issued.invoice.dueDate = max(terms.dueDate(issuedOn: day), day)
        issued.invoice.issuedAt = LedgerDatabase.timestamp(now)
        return issued
    }

    /// The numbers and dates validating `ids` on `day`, in this order, would give; proformas no longer waiting are left out.
    public func previewValidation(ids: [Int64], on day: Day) throws -> [ValidationPreview] {
        var next: [String: Int64] = [:]
        var out: [ValidationPreview] = []
        for id in ids {
            guard let stored = try ledger.invoice(id: id), stored.invoice.status == .proforma else { continue }
            let series = stored.invoice.series
            let n = try next[series] ?? ledger.lastNumber(series: series) + 1
            next[series] = n + 1
            let issued = try asIssued(stored, sequence: n, on: day, now: Date()).invoice
            out.append(
                ValidationPreview(
                    id: id, client: issued.client, kind: issued.type, number: issued.number ?? "", issueDate: day,
                    dueDate: issued.type == .creditNote ? nil : issued.dueDate,
                    totalTTC: Money(cents: issued.totalTtc)))
        }
        return out
    }
}
