import BillingModel
import GRDB

/// What a document refers to besides its own rows, for printing it.
public struct DocumentReferences: Sendable, Hashable {
    /// The invoice a credit note credits.
    public var credited: Invoice?
    /// The event order revision an events invoice bills.
    public var order: EventOrderRevision?
    /// The current revisions of the other orders its lines bill (events grouped on a monthly invoice), in line order.
    public var lineOrders: [EventOrderRevision]
    /// The tickets behind a payer's lines, by line position ("v18 payer breakdown").
    public var lineTickets: [Int: [TicketGroup]]

    public init(
        credited: Invoice? = nil, order: EventOrderRevision? = nil, lineOrders: [EventOrderRevision] = [],
        lineTickets: [Int: [TicketGroup]] = [:]
    ) {
        self.credited = credited
        self.order = order
        self.lineOrders = lineOrders
        self.lineTickets = lineTickets
    }
}

extension LedgerDatabase {
    /// The credited invoice and the event order revision `invoice` names.
    public func references(of invoice: Invoice) throws -> DocumentReferences {
        try engine.read { db in try references(of: invoice, db: db) }
    }

    func references(of invoice: Invoice, db: any SQLSession) throws -> DocumentReferences {
        let credited = try invoice.creditedInvoiceId.flatMap { try db.fetchRecord(Invoice.self, id: $0) }
        var order: EventOrderRevision?
        if let id = invoice.orderId {
            if let revision = invoice.orderRevision {
                order = try db.fetchRecord(
                    EventOrderRevision.self,
                    sql: "SELECT * FROM event_order_revision WHERE order_id = ? AND revision = ?",
                    arguments: [id, revision])
            } else {
                order = try db.fetchRecord(
                    EventOrderRevision.self,
                    sql: """
                        SELECT r.* FROM event_order_revision r
                        JOIN event_order o ON o.order_id = r.order_id AND o.current_revision = r.revision WHERE r.order_id = ?
                        """, arguments: [id])
            }
        }
        var lineOrders: [EventOrderRevision] = []
        if let id = invoice.id {
            let ids = try db.fetchColumn(
                String.self,
                sql: """
                    SELECT order_id FROM invoice_line WHERE invoice_id = ? AND order_id IS NOT NULL GROUP BY order_id ORDER BY MIN(position)
                    """, arguments: [id])
            for orderID in ids where orderID != invoice.orderId {
                if let r = try db.fetchRecord(
                    EventOrderRevision.self,
                    sql: """
                        SELECT r.* FROM event_order_revision r
                        JOIN event_order o ON o.order_id = r.order_id AND o.current_revision = r.revision WHERE r.order_id = ?
                        """, arguments: [orderID])
                {
                    lineOrders.append(r)
                }
            }
        }
        return DocumentReferences(
            credited: credited, order: order, lineOrders: lineOrders,
            lineTickets: try invoice.id.map { try LedgerDatabase.lineTickets(db, id: $0) } ?? [:])
    }

    /// Every document of `status` (of documents overlapping `period` when given)
    /// with its lines, VAT breakdown and references, read in one transaction,
    /// in id order: what rendering a whole month needs.
    public func documentsWithReferences(status: InvoiceStatus, period: Period? = nil) throws -> [(
        StoredInvoice, DocumentReferences
    )] {
        try engine.read { db in
            var sql = "SELECT * FROM invoice WHERE status = ?"
            var arguments: [any SQLArgument] = [status.rawValue]
            if let period {
                sql += " AND period_start <= ? AND period_end >= ?"
                arguments += [period.end.description, period.start.description]
            }
            let invoices = try db.fetchRecords(Invoice.self, sql: sql + " ORDER BY id", arguments: arguments)
            let ids = Set(invoices.compactMap(\.id))
            var lines: [Int64: [InvoiceLine]] = [:]
            for l in try db.fetchRecords(
                InvoiceLine.self, sql: "SELECT * FROM invoice_line ORDER BY invoice_id, position")
            where ids.contains(l.invoiceId) {
                lines[l.invoiceId, default: []].append(l)
            }
            var vat: [Int64: [InvoiceVAT]] = [:]
            for v in try db.fetchRecords(InvoiceVAT.self, sql: "SELECT * FROM invoice_vat ORDER BY invoice_id, rate")
            where ids.contains(v.invoiceId) {
                vat[v.invoiceId, default: []].append(v)
            }
            return try invoices.map { i in
                let id = i.id ?? -1
                return (
                    try StoredInvoice(checking: i, lines: lines[id] ?? [], vat: vat[id] ?? []),
                    try references(of: i, db: db)
                )
            }
        }
    }
}

extension LedgerDatabase {
    /// The live document (waiting or issued) generated for the same period, client and terms as the discarded
    /// proforma `id` (the same generation key): what replaced it. Nil when nothing did.
    public func replacement(ofDiscarded id: Int64) throws -> Invoice? {
        try engine.read { db in
            try db.fetchRecord(
                Invoice.self,
                sql: """
                    SELECT n.* FROM invoice d JOIN invoice n ON n.generation_key = d.generation_key AND n.id <> d.id
                    WHERE d.id = ? AND d.status = 'discarded' AND d.generation_key IS NOT NULL AND n.status <> 'discarded'
                    ORDER BY n.id DESC LIMIT 1
                    """, arguments: [id])
        }
    }
}
