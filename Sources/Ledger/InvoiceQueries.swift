import BillingModel
import Diagnostics
import Foundation
import GRDB

// Reading documents, their lines and their audit trail.
extension Ledger {
    public func auditLog(invoiceID: Int64? = nil) throws -> [AuditEntry] {
        try pool.read { db in
            if let invoiceID {
                return try AuditEntry.filter(Column("invoice_id") == invoiceID).order(Column("id")).fetchAll(db)
            }
            return try AuditEntry.order(Column("id")).fetchAll(db)
        }
    }

    public func invoice(id: Int64) throws -> StoredInvoice? {
        try pool.read { db in try Invoice.fetchOne(db, key: id).map { try withLines($0, db) } }
    }

    public func invoice(number: String) throws -> StoredInvoice? {
        try pool.read { db in try Invoice.filter(Invoice.Columns.number == number).fetchOne(db).map { try withLines($0, db) } }
    }

    func withLines(_ i: Invoice, _ db: Database) throws -> StoredInvoice {
        let id = i.id ?? -1
        return try StoredInvoice(checking: i,
                             lines: try InvoiceLine.filter(InvoiceLine.Columns.invoiceId == id).order(InvoiceLine.Columns.position).fetchAll(db),
                             vat: try InvoiceVAT.filter(Column("invoice_id") == id).order(Column("rate")).fetchAll(db))
    }

    /// Documents filtered by status, client and period (overlapping): the billing run's period, or with
    /// `byDocumentPeriod` the document's own (what `invoices list --period` and every output show).
    public func invoices(status: InvoiceStatus? = nil, client: String? = nil, period: Period? = nil,
                         includeDiscarded: Bool = false, byDocumentPeriod: Bool = false) throws -> [Invoice] {
        try pool.read { db in
            var q = Invoice.all()
            if let status { q = q.filter(Invoice.Columns.status == status.rawValue) } else if !includeDiscarded {
                q = q.filter(Invoice.Columns.status != InvoiceStatus.discarded.rawValue)
            }
            if let client { q = q.filter(Invoice.Columns.client == client) }
            if let period, byDocumentPeriod {
                q = q.filter(Column("service_start") <= period.end.description && Column("service_end") >= period.start.description)
            } else if let period {
                q = q.filter(Invoice.Columns.periodStart <= period.end.description && Invoice.Columns.periodEnd >= period.start.description)
            }
            return try q.order(Invoice.Columns.id).fetchAll(db)
        }
    }

    /// Every live document with its lines, for a client and exactly a period (corrections compare against them).
    public func documents(client: String, period: Period, statuses: [InvoiceStatus]) throws -> [StoredInvoice] {
        try pool.read { db in
            try Invoice.filter(Invoice.Columns.client == client && Invoice.Columns.periodStart == period.start.description
                               && Invoice.Columns.periodEnd == period.end.description
                               && statuses.map(\.rawValue).contains(Invoice.Columns.status))
                .order(Invoice.Columns.id).fetchAll(db).map { try withLines($0, db) }
        }
    }

    /// Documents of one event order.
    public func documents(orderID: String) throws -> [StoredInvoice] {
        try pool.read { db in
            try Invoice.filter(Invoice.Columns.orderId == orderID && Invoice.Columns.status != InvoiceStatus.discarded.rawValue)
                .order(Invoice.Columns.id).fetchAll(db).map { try withLines($0, db) }
        }
    }
}

extension Ledger {
    /// The numbers of issued documents that billed revenue from these register files
    /// (named in an import conflict).
    public func invoiceNumbers(billedFrom fileIDs: [Int64]) throws -> [String] {
        guard !fileIDs.isEmpty else { return [] }
        return try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT v.number FROM invoice_site_day i JOIN invoice v ON v.id = i.invoice_id
                WHERE v.status = 'issued' AND i.file_id IN (\(fileIDs.map { _ in "?" }.joined(separator: ",")))
                ORDER BY v.number
                """, arguments: StatementArguments(fileIDs))
        }
    }
}

extension Ledger {
    /// A document by its id (`12`) or its number (`FA-2026-000012`), as users type them.
    public func invoice(idOrNumber text: String) throws -> StoredInvoice? {
        if let id = Int64(text), let found = try invoice(id: id) { return found }
        return try invoice(number: text)
    }
}
