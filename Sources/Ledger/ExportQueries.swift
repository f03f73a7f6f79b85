import BillingModel
import Foundation

// The control exports' named queries. Each reads inside one read transaction and streams its rows in the
// order the sheets need; the scope of clients (nil: every client) is part of each query's WHERE clause.

/// An issued document of the restaurants export.
public struct ExportDocument: Sendable, Hashable {
    public var id: Int64, number: String, creditNote: Bool, origin: String, client: String, payer: String?,
        site: String?
    /// The service period's first and last days.
    public var serviceStart: Day, serviceEnd: Day
    public var totalHT: Int64, totalVAT: Int64, totalTTC: Int64
}

/// A line of an exported document, as stored (net positive on credit notes too).
public struct ExportDocumentLine: Sendable, Hashable {
    public var invoiceID: Int64, position: Int, label: String, quantity: Int64, unitPrice: Int64, net: Int64,
        vatRate: Int64
    public var revenueType: String?, site: String?, serviceStart: Day?, serviceEnd: Day?
}

/// A client-site-day a contract document recorded.
public struct ExportBilledSiteDay: Sendable, Hashable {
    public var invoiceID: Int64, client: String, site: String, day: Int
}

/// A ticket line of a client in the register file version a contract document recorded for its site-day.
public struct ExportTicketLine: Sendable, Hashable {
    public var client: String, site: String, day: Int, badge: String?, category: String, ticket: String,
        activity: String
    public var article: String, label: String, quantity: Int64, unitPrice: Int64, vatRate: Int64, amount: Int64,
        employerShare: Int64
}

/// The restaurants export's reads (`LedgerDatabase.readRestaurantsExport`).
public struct RestaurantsExportReader {
    let db: any SQLSession
    let scope: String
    let arguments: [SQLValue]

    /// The issued documents of the restaurants whose period ends in the period: all but event invoices and the
    /// credit notes of event invoices; by client, period start, number.
    public func documents(_ body: (ExportDocument) throws -> Void) throws {
        try db.forEachStreamed(
            sql: """
                SELECT i.id, i.number, i.type, i.origin, i.client, i.payer, i.site, i.service_start, i.service_end,
                       i.total_ht, i.total_vat, i.total_ttc
                FROM invoice i WHERE \(scope) ORDER BY i.client, i.period_start, i.number
                """, arguments: arguments
        ) { r in
            let number: String = try r[1]
            let service = try StoredValue.period(try r[7], try r[8], "document period", of: number)
            try body(
                ExportDocument(
                    id: r[0], number: number, creditNote: (r[2] as String) == "credit_note", origin: r[3], client: r[4],
                    payer: r[5], site: r[6], serviceStart: service.start, serviceEnd: service.end, totalHT: r[9],
                    totalVAT: r[10], totalTTC: r[11]))
        }
    }

    /// The lines of those documents, by document and position.
    public func lines(_ body: (ExportDocumentLine) throws -> Void) throws {
        try db.forEachStreamed(
            sql: """
                SELECT l.invoice_id, l.position, l.label, l.quantity, l.unit_price, l.net, l.vat_rate, l.revenue_type, l.site,
                       l.service_start, l.service_end
                FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id WHERE \(scope) ORDER BY l.invoice_id, l.position
                """, arguments: arguments
        ) { r in
            let id: Int64 = try r[0], position: Int = try r[1]
            let start: String? = try r[9], end: String? = try r[10]
            let service = try StoredValue.period(
                start, end, "service period of line \(position)", of: "document \(id)")
            try body(
                ExportDocumentLine(
                    invoiceID: id, position: position, label: r[2], quantity: r[3], unitPrice: r[4], net: r[5],
                    vatRate: r[6], revenueType: r[7], site: r[8], serviceStart: service?.start,
                    serviceEnd: service?.end))
        }
    }

    /// The site-days the contract documents among them recorded, by document (creation order), site and day: a
    /// ticket line no invoice line bills keeps the first document of its site-day, the same on both engines.
    public func contractSiteDays(_ body: (ExportBilledSiteDay) throws -> Void) throws {
        try db.forEachStreamed(
            sql: """
                SELECT s.invoice_id, s.client, s.site, s.day FROM invoice_site_day s JOIN invoice i ON i.id = s.invoice_id
                WHERE \(scope) AND i.origin = 'contract' ORDER BY s.invoice_id, s.site, s.day
                """, arguments: arguments
        ) { r in
            try body(ExportBilledSiteDay(invoiceID: r[0], client: r[1], site: r[2], day: r[3]))
        }
    }

    /// The ticket lines those site-days billed, in order: client, site, day, badge, ticket.
    public func billedTickets(_ body: (ExportTicketLine) throws -> Void) throws {
        try db.forEachStreamed(
            sql: """
                WITH billed(client, file_id) AS (
                  SELECT DISTINCT s.client, s.file_id FROM invoice_site_day s JOIN invoice i ON i.id = s.invoice_id
                  WHERE \(scope) AND i.origin = 'contract')
                SELECT t.client, t.site, t.day, t.badge, t.category, t.ticket, t.activity, t.article, t.label, t.quantity,
                       t.unit_price, t.vat_rate, t.amount, t.employer_share
                FROM billed b JOIN ticket_line t ON t.file_id = b.file_id AND t.client = b.client
                ORDER BY t.client, t.site, t.day, t.badge NULLS FIRST, t.ticket, t.line
                """, arguments: arguments
        ) { r in
            try body(
                ExportTicketLine(
                    client: r[0], site: r[1], day: r[2], badge: r[3], category: r[4], ticket: r[5], activity: r[6],
                    article: r[7], label: r[8], quantity: r[9], unitPrice: r[10], vatRate: r[11], amount: r[12],
                    employerShare: r[13]))
        }
    }

    /// The condition on `invoice i` that keeps the restaurants' documents: all but event invoices and the credit
    /// notes of event invoices.
    static let restaurantDocuments = """
        (i.origin IN ('contract', 'correction', 'manual')
         OR (i.origin = 'credit' AND COALESCE((SELECT c.origin FROM invoice c WHERE c.id = i.credited_invoice_id), '') <> 'events'))
        """
}

/// A line of an issued document that bills an event order.
public struct ExportEventDocumentLine: Sendable, Hashable {
    public var orderID: String, revision: Int?, number: String, creditNote: Bool, issueDate: Day, position: Int,
        label: String
    public var quantity: Int64, unitPrice: Int64, net: Int64, vatRate: Int64
}

/// A line of an event order revision.
public struct ExportEventOrderLine: Sendable, Hashable {
    public var revisionID: Int64, orderID: String, revision: Int64, lineNo: Int64, article: String, label: String
    public var quantity: Int, unitPrice: Int64, vatRate: Int64
}

/// A revision of an event order, beside the order's current revision.
public struct ExportEventRevision: Sendable, Hashable {
    public var id: Int64, orderID: String, revision: Int, currentRevision: Int, client: String, site: String,
        status: String
    public var eventDate: Int, deliveredDay: Int?, poNumber: String?, orderedBy: String?, costCenter: String?
}

/// The events export's reads (`LedgerDatabase.readEventsExport`): the orders of the period (an event date or a delivery
/// in it, or an issued document for it issued in it), every revision.
public struct EventsExportReader {
    let db: any SQLSession
    let scope: String
    let arguments: [SQLValue]

    /// The issued document lines of those orders, by order, issue instant, document and position.
    public func documentLines(_ body: (ExportEventDocumentLine) throws -> Void) throws {
        try db.forEachStreamed(
            sql: """
                SELECT l.order_id, COALESCE(l.order_revision, i.order_revision), i.number, i.type, i.issue_date, l.position, l.label,
                       l.quantity, l.unit_price, l.net, l.vat_rate
                FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
                WHERE i.status = 'issued' AND l.order_id IN (\(scope))
                ORDER BY l.order_id, i.issued_at, i.id, l.position
                """, arguments: arguments
        ) { r in
            let number: String = try r[2]
            try body(
                ExportEventDocumentLine(
                    orderID: r[0], revision: r[1], number: number, creditNote: (r[3] as String) == "credit_note",
                    issueDate: try StoredValue.day(r[4], "issue date", of: number), position: r[5], label: r[6],
                    quantity: r[7], unitPrice: r[8], net: r[9],
                    vatRate: r[10]))
        }
    }

    /// The lines of every revision of those orders, by order, revision and line.
    public func orderLines(_ body: (ExportEventOrderLine) throws -> Void) throws {
        try db.forEachStreamed(
            sql: """
                SELECT r.id, r.order_id, r.revision, l.line_no, l.article, l.label, l.quantity, l.unit_price, l.vat_rate
                FROM event_order_revision r JOIN event_order_line l ON l.revision_id = r.id
                WHERE r.order_id IN (\(scope)) ORDER BY r.order_id, r.revision, l.line_no
                """, arguments: arguments
        ) { r in
            try body(
                ExportEventOrderLine(
                    revisionID: r[0], orderID: r[1], revision: r[2], lineNo: r[3], article: r[4], label: r[5],
                    quantity: r[6], unitPrice: r[7], vatRate: r[8]))
        }
    }

    /// Every revision of those orders, by order and revision.
    public func revisions(_ body: (ExportEventRevision) throws -> Void) throws {
        try db.forEachStreamed(
            sql: """
                SELECT r.id, r.order_id, r.revision, o.current_revision, r.client, r.site, r.status, r.event_date, r.delivered_day,
                       r.po_number, r.ordered_by, r.cost_center
                FROM event_order_revision r JOIN event_order o ON o.order_id = r.order_id
                WHERE r.order_id IN (\(scope)) ORDER BY r.order_id, r.revision
                """, arguments: arguments
        ) { r in
            try body(
                ExportEventRevision(
                    id: r[0], orderID: r[1], revision: r[2], currentRevision: r[3], client: r[4], site: r[5],
                    status: r[6], eventDate: r[7], deliveredDay: r[8], poNumber: r[9], orderedBy: r[10],
                    costCenter: r[11]))
        }
    }
}

extension LedgerDatabase {
    /// The restaurants export's documents, lines, billed site-days and ticket lines of `period`, in one read
    /// transaction; `clients`: only these clients' documents (nil: every client).
    public func readRestaurantsExport<T>(
        period: Period, clients: Set<String>?, _ body: (RestaurantsExportReader) throws -> T
    ) throws -> T {
        try engine.read { db in
            var arguments: [SQLValue] = [.text(period.start.description), .text(period.end.description)]
            var scope =
                "i.status = 'issued' AND i.period_end BETWEEN ? AND ? AND "
                + RestaurantsExportReader.restaurantDocuments
            if let clients {
                scope += " AND i.client IN (\(db.stringsOfJSONArgument))"
                arguments.append(.text(LedgerDatabase.jsonArray(clients.sorted())))
            }
            return try body(RestaurantsExportReader(db: db, scope: scope, arguments: arguments))
        }
    }

    /// The events export's orders of `period`, in one read transaction; `clients`: only these clients' orders.
    public func readEventsExport<T>(period: Period, clients: Set<String>?, _ body: (EventsExportReader) throws -> T)
        throws -> T
    {
        let s = period.start, e = period.end
        let inPeriod = """
            SELECT order_id FROM event_order_revision WHERE event_date BETWEEN \(s.ordinal) AND \(e.ordinal)
                                                         OR delivered_day BETWEEN \(s.ordinal) AND \(e.ordinal)
            UNION SELECT l.order_id FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
            WHERE i.status = 'issued' AND l.order_id IS NOT NULL AND i.issue_date BETWEEN '\(s)' AND '\(e)'
            """
        return try engine.read { db in
            // The clients travel as one JSON argument, bound in each query that reads `scope`.
            let scope =
                clients == nil
                ? inPeriod
                : """
                SELECT order_id FROM (\(inPeriod)) AS in_period WHERE order_id IN
                  (SELECT order_id FROM event_order_revision WHERE client IN (\(db.stringsOfJSONArgument)))
                """
            let arguments: [SQLValue] = clients.map { [.text(LedgerDatabase.jsonArray($0.sorted()))] } ?? []
            return try body(EventsExportReader(db: db, scope: scope, arguments: arguments))
        }
    }
}
