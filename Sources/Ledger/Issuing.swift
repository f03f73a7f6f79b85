import BillingModel
import Diagnostics
import Foundation
import GRDB

// Issuing: numbering, dates and freezing of a proforma in one durable transaction.

/// One proforma to issue in a batch (`issueEach`): what `issue` takes for it, and an audit entry to write with it
/// (its parameters get the document's number), in the same savepoint.
public struct IssueRequest: Sendable {
    public var id: Int64
    public var day: Day
    public var dueDate: Day
    public var format: SeriesFormat
    public var mail: OutboxRequest?
    public var render: DocumentRenderer?
    public var revenue: [RevenueHash]
    public var audit: (action: String, parameters: AuditParameters)?

    public init(
        id: Int64, day: Day, dueDate: Day, format: SeriesFormat, mail: OutboxRequest? = nil,
        render: DocumentRenderer? = nil, revenue: [RevenueHash] = [],
        audit: (action: String, parameters: AuditParameters)? = nil
    ) {
        self.id = id
        self.day = day
        self.dueDate = dueDate
        self.format = format
        self.mail = mail
        self.render = render
        self.revenue = revenue
        self.audit = audit
    }
}

extension LedgerDatabase {
    /// Issues a proforma: the next number of its series (no gap, even under
    /// concurrent validations: numbering and issuing are one transaction),
    /// the issue date, the due date; from then on it never changes. Refused
    /// when the revenue it billed was corrected since it was generated, or
    /// an event order it prices has a newer revision.
    /// With `mail`, the document's e-mail is queued in the outbox in the same
    /// transaction: issued and queued together, or neither. With `render`,
    /// its PDF and XML are rendered, stored and chained in that transaction
    /// too (`issued_document`): what is served and sent later is those bytes. `revenue`: the hashes of the
    /// revenue it bills, computed before (`revenueHashes`); what they do not cover is hashed here.
    @discardableResult
    public func issue(
        id: Int64, on day: Day, dueDate: Day, format: SeriesFormat, actor: String, at date: Date = Date(),
        mail: OutboxRequest? = nil, posting: SalesPosting, render: DocumentRenderer? = nil,
        revenue: [RevenueHash] = []
    ) throws -> String {
        try engine.durableWrite { db in
            try issue(
                id: id, on: day, dueDate: dueDate, format: format, actor: actor, at: date, mail: mail, posting: posting,
                render: render, revenue: revenue, db: db)
        }
    }

    /// Issues several proformas in one durable transaction, each as `issue` does and in a savepoint of its own: one
    /// refused (its error in its place in the result) leaves nothing of it written, and the others are issued, their
    /// numbers following without a gap. One commit (one sync to disk) for the batch instead of one a document: what
    /// a month's validation waited on. Nothing is issued until the commit: if it fails, every document of the batch
    /// fails with its error and stays a proforma. With `stopAtFirstFailure`, the documents after a refusal are not
    /// tried (the result ends with the refusal).
    public func issueEach(
        _ requests: [IssueRequest], actor: String, at date: Date = Date(), posting: SalesPosting,
        stopAtFirstFailure: Bool = false
    ) -> [Result<String, any Error>] {
        guard !requests.isEmpty else { return [] }
        var outcomes: [Result<String, any Error>] = []
        do {
            try engine.durableWrite { db in
                outcomes = []
                for r in requests {
                    do {
                        let number = try db.savepoint {
                            let number = try issue(
                                id: r.id, on: r.day, dueDate: r.dueDate, format: r.format, actor: actor, at: date,
                                mail: r.mail, posting: posting, render: r.render, revenue: r.revenue, db: db)
                            if let audit = r.audit {
                                var parameters = audit.parameters
                                parameters.fields["number"] = .text(number)
                                try appendAudit(
                                    db, at: LedgerDatabase.timestamp(date), actor: actor, action: audit.action,
                                    invoiceID: r.id, parameters)
                            }
                            return number
                        }
                        outcomes.append(.success(number))
                    } catch let lost as TransactionLost {
                        throw lost
                    } catch {
                        outcomes.append(.failure(error))
                        if stopAtFirstFailure { break }
                    }
                }
            }
        } catch {
            let cause = (error as? TransactionLost)?.cause ?? error
            // Nothing of the batch was committed: a document refused on its own keeps its own reason.
            return requests.indices.map { i in
                if i < outcomes.count, case .failure = outcomes[i] { return outcomes[i] }
                return .failure(cause)
            }
        }
        return outcomes
    }

    /// Issues inside the caller's transaction; the document's sales entry is posted with it (`posting`).
    func issue(
        id: Int64, on day: Day, dueDate: Day, format: SeriesFormat, actor: String, at date: Date,
        mail: OutboxRequest? = nil, posting: SalesPosting, render: DocumentRenderer? = nil,
        revenue: [RevenueHash] = [], db: any SQLSession
    ) throws -> String {
        guard let invoice = try db.fetchRecord(Invoice.self, id: id) else { throw InvoiceError.noInvoice("\(id)") }
        guard invoice.status == .proforma else {
            throw InvoiceError.notProforma(id: id, status: invoice.status, number: invoice.number, action: .validate)
        }
        if try db.fetchValue(
            Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM closed_month WHERE month = ?)",
            arguments: [Month(day).description]) ?? false
        {
            throw InvoiceError.monthClosed(month: Month(day).description, day: nil, what: nil)
        }
        let stale =
            try db.fetchValue(
                Int.self,
                sql: """
                    SELECT COUNT(*) FROM invoice_site_day i JOIN site_day s ON s.site = i.site AND s.day = i.day
                    WHERE i.invoice_id = ? AND s.current_file_id <> i.file_id
                    """, arguments: [id]) ?? 0
        if stale > 0 {
            throw InvoiceError.revenueCorrected(proforma: id, siteDays: stale)
        }
        // An event order changed since the proforma priced it: the proforma bills what no longer stands.
        if invoice.origin == .contract || invoice.origin == .events,
            let changed = try db.fetchAll(
                sql: """
                    SELECT DISTINCT l.order_id, l.order_revision, o.current_revision FROM invoice_line l JOIN event_order o ON o.order_id = l.order_id
                    WHERE l.invoice_id = ? AND l.order_revision IS NOT NULL AND l.order_revision <> o.current_revision
                    """, arguments: [id]
            ).first(where: { r in
                // A newer revision billing the same (a new purchase-order number) leaves the proforma right.
                !(try sameBillableContent(db, orderID: r[0], r[1], r[2]))
            })
        {
            let order: String = try changed[0], priced: Int = try changed[1], now: Int = try changed[2]
            throw InvoiceError.orderChanged(
                order: order, proforma: id, priced: priced, now: now, origin: invoice.origin, client: invoice.client,
                period: "\(invoice.periodStart)..\(invoice.periodEnd)")
        }
        // Numbers follow dates: the "v6 chronological numbering" trigger refuses it too, this says it in words.
        if let last = try db.fetchOne(
            sql: """
                SELECT number, issue_date FROM invoice WHERE series = ? AND status = 'issued' AND issue_date > ?
                ORDER BY issue_date DESC, id DESC LIMIT 1
                """, arguments: [invoice.series, day.description])
        {
            let number: String = try last[0], lastDate: String = try last[1]
            throw InvoiceError.datedBeforeLast(
                kind: invoice.type, id: id, client: invoice.client, day: day, series: invoice.series,
                last: number, lastDate: lastDate)
        }
        // The number taken and read in one statement (one round trip on PostgreSQL).
        guard
            let n = try db.fetchValue(
                Int64.self,
                sql: "UPDATE number_series SET last_number = last_number + 1 WHERE code = ? RETURNING last_number",
                arguments: [invoice.series])
        else {
            throw InvoiceError.noNumberSeries(invoice.series)
        }
        let number = format.number(n)
        let now = LedgerDatabase.timestamp(date)
        try postSalesEntry(invoice, number: number, on: day, posting: posting, now: now, db: db)
        try db.execute(
            sql: """
                UPDATE invoice SET status = 'issued', number = ?, issue_date = ?, due_date = ?, issued_at = ? WHERE id = ?
                """, arguments: [number, day.description, max(dueDate, day).description, now, id])
        if invoice.type == .creditNote, let credited = invoice.creditedInvoiceId {
            try settleVATOnReceipts(
                db, invoiceIDs: [credited], cause: .creditNote, creditNoteID: id, on: day, today: day,
                journal: posting.vatJournal, now: now)
        }
        try db.execute(
            sql: """
                UPDATE site_day SET billed_file_id = current_file_id
                WHERE (site, day) IN (SELECT site, day FROM invoice_site_day WHERE invoice_id = ?)
                """, arguments: [id])
        try LedgerGuards.recordRevenue(invoiceID: id, hashed: revenue, db: db)
        try db.execute(
            sql: """
                UPDATE late_revenue SET settled_at = ? WHERE settled_at IS NULL
                  AND (site, day) IN (SELECT site, day FROM invoice_site_day WHERE invoice_id = ?)
                """, arguments: [now, id])
        try appendAudit(
            db, at: now, actor: actor, action: "validate", invoiceID: id,
            AuditParameters(["number": .text(number), "issued": .of(day), "due": .of(max(dueDate, day))]))
        if let render {
            try storeIssuedDocuments(
                series: invoice.series, upTo: id, atIssue: true, render: render, actor: actor, now: now, db: db)
        }
        if let mail { try enqueueMail(mail, invoiceID: id, number: number, now: now, db: db) }
        return number
    }

    /// Whether two revisions of an order bill the same: site, delivery day
    /// (a revision without one keeps the day before), status and lines
    /// (article, label, quantity, unit price, VAT rate); the purchase-order
    /// number, orderer and cost centre aside.
    public func sameBillableContent(orderID: String, _ a: Int, _ b: Int) throws -> Bool {
        try engine.read { db in try sameBillableContent(db, orderID: orderID, a, b) }
    }

    func sameBillableContent(_ db: any SQLSession, orderID: String, _ a: Int, _ b: Int) throws -> Bool {
        func content(_ revision: Int) throws -> (String, Int?, String, [[SQLValue]])? {
            guard
                let r = try db.fetchOne(
                    sql: """
                        SELECT id, site, COALESCE(delivered_day, (SELECT p.delivered_day FROM event_order_revision p
                                WHERE p.order_id = r.order_id AND p.revision < r.revision AND p.delivered_day IS NOT NULL
                                ORDER BY p.revision DESC LIMIT 1)), status
                        FROM event_order_revision r WHERE order_id = ? AND revision = ?
                        """, arguments: [orderID, revision])
            else { return nil }
            let lines = try db.fetchAll(
                sql: """
                    SELECT article, label, quantity, unit_price, vat_rate FROM event_order_line WHERE revision_id = ? ORDER BY line_no
                    """, arguments: [try r[0] as Int64]
            ).map(\.values)
            return try (r[1], r[2], r[3], lines)
        }
        guard let x = try content(a), let y = try content(b) else { return false }
        return x.0 == y.0 && x.1 == y.1 && x.2 == y.2 && x.3 == y.3
    }
}
