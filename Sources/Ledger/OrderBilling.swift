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

extension LedgerDatabase {
    /// Orders the engine must look at on `day`: delivered up to that day and
    /// with a current revision not settled yet (`settledRevision`), or with an
    /// events document still waiting as a proforma (a credit note issued
    /// without its new invoice settles nothing). A revision
    /// with no delivery time of its own (typically a cancellation) keeps the
    /// delivery day of the revision before it, so an order cancelled after
    /// delivery is still followed. An order whose current revision was
    /// delivered again with other content (an open import conflict) is held.
    ///
    /// `from` leaves out orders delivered before it, `clients` the orders of other clients: the engine asks for
    /// the orders it can bill (clients with an events term) and the closing for its month's, not for every
    /// order of the history that no term will ever bill.
    public func ordersToBill(upTo day: Day, from: Day? = nil, clients: Set<String>? = nil) throws
        -> [EventOrderSnapshot]
    {
        try engine.read { db in
            let rows = try db.fetchAll(
                sql: """
                    SELECT * FROM (
                      SELECT r.*, COALESCE(r.delivered_day,
                               (SELECT p.delivered_day FROM event_order_revision p
                                WHERE p.order_id = r.order_id AND p.revision < r.revision AND p.delivered_day IS NOT NULL
                                ORDER BY p.revision DESC LIMIT 1)) AS effective_day
                      FROM event_order o JOIN event_order_revision r ON r.order_id = o.order_id AND r.revision = o.current_revision
                      WHERE (CAST(?2 AS TEXT) IS NULL OR r.client IN (\(db.sql(sqlite: "SELECT value FROM json_each(?2)",
                                                             postgres: "SELECT value FROM json_array_elements_text(CAST(?2 AS TEXT)::json)"))))) cur
                    WHERE cur.effective_day IS NOT NULL AND cur.effective_day <= ?1 AND cur.effective_day >= ?3
                      AND NOT \(LedgerDatabase.orderConflictSQL(order: "cur.order_id", revision: "cur.revision"))
                      AND (cur.revision > \(LedgerDatabase.settledRevisionSQL("cur.order_id", db.kind))
                           OR EXISTS (SELECT 1 FROM invoice v WHERE v.order_id = cur.order_id AND v.status = 'proforma' AND v.origin = 'events'))
                    ORDER BY cur.effective_day, cur.order_id
                    """,
                arguments: [
                    day.ordinal, clients.map { LedgerDatabase.jsonArray($0.sorted()) }, from?.ordinal ?? Int.min
                ])
            return try rows.map { row in
                var r = try row.decode(EventOrderRevision.self)
                r.deliveredDay = try row["effective_day"]
                return EventOrderSnapshot(
                    revision: r,
                    lines: try db.fetchRecords(
                        EventOrderLine.self,
                        sql: """
                            SELECT * FROM event_order_line WHERE revision_id = ? ORDER BY line_no
                            """, arguments: [r.id]))
            }
        }
    }

    /// The latest revision of an order the engine has settled: billed by an
    /// issued document (a line records the revision it priced; lines stored
    /// before "v5 order revisions" count their document's revision), or
    /// checked and found to bill nothing new. 0 when none.
    static func settledRevisionSQL(_ orderColumn: String, _ kind: SQLEngineKind = .sqlite) -> String {
        """
        \(kind == .sqlite ? "MAX" : "GREATEST")(COALESCE((SELECT MAX(COALESCE(l.order_revision, v.order_revision, 0)) FROM invoice_line l
                      JOIN invoice v ON v.id = l.invoice_id
                      WHERE l.order_id = \(orderColumn) AND v.status = 'issued'), 0),
            COALESCE((SELECT MAX(c.revision) FROM event_order_checked c WHERE c.order_id = \(orderColumn)), 0))
        """
    }

    public func settledRevision(orderID: String) throws -> Int {
        try engine.read { db in
            try db.fetchValue(
                Int.self, sql: "SELECT \(LedgerDatabase.settledRevisionSQL("?", db.kind))",
                arguments: [orderID, orderID]) ?? 0
        }
    }

    /// One revision of an order as it was received, with its lines.
    public func orderRevision(orderID: String, revision: Int) throws -> EventOrderSnapshot? {
        try engine.read { db in
            guard
                let r = try db.fetchRecord(
                    EventOrderRevision.self,
                    sql: "SELECT * FROM event_order_revision WHERE order_id = ? AND revision = ?",
                    arguments: [orderID, revision])
            else { return nil }
            return EventOrderSnapshot(
                revision: r,
                lines: try db.fetchRecords(
                    EventOrderLine.self,
                    sql: """
                        SELECT * FROM event_order_line WHERE revision_id = ? ORDER BY line_no
                        """, arguments: [r.id]))
        }
    }

    /// Records that a revision of an order was looked at and bills nothing
    /// new: the engine will not look at the order again before a newer
    /// revision arrives (audited).
    public func markOrderChecked(
        orderID: String, revision: Int, _ settlement: OrderSettlement, actor: String, at date: Date = Date()
    ) throws {
        let now = LedgerDatabase.timestamp(date)
        try engine.write { db in
            try db.execute(
                sql:
                    "INSERT INTO event_order_checked(order_id, revision, checked_at, reason) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [orderID, revision, now, settlement.code])
            if db.changesCount > 0 {
                try appendAudit(
                    db, at: now, actor: actor, action: "settle", invoiceID: nil,
                    AuditParameters([
                        "order": .text(orderID), "revision": .of(revision), "cause": .text(settlement.code),
                        "same_as": .of(settlement.sameAsRevision)
                    ]))
            }
        }
    }

    /// Whether a live proforma of a contract's periodic billing carries the
    /// order (a grouped order waiting with its month).
    public func orderInContractProforma(orderID: String) throws -> Bool {
        try engine.read { db in
            try db.fetchValue(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id
                                   WHERE l.order_id = ? AND v.status = 'proforma' AND v.origin = 'contract')
                    """, arguments: [orderID]) ?? false
        }
    }

    /// The live (proforma or issued) document of a generation key, if any.
    public func liveDocument(generationKey: String) throws -> Invoice? {
        try engine.read { db in
            try db.fetchRecord(
                Invoice.self, sql: "SELECT * FROM invoice WHERE generation_key = ? AND status <> 'discarded'",
                arguments: [generationKey])
        }
    }

    /// Every line of issued documents that billed the order, oldest first.
    public func issuedLines(orderID: String) throws -> [BilledOrderLine] {
        try engine.read { db in
            let invoices = try db.fetchRecords(
                Invoice.self,
                sql: """
                    SELECT DISTINCT v.* FROM invoice v JOIN invoice_line l ON l.invoice_id = v.id
                    WHERE l.order_id = ? AND v.status = 'issued' ORDER BY v.id
                    """, arguments: [orderID])
            var out: [BilledOrderLine] = []
            for i in invoices {
                for l in try db.fetchRecords(
                    InvoiceLine.self,
                    sql: "SELECT * FROM invoice_line WHERE invoice_id = ? AND order_id = ? ORDER BY position",
                    arguments: [i.id, orderID])
                {
                    out.append(BilledOrderLine(invoice: i, line: l))
                }
            }
            return out
        }
    }

    /// Settles a client's late revenue that changes no amount: its site-days
    /// are recorded as checked at their current version, with no document.
    public func settleWithoutDocument(client: String, siteDays: [SiteDayKey], actor: String, at date: Date = Date())
        throws
    {
        let now = LedgerDatabase.timestamp(date)
        try engine.write { db in
            for k in siteDays {
                try db.execute(
                    sql: """
                        INSERT INTO late_revenue_checked(client, site, day, file_id, checked_at)
                        SELECT ?, site, day, current_file_id, ? FROM site_day WHERE site = ? AND day = ?
                        ON CONFLICT DO NOTHING
                        """, arguments: [client, now, k.site, k.day.ordinal])
            }
            try appendAudit(
                db, at: now, actor: actor, action: "settle", invoiceID: nil,
                AuditParameters([
                    "cause": .text("late-revenue-unchanged"), "client": .text(client),
                    "site_days": .of(siteDays.count)
                ]))
        }
    }

    /// Of these generation keys, those whose documents were all discarded (none live).
    public func discardedGenerationKeys(_ keys: Set<String>) throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try engine.read { db in
            // From the keys asked about (the index of discarded keys, "v17 history bounds"), not every discarded document.
            let found = try db.fetchColumn(
                String.self,
                sql: """
                    SELECT k.value FROM (\(db.stringsOfJSONArgument)) k
                    WHERE EXISTS (SELECT 1 FROM invoice d WHERE d.generation_key = k.value AND d.status = 'discarded')
                      AND NOT EXISTS (SELECT 1 FROM invoice l WHERE l.generation_key = k.value AND l.status <> 'discarded')
                    """, arguments: [LedgerDatabase.jsonArray(keys.sorted())])
            return Set(found)
        }
    }

    /// The live credit notes (issued or proforma) that credit an invoice, with their lines.
    public func creditNotes(of invoiceID: Int64) throws -> [StoredInvoice] {
        try engine.read { db in
            try db.fetchRecords(
                Invoice.self,
                sql: """
                    SELECT * FROM invoice WHERE credited_invoice_id = ? AND type = 'credit_note' AND status <> 'discarded' ORDER BY id
                    """, arguments: [invoiceID]
            ).map { try withLines($0, db) }
        }
    }
}

/// Why a revision of an event order was settled without a document.
public enum OrderSettlement: Sendable, Equatable {
    /// Cancelled before it was invoiced.
    case cancelledBeforeInvoiced
    /// The same lines as the revision settled before (a new purchase-order number bills nothing).
    case sameLines(asRevision: Int)
    /// It bills the same amounts as what was issued.
    case sameAmounts

    /// The code stored (`event_order_checked.reason`, the audit entry's `cause`).
    public var code: String {
        switch self {
        case .cancelledBeforeInvoiced: "cancelled-before-invoiced"
        case .sameLines: "same-lines"
        case .sameAmounts: "same-amounts"
        }
    }

    var sameAsRevision: Int? { if case .sameLines(let r) = self { r } else { nil } }
}
