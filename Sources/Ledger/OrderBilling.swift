import BillingModel
import Foundation
import GRDB

/// A line of an issued document that billed an event order, with the document's sign.
public struct BilledOrderLine: Sendable, Hashable {
    public var invoice: Invoice
    public var line: InvoiceLine
    /// +1 for an invoice, -1 for a credit note.
    public var sign: Int64 { invoice.type == .creditNote ? -1 : 1 }
}

extension Ledger {
    /// Orders the engine must look at on `day`: delivered up to that day and
    /// never issued, or changed (a newer revision) since their last document.
    public func ordersToBill(upTo day: Day) throws -> [EventOrderSnapshot] {
        try pool.read { db in
            let revisions = try EventOrderRevision.fetchAll(db, sql: """
                SELECT r.* FROM event_order o
                JOIN event_order_revision r ON r.order_id = o.order_id AND r.revision = o.current_revision
                WHERE r.delivered_day IS NOT NULL AND r.delivered_day <= ?
                  AND (NOT EXISTS (SELECT 1 FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id
                                   WHERE l.order_id = o.order_id AND v.status = 'issued')
                       OR (o.current_revision > 1
                           AND NOT EXISTS (SELECT 1 FROM invoice v WHERE v.order_id = o.order_id AND v.status = 'issued'
                                             AND v.order_revision = o.current_revision)))
                ORDER BY r.delivered_day, r.order_id
                """, arguments: [day.ordinal])
            return try revisions.map { r in
                EventOrderSnapshot(revision: r, lines: try EventOrderLine.filter(EventOrderLine.Columns.revisionId == r.id)
                    .order(EventOrderLine.Columns.lineNo).fetchAll(db))
            }
        }
    }

    /// Every line of issued documents that billed the order, oldest first.
    public func issuedLines(orderID: String) throws -> [BilledOrderLine] {
        try pool.read { db in
            let invoices = try Invoice.fetchAll(db, sql: """
                SELECT DISTINCT v.* FROM invoice v JOIN invoice_line l ON l.invoice_id = v.id
                WHERE l.order_id = ? AND v.status = 'issued' ORDER BY v.id
                """, arguments: [orderID])
            var out: [BilledOrderLine] = []
            for i in invoices {
                for l in try InvoiceLine.filter(InvoiceLine.Columns.invoiceId == i.id! && Column("order_id") == orderID)
                    .order(InvoiceLine.Columns.position).fetchAll(db) {
                    out.append(BilledOrderLine(invoice: i, line: l))
                }
            }
            return out
        }
    }

    /// Settles a client's late revenue that changes no amount: its site-days
    /// are recorded as checked at their current version, with no document.
    public func settleWithoutDocument(client: String, siteDays: [SiteDayKey], actor: String, at date: Date = Date()) throws {
        let now = Ledger.timestamp(date)
        try pool.write { db in
            for k in siteDays {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO late_revenue_checked(client, site, day, file_id, checked_at)
                    SELECT ?, site, day, current_file_id, ? FROM site_day WHERE site = ? AND day = ?
                    """, arguments: [client, now, k.site, k.day.ordinal])
            }
            try appendAudit(db, at: now, actor: actor, action: "settle", invoiceID: nil,
                            details: "late revenue of \(client) on \(siteDays.count) site-days changes no amount: no document")
        }
    }

    /// Of these generation keys, those whose documents were all discarded (none live).
    public func discardedGenerationKeys(_ keys: Set<String>) throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try pool.read { db in
            let found = try String.fetchAll(db, sql: """
                SELECT DISTINCT generation_key FROM invoice d WHERE status = 'discarded' AND generation_key IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM invoice l WHERE l.generation_key = d.generation_key AND l.status <> 'discarded')
                """)
            return Set(found).intersection(keys)
        }
    }

    /// The live credit notes (issued or proforma) that credit an invoice, with their lines.
    public func creditNotes(of invoiceID: Int64) throws -> [StoredInvoice] {
        try pool.read { db in
            try Invoice.fetchAll(db, sql: """
                SELECT * FROM invoice WHERE credited_invoice_id = ? AND type = 'credit_note' AND status <> 'discarded' ORDER BY id
                """, arguments: [invoiceID]).map { try withLines($0, db) }
        }
    }
}
