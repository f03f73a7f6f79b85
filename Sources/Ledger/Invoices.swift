import BillingModel
import Diagnostics
import Foundation
import GRDB

public enum DocumentKind: String, Codable, Sendable, DatabaseValueConvertible {
    case invoice
    case creditNote = "credit_note"
}

public enum InvoiceStatus: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
    case proforma, issued, discarded
}

/// Where a document comes from.
public enum InvoiceOrigin: String, Codable, Sendable, DatabaseValueConvertible {
    /// A contract's periodic billing.
    case contract
    /// An event order, on its delivery day.
    case events
    /// Late revenue of a period already invoiced (a supplementary invoice or a credit note).
    case correction
    /// Typed in by finance staff.
    case manual
    /// A credit note made from an issued invoice.
    case credit
}

/// One invoice or credit note (table `invoice`). Amounts in cents; dates ISO.
public struct Invoice: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var type: DocumentKind
    public var status: InvoiceStatus
    public var number: String?
    public var series: String
    public var client: String
    public var payer: String?
    public var site: String?
    public var periodStart: String
    public var periodEnd: String
    public var issueDate: String
    public var dueDate: String
    public var paymentTerms: String
    public var poNumber: String?
    public var orderId: String?
    public var orderRevision: Int?
    public var creditedInvoiceId: Int64?
    public var origin: InvoiceOrigin
    public var generationKey: String?
    public var automatic: Bool
    public var totalHt: Int64
    public var totalVat: Int64
    public var totalTtc: Int64
    public var createdAt: String
    public var issuedAt: String?
    /// The document's service period ("v16 document period"): the hull of its lines' service periods, written by
    /// the ledger with the lines. What every output prints; `periodStart`/`periodEnd` are the billing run's.
    public var serviceStart: String? = nil
    public var serviceEnd: String? = nil

    public static let databaseTableName = "invoice"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        public static let id = Column("id"), status = Column("status"), client = Column("client"), number = Column("number")
        public static let periodStart = Column("period_start"), periodEnd = Column("period_end"), type = Column("type")
        public static let orderId = Column("order_id"), generationKey = Column("generation_key")
    }

    /// The billing run's period: what `bill --period` generated it for (the engine's key, not what the document shows).
    public var period: Period? {
        guard let s = Day(iso: periodStart), let e = Day(iso: periodEnd) else { return nil }
        return Period(start: s, end: e)
    }
    /// The document's period, as the ledger stored it with the document: the days its lines bill. The one
    /// period the JSON, the screens, the PDF, the e-invoice and the exports show.
    public var documentPeriod: Period? {
        guard let s = serviceStart.flatMap({ Day(iso: $0) }), let e = serviceEnd.flatMap({ Day(iso: $0) }) else { return nil }
        return Period(start: s, end: e)
    }
    /// The customer billed: the other payer when there is one, else the client.
    public var billedCustomer: String { payer ?? client }
    /// The document's period as stored ("v16 document period"), ISO days: what every output shows.
    public var documentStart: String { serviceStart ?? periodStart }
    public var documentEnd: String { serviceEnd ?? periodEnd }
}

public struct InvoiceLine: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public var invoiceId: Int64
    public var position: Int
    public var label: String
    public var quantity: Int
    /// Ten-thousandths of a euro.
    public var unitPrice: Int64
    /// Cents.
    public var net: Int64
    /// Ten-thousandths of a percent.
    public var vatRate: Int64
    public var revenueType: String?
    public var site: String?
    public var serviceStart: String?
    public var serviceEnd: String?
    public var termLine: Int?
    public var explanation: String
    public var orderId: String?
    /// The revision of the order this line priced (nil: no order, or a line stored before "v5 order revisions").
    public var orderRevision: Int?
    /// The price before a discount (BT-148), ten-thousandths; nil when the line has none ("v16 line discounts").
    public var grossUnitPrice: Int64? = nil
    /// What the line was computed from ("v16 line basis"), with `site`, the service period, `orderId` and
    /// `orderRevision`: nil only for a line stored before the migration that it could not tell.
    public var basisKind: LineBasis.Kind?
    /// The one diner category counted (nil: every category).
    public var basisCategory: String?
    /// Only the ticket lines at this VAT rate, ten-thousandths of a percent (nil: every rate).
    public var basisRate: Int64?
    /// Whether guest tickets count when no category is named.
    public var basisGuests: Bool?

    public static let databaseTableName = "invoice_line"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns { public static let invoiceId = Column("invoice_id"), position = Column("position") }

    public var netAmount: Money { Money(cents: net) }
    public var price: Price { Price(tenThousandths: unitPrice) }
    public var rate: VATRate { VATRate(tenThousandths: vatRate) }
    public var grossPrice: Price? { grossUnitPrice.map { Price(tenThousandths: $0) } }
    /// What the line was computed from, as stored (nil: not known).
    public var basis: LineBasis? {
        basisKind.map { LineBasis($0, category: basisCategory, rate: basisRate.map(VATRate.init(tenThousandths:)), guests: basisGuests ?? true) }
    }
}


public struct InvoiceVAT: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public var invoiceId: Int64
    public var rate: Int64
    public var base: Int64
    public var vat: Int64
    public static let databaseTableName = "invoice_vat"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

public struct AuditEntry: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var at: String
    public var actor: String
    public var action: String
    public var invoiceId: Int64?
    /// The sentence of an entry written before "v16 audit parameters" (empty since: see `parameters`).
    public var details: String
    /// The entry's facts as a JSON object (`AuditParameters`); nil before "v16 audit parameters".
    public var parameters: String?
    public static let databaseTableName = "audit_log"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A document with its lines and VAT breakdown.
public struct StoredInvoice: Sendable, Hashable {
    public var invoice: Invoice
    public var lines: [InvoiceLine]
    public var vat: [InvoiceVAT]
}

/// A line of a document being created.
public struct NewInvoiceLine: Sendable, Hashable {
    public var label: String
    public var quantity: Int
    public var unitPrice: Price
    public var net: Money
    public var vat: VATRate
    public var revenueType: String?
    public var site: String?
    public var service: Period?
    public var termLine: Int?
    public var explanation: String
    public var orderId: String?
    /// The revision of the order the line priced or credited.
    public var orderRevision: Int?
    /// The unit price before a discount (an event order's price less the contract's discount); nil without one.
    public var grossUnitPrice: Price?
    /// What the line was computed from (nil: not known, a line stored before "v16 line basis" only).
    public var basis: LineBasis?

    public init(label: String, quantity: Int, unitPrice: Price, net: Money, vat: VATRate, revenueType: String? = nil, site: String? = nil,
                service: Period? = nil, termLine: Int? = nil, explanation: String = "", orderId: String? = nil,
                orderRevision: Int? = nil, grossUnitPrice: Price? = nil, basis: LineBasis? = nil) {
        self.label = label
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.net = net
        self.vat = vat
        self.revenueType = revenueType
        self.site = site
        self.service = service
        self.termLine = termLine
        self.explanation = explanation
        self.orderId = orderId
        self.orderRevision = orderRevision
        self.grossUnitPrice = grossUnitPrice
        self.basis = basis
    }

    public init(_ stored: InvoiceLine) {
        self.init(label: stored.label, quantity: stored.quantity, unitPrice: stored.price, net: stored.netAmount, vat: stored.rate,
                  revenueType: stored.revenueType, site: stored.site,
                  service: stored.serviceStart.flatMap { s in stored.serviceEnd.flatMap { e in
                      Day(iso: s).flatMap { sd in Day(iso: e).map { Period(start: sd, end: $0) } } } },
                  termLine: stored.termLine, explanation: stored.explanation, orderId: stored.orderId,
                  orderRevision: stored.orderRevision, grossUnitPrice: stored.grossPrice, basis: stored.basis)
    }
}

/// A document to create as a proforma.
public struct NewInvoice: Sendable {
    public var type: DocumentKind
    public var series: String
    public var client: String
    public var payer: String?
    public var site: String?
    public var period: Period
    public var issueDate: Day
    public var dueDate: Day
    public var paymentTerms: String
    public var poNumber: String?
    public var orderId: String?
    public var orderRevision: Int?
    public var creditedInvoiceId: Int64?
    public var origin: InvoiceOrigin
    /// Unique among live documents: generating the same thing twice changes nothing.
    public var generationKey: String?
    public var automatic: Bool
    public var lines: [NewInvoiceLine]
    /// The site-days of revenue this document bills, with the file version used.
    public var siteDays: [SiteDayKey]
    /// What it bills that no other live document may bill (`BilledUnit`): days of revenue and fee periods,
    /// from the engine; the order revisions of its lines are added by the ledger.
    public var billedUnits: [String] = []

    public init(type: DocumentKind, series: String, client: String, payer: String? = nil, site: String? = nil, period: Period,
                issueDate: Day, dueDate: Day, paymentTerms: String, poNumber: String? = nil, orderId: String? = nil,
                orderRevision: Int? = nil, creditedInvoiceId: Int64? = nil, origin: InvoiceOrigin, generationKey: String? = nil,
                automatic: Bool = false, lines: [NewInvoiceLine], siteDays: [SiteDayKey] = []) {
        self.type = type
        self.series = series
        self.client = client
        self.payer = payer
        self.site = site
        self.period = period
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.paymentTerms = paymentTerms
        self.poNumber = poNumber
        self.orderId = orderId
        self.orderRevision = orderRevision
        self.creditedInvoiceId = creditedInvoiceId
        self.origin = origin
        self.generationKey = generationKey
        self.automatic = automatic
        self.lines = lines
        self.siteDays = siteDays
    }
}

/// How a series makes its numbers (from the settings).
public struct SeriesFormat: Sendable {
    public var prefix: String
    public var width: Int
    public init(prefix: String, width: Int) {
        self.prefix = prefix
        self.width = width
    }
    public func number(_ n: Int64) -> String {
        let digits = String(n)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// What storing one draft did (`Ledger.storeProformas`).
public enum ProformaStoreOutcome: Sendable {
    /// A new proforma.
    case created(Int64)
    /// Refused before anything of it was written: it would bill a unit another document bills.
    case refused(BilledTwice)
    /// A live document with the same generation key is kept (issued, unchanged or edited by a person).
    case existing(id: Int64?, issued: Bool)
    /// Nothing stored and no document with its key.
    case nothing
}

extension Ledger {
    /// Creates a proforma. When a live document with the same generation key
    /// exists: a proforma is replaced (discarded, audited), an issued document
    /// is kept and nil is returned (generation is idempotent).
    @discardableResult
    public func createProforma(_ new: NewInvoice, actor: String, at date: Date = Date()) throws -> Int64? {
        try pool.write { db in try createProforma(new, actor: actor, at: date, db: db) }
    }

    /// Stores drafts as proformas in one transaction, each as `createProforma` does; a draft refused because
    /// it would bill a unit twice leaves nothing of it written, and the others are stored.
    public func storeProformas(_ drafts: [NewInvoice], actor: String, at date: Date) throws -> [ProformaStoreOutcome] {
        try pool.write { db in
            var outcomes: [ProformaStoreOutcome] = []
            outcomes.reserveCapacity(drafts.count)
            for d in drafts {
                let made: Int64?
                do {
                    made = try createProforma(d, actor: actor, at: date, db: db)
                } catch let twice as BilledTwice {
                    outcomes.append(.refused(twice))
                    continue
                }
                if let id = made {
                    outcomes.append(.created(id))
                } else if let key = d.generationKey,
                          let existing = try Invoice.filter(Invoice.Columns.generationKey == key && Invoice.Columns.status != InvoiceStatus.discarded.rawValue).fetchOne(db) {
                    outcomes.append(.existing(id: existing.id, issued: existing.status == .issued))
                } else {
                    outcomes.append(.nothing)
                }
            }
            return outcomes
        }
    }

    func createProforma(_ new: NewInvoice, actor: String, at date: Date, db: Database) throws -> Int64? {
        let now = Ledger.timestamp(date)
        if let key = new.generationKey,
           let existing = try Invoice.fetchOne(db.cachedStatement(sql: "SELECT * FROM invoice WHERE generation_key = ? AND status <> 'discarded'"),
                                               arguments: [key]) {
            if existing.status == .issued { return nil }
            if try sameContent(existing, new, db: db) { return nil }
            // A proforma finance staff edited is theirs: regeneration never throws the edit away.
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit_log WHERE invoice_id = ? AND action = 'edit')",
                                 arguments: [existing.id]) ?? false { return nil }
            try refuseBilledTwice(new, except: existing.id, db: db)
            try db.execute(sql: "UPDATE invoice SET status = 'discarded' WHERE id = ?", arguments: [existing.id])
            try appendAudit(db, at: now, actor: actor, action: "discard", invoiceID: existing.id, AuditParameters(["cause": .text("regenerated")]))
        } else {
            try refuseBilledTwice(new, except: nil, db: db)
        }
        // Not INSERT OR IGNORE: "v15 ledger guards" refuses any insert of an existing series.
        try db.cachedStatement(sql: "INSERT INTO number_series(code, last_number) SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM number_series WHERE code = ?)")
            .execute(arguments: [new.series, new.series])
        let totals: InvoiceTotals
        do { totals = try InvoiceTotals(lines: new.lines.map { ($0.net, $0.vat) }) } catch {
            throw InvoiceError.doesNotAddUp(kind: new.type, client: new.client, period: "\(new.period)", overflow: error)
        }
        var invoice = Invoice(id: nil, type: new.type, status: .proforma, number: nil, series: new.series, client: new.client,
                              payer: new.payer, site: new.site, periodStart: new.period.start.description,
                              periodEnd: new.period.end.description, issueDate: new.issueDate.description,
                              dueDate: max(new.dueDate, new.issueDate).description, paymentTerms: new.paymentTerms,
                              poNumber: new.poNumber, orderId: new.orderId, orderRevision: new.orderRevision,
                              creditedInvoiceId: new.creditedInvoiceId, origin: new.origin, generationKey: new.generationKey,
                              automatic: new.automatic, totalHt: totals.totalHT.cents, totalVat: totals.totalVAT.cents,
                              totalTtc: totals.totalTTC.cents, createdAt: now, issuedAt: nil)
        try invoice.insert(db)
        guard let id = invoice.id else { throw LedgerError.internalInconsistency("the invoice was not stored") }
        try writeLines(db, id: id, lines: new.lines, totals: totals)
        try billUnits(of: new, invoiceID: id, db: db)
        if !new.siteDays.isEmpty {
            // One statement per document: the site-days as a JSON array of [site, day].
            let pairs = "[" + Set(new.siteDays).map { "[\(JSON.string($0.site)),\($0.day.ordinal)]" }.joined(separator: ",") + "]"
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO invoice_site_day(invoice_id, client, site, day, file_id)
                SELECT ?, ?, s.site, s.day, s.current_file_id
                FROM json_each(?) j JOIN site_day s ON s.site = json_extract(j.value, '$[0]') AND s.day = json_extract(j.value, '$[1]')
                """).execute(arguments: [id, new.client, pairs])
        }
        try appendAudit(db, at: now, actor: actor, action: "generate", invoiceID: id, AuditParameters([
            "origin": .text(new.origin.rawValue), "type": .text(new.type.rawValue), "client": .text(new.client), "payer": .of(new.payer),
            "start": .of(new.period.start), "end": .of(new.period.end), "lines": .of(new.lines.count), "ttc": .of(totals.totalTTC),
        ]))
        return id
    }

    func sameContent(_ existing: Invoice, _ new: NewInvoice, db: Database) throws -> Bool {
        guard let id = existing.id else { return false }
        let lines = try InvoiceLine.filter(InvoiceLine.Columns.invoiceId == id).order(InvoiceLine.Columns.position).fetchAll(db)
        // The dates of a proforma are provisional (validation sets them): a day later, the same lines, terms and
        // register files are the same proforma. A file delivered again (even with the same amounts) makes a new
        // one, else the old proforma, recorded at the replaced file, could never be issued.
        guard lines.map({ NewInvoiceLine($0) }) == new.lines, existing.paymentTerms == new.paymentTerms else { return false }
        let stale = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM invoice_site_day i JOIN site_day s ON s.site = i.site AND s.day = i.day
                           WHERE i.invoice_id = ? AND s.current_file_id <> i.file_id)
            """), arguments: [id]) ?? false
        return !stale
    }

    func writeLines(_ db: Database, id: Int64, lines: [NewInvoiceLine], totals: InvoiceTotals) throws {
        // Cached statements with plain arguments: thousands of lines per billing run.
        let line = try db.cachedStatement(sql: """
            INSERT INTO invoice_line(invoice_id, position, label, quantity, unit_price, net, vat_rate, revenue_type, site,
                                     service_start, service_end, term_line, explanation, order_id, order_revision, gross_unit_price,
                                     basis_kind, basis_category, basis_rate, basis_guests)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, l) in lines.enumerated() {
            let b = l.basis
            try line.execute(arguments: [id, i + 1, l.label, l.quantity, l.unitPrice.tenThousandths, l.net.cents, l.vat.tenThousandths,
                                         l.revenueType, l.site, l.service?.start.description, l.service?.end.description, l.termLine,
                                         l.explanation, l.orderId, l.orderRevision, l.grossUnitPrice?.tenThousandths,
                                         b?.kind.rawValue, b?.category, b?.rate?.tenThousandths, b.map { $0.guests }])
        }
        let vat = try db.cachedStatement(sql: "INSERT INTO invoice_vat(invoice_id, rate, base, vat) VALUES (?, ?, ?, ?)")
        for v in totals.breakdown { try vat.execute(arguments: [id, v.rate.tenThousandths, v.base.cents, v.vat.cents]) }
        try storeDocumentPeriod(db, id: id)
    }
    /// Issues a proforma: the next number of its series (no gap, even under
    /// concurrent validations: numbering and issuing are one transaction),
    /// the issue date, the due date; from then on it never changes. Refused
    /// when the revenue it billed was corrected since it was generated, or
    /// an event order it prices has a newer revision.
    /// With `mail`, the document's e-mail is queued in the outbox in the same
    /// transaction: issued and queued together, or neither. With `render`,
    /// its PDF and XML are rendered, stored and chained in that transaction
    /// too (`issued_document`): what is served and sent later is those bytes.
    @discardableResult
    public func issue(id: Int64, on day: Day, dueDate: Day, format: SeriesFormat, actor: String, at date: Date = Date(),
                      mail: OutboxRequest? = nil, posting: SalesPosting, render: DocumentRenderer? = nil) throws -> String {
        try durableWrite { db in
            try issue(id: id, on: day, dueDate: dueDate, format: format, actor: actor, at: date, mail: mail, posting: posting,
                      render: render, db: db)
        }
    }

    /// Issues inside the caller's transaction; the document's sales entry is posted with it (`posting`).
    public func issue(id: Int64, on day: Day, dueDate: Day, format: SeriesFormat, actor: String, at date: Date,
                      mail: OutboxRequest? = nil, posting: SalesPosting, render: DocumentRenderer? = nil, db: Database) throws -> String {
        guard let invoice = try Invoice.fetchOne(db, key: id) else { throw InvoiceError.noInvoice("\(id)") }
        guard invoice.status == .proforma else {
            throw InvoiceError.notProforma(id: id, status: invoice.status, number: invoice.number, action: .validate)
        }
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM closed_month WHERE month = ?)", arguments: [String(day.description.prefix(7))]) ?? false {
            throw InvoiceError.monthClosed(month: String(day.description.prefix(7)), day: nil, what: nil)
        }
        let stale = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM invoice_site_day i JOIN site_day s ON s.site = i.site AND s.day = i.day
            WHERE i.invoice_id = ? AND s.current_file_id <> i.file_id
            """, arguments: [id]) ?? 0
        if stale > 0 {
            throw InvoiceError.revenueCorrected(proforma: id, siteDays: stale)
        }
        // An event order changed since the proforma priced it: the proforma bills what no longer stands.
        if invoice.origin == .contract || invoice.origin == .events,
           let changed = try Row.fetchAll(db, sql: """
               SELECT DISTINCT l.order_id, l.order_revision, o.current_revision FROM invoice_line l JOIN event_order o ON o.order_id = l.order_id
               WHERE l.invoice_id = ? AND l.order_revision IS NOT NULL AND l.order_revision <> o.current_revision
               """, arguments: [id]).first(where: { r in
                   // A newer revision billing the same (a new purchase-order number) leaves the proforma right.
                   !(try sameBillableContent(db, orderID: r[0], r[1], r[2]))
               }) {
            let order: String = changed[0], priced: Int = changed[1], now: Int = changed[2]
            throw InvoiceError.orderChanged(order: order, proforma: id, priced: priced, now: now, origin: invoice.origin, client: invoice.client,
                                            period: "\(invoice.periodStart)..\(invoice.periodEnd)")
        }
        // Numbers follow dates: the "v6 chronological numbering" trigger refuses it too, this says it in words.
        if let last = try Row.fetchOne(db.cachedStatement(sql: """
               SELECT number, issue_date FROM invoice WHERE series = ? AND status = 'issued' AND issue_date > ?
               ORDER BY issue_date DESC, id DESC LIMIT 1
               """), arguments: [invoice.series, day.description]) {
            let number: String = last[0], lastDate: String = last[1]
            throw InvoiceError.datedBeforeLast(kind: invoice.type, id: id, client: invoice.client, day: day, series: invoice.series,
                                               last: number, lastDate: lastDate)
        }
        try db.execute(sql: "UPDATE number_series SET last_number = last_number + 1 WHERE code = ?", arguments: [invoice.series])
        guard let n = try Int64.fetchOne(db, sql: "SELECT last_number FROM number_series WHERE code = ?", arguments: [invoice.series]) else {
            throw InvoiceError.noNumberSeries(invoice.series)
        }
        let number = format.number(n)
        let now = Ledger.timestamp(date)
        try postSalesEntry(invoice, number: number, on: day, posting: posting, now: now, db: db)
        try db.execute(sql: """
            UPDATE invoice SET status = 'issued', number = ?, issue_date = ?, due_date = ?, issued_at = ? WHERE id = ?
            """, arguments: [number, day.description, max(dueDate, day).description, now, id])
        try db.execute(sql: """
            UPDATE site_day SET billed_file_id = current_file_id
            WHERE (site, day) IN (SELECT site, day FROM invoice_site_day WHERE invoice_id = ?)
            """, arguments: [id])
        try LedgerGuards.recordRevenue(invoiceID: id, db: db)
        try db.execute(sql: """
            UPDATE late_revenue SET settled_at = ? WHERE settled_at IS NULL
              AND (site, day) IN (SELECT site, day FROM invoice_site_day WHERE invoice_id = ?)
            """, arguments: [now, id])
        try appendAudit(db, at: now, actor: actor, action: "validate", invoiceID: id,
                        AuditParameters(["number": .text(number), "issued": .of(day), "due": .of(max(dueDate, day))]))
        if let render { try storeIssuedDocuments(series: invoice.series, upTo: id, atIssue: true, render: render, actor: actor, now: now, db: db) }
        if let mail { try enqueueMail(mail, invoiceID: id, number: number, now: now, db: db) }
        return number
    }

    /// Whether two revisions of an order bill the same: site, delivery day
    /// (a revision without one keeps the day before), status and lines
    /// (article, label, quantity, unit price, VAT rate); the purchase-order
    /// number, orderer and cost centre aside.
    public func sameBillableContent(orderID: String, _ a: Int, _ b: Int) throws -> Bool {
        try pool.read { db in try sameBillableContent(db, orderID: orderID, a, b) }
    }

    func sameBillableContent(_ db: Database, orderID: String, _ a: Int, _ b: Int) throws -> Bool {
        func content(_ revision: Int) throws -> (String, Int?, String, [[DatabaseValue]])? {
            guard let r = try Row.fetchOne(db, sql: """
                SELECT id, site, COALESCE(delivered_day, (SELECT p.delivered_day FROM event_order_revision p
                        WHERE p.order_id = r.order_id AND p.revision < r.revision AND p.delivered_day IS NOT NULL
                        ORDER BY p.revision DESC LIMIT 1)), status
                FROM event_order_revision r WHERE order_id = ? AND revision = ?
                """, arguments: [orderID, revision]) else { return nil }
            let lines = try Row.fetchAll(db, sql: """
                SELECT article, label, quantity, unit_price, vat_rate FROM event_order_line WHERE revision_id = ? ORDER BY line_no
                """, arguments: [r[0] as Int64]).map { Array($0.databaseValues) }
            return (r[1], r[2], r[3], lines)
        }
        guard let x = try content(a), let y = try content(b) else { return false }
        return x.0 == y.0 && x.1 == y.1 && x.2 == y.2 && x.3 == y.3
    }

    /// Discards a proforma (kept, with the reason, for the audit).
    public func discard(id: Int64, reason: String, actor: String, at date: Date = Date()) throws {
        try discard(id: id, AuditParameters(["reason": .text(reason)]), actor: actor, at: date)
    }

    /// Discards the proforma of an older revision of an event order that a newer revision supersedes.
    public func discard(id: Int64, supersededBy order: String, revision: Int, actor: String, at date: Date = Date()) throws {
        try discard(id: id, AuditParameters(["cause": .text("superseded"), "order": .text(order), "revision": .of(revision)]), actor: actor, at: date)
    }

    func discard(id: Int64, _ parameters: AuditParameters, actor: String, at date: Date) throws {
        try pool.write { db in
            guard let invoice = try Invoice.fetchOne(db, key: id) else { throw InvoiceError.noInvoice("\(id)") }
            guard invoice.status == .proforma else { throw InvoiceError.notProforma(id: id, status: invoice.status, number: invoice.number, action: .discard) }
            try db.execute(sql: "UPDATE invoice SET status = 'discarded' WHERE id = ?", arguments: [id])
            try appendAudit(db, at: Ledger.timestamp(date), actor: actor, action: "discard", invoiceID: id, parameters)
        }
    }

    /// Discards the proformas of a contract's periodic billing, for each
    /// (client, exact period) generated again, whose generation key the new
    /// evaluation no longer produces (the revenue or orders they billed are
    /// gone). A proforma finance staff edited is kept. One transaction;
    /// returns the ids discarded.
    public func discardVanishedProformas(_ generated: [(client: String, period: Period)], keeping keys: Set<String>, actor: String,
                                         at date: Date = Date()) throws -> [(client: String, period: Period, id: Int64)] {
        let now = Ledger.timestamp(date)
        return try pool.write { db in
            let live = try db.cachedStatement(sql: """
                SELECT id, generation_key FROM invoice v
                WHERE client = ? AND period_start = ? AND period_end = ? AND status = 'proforma' AND origin = 'contract'
                  AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.invoice_id = v.id AND a.action = 'edit')
                """)
            var out: [(client: String, period: Period, id: Int64)] = []
            for (client, period) in generated {
                for r in try Row.fetchAll(live, arguments: [client, period.start.description, period.end.description])
                where !keys.contains(r[1] as String? ?? "") {
                    let id: Int64 = r[0]
                    try db.execute(sql: "UPDATE invoice SET status = 'discarded' WHERE id = ?", arguments: [id])
                    try appendAudit(db, at: now, actor: actor, action: "discard", invoiceID: id,
                                    AuditParameters(["cause": .text("vanished")]))
                    out.append((client, period, id))
                }
            }
            return out
        }
    }

    /// Replaces the lines of a proforma (an edit), with the reason kept in the audit log.
    public func replaceLines(id: Int64, lines: [NewInvoiceLine], reason: String, actor: String, at date: Date = Date()) throws {
        try pool.write { db in
            guard let invoice = try Invoice.fetchOne(db, key: id) else { throw InvoiceError.noInvoice("\(id)") }
            guard invoice.status == .proforma else { throw InvoiceError.notProforma(id: id, status: invoice.status, number: invoice.number, action: .edit) }
            let before = try InvoiceLine.filter(InvoiceLine.Columns.invoiceId == id).order(InvoiceLine.Columns.position).fetchAll(db)
            try db.execute(sql: "DELETE FROM invoice_line WHERE invoice_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM invoice_vat WHERE invoice_id = ?", arguments: [id])
            let totals: InvoiceTotals
            do throws(MoneyOverflow) { totals = try InvoiceTotals(lines: lines.map { ($0.net, $0.vat) }) } catch {
                throw InvoiceError.doesNotAddUp(kind: invoice.type, client: invoice.client, period: "\(invoice.periodStart)..\(invoice.periodEnd)", overflow: error)
            }
            try writeLines(db, id: id, lines: lines, totals: totals)
            try db.execute(sql: "UPDATE invoice SET total_ht = ?, total_vat = ?, total_ttc = ? WHERE id = ?",
                           arguments: [totals.totalHT.cents, totals.totalVAT.cents, totals.totalTTC.cents, id])
            try appendAudit(db, at: Ledger.timestamp(date), actor: actor, action: "edit", invoiceID: id, AuditParameters([
                "reason": .text(reason), "lines_before": .of(before.count), "lines_after": .of(lines.count),
                "ttc_before": .integer(invoice.totalTtc), "ttc_after": .of(totals.totalTTC),
            ]))
        }
    }

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
        return StoredInvoice(invoice: i,
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

    /// (client, invoice period) pairs with late revenue to correct: a site-day
    /// an issued document of the client billed whose register file is no
    /// longer the current one, or a site-day whose current file arrived after
    /// the client's invoice of that period was generated and holds tickets of
    /// the client that no issued document billed (a missing file delivered
    /// late, a corrected file naming the client where the first did not).
    ///
    /// `openDayClients` names, per site, the clients whose bill depends on the
    /// days the site was open (a daily minimum guarantee): a late file with
    /// rows opens a day for them even with none of their tickets.
    public func periodsWithLateRevenue(openDayClients: [String: [String]] = [:]) throws -> [(client: String, period: Period, siteDays: [SiteDayKey])] {
        try pool.read { db in
            var rows = try Row.fetchAll(db, sql: """
                SELECT DISTINCT i.client, v.period_start, v.period_end, i.site, i.day
                FROM invoice_site_day i JOIN invoice v ON v.id = i.invoice_id
                JOIN site_day s ON s.site = i.site AND s.day = i.day
                WHERE v.status = 'issued' AND v.origin IN ('contract', 'correction') AND s.current_file_id <> i.file_id
                  AND NOT EXISTS (SELECT 1 FROM invoice_site_day j JOIN invoice w ON w.id = j.invoice_id
                                  WHERE j.client = i.client AND j.site = i.site AND j.day = i.day
                                    AND w.status = 'issued' AND j.file_id = s.current_file_id)
                  AND NOT EXISTS (SELECT 1 FROM late_revenue_checked c
                                  WHERE c.client = i.client AND c.site = i.site AND c.day = i.day AND c.file_id = s.current_file_id)
                ORDER BY i.client, v.period_start
                """)
            rows += try lateFilesOfUnbilledClients(db, openDayClients: openDayClients)
            var out: [String: (client: String, period: Period, siteDays: [SiteDayKey])] = [:]
            for r in rows {
                let client: String = r[0]
                guard let s = Day(iso: r[1] as String), let e = Day(iso: r[2] as String) else { continue }
                let key = "\(client)|\(s)|\(e)"
                if out[key] == nil { out[key] = (client, Period(start: s, end: e), []) }
                let k = SiteDayKey(site: r[3], day: Day(ordinal: r[4]))
                if out[key]?.siteDays.contains(k) == false { out[key]?.siteDays.append(k) }
            }
            return out.values.sorted { ($0.client, $0.period.start) < ($1.client, $1.period.start) }
        }
    }

    /// Rows (client, period_start, period_end, site, day) of tickets in a
    /// site-day's current file that no issued document of the client billed at
    /// all, where the client has an issued contract invoice of that day's
    /// period generated no later than the file arrived. Only files imported
    /// after the first invoice covering their day was generated are read
    /// (late files are few; files of the normal flow precede invoicing).
    private func lateFilesOfUnbilledClients(_ db: Database, openDayClients: [String: [String]]) throws -> [Row] {
        var earliest: [(period: Period, createdAt: String)] = []
        for r in try Row.fetchAll(db, sql: """
            SELECT period_start, period_end, MIN(created_at) FROM invoice WHERE status = 'issued' AND origin = 'contract'
            GROUP BY period_start, period_end
            """) {
            if let s = Day(iso: r[0] as String), let e = Day(iso: r[1] as String) { earliest.append((Period(start: s, end: e), r[2])) }
        }
        guard let first = earliest.map(\.period.start).min(), let last = earliest.map(\.period.end).max() else { return [] }
        var out: [Row] = []
        let candidates = try Row.fetchAll(db, sql: """
            SELECT sd.site, sd.day, sd.current_file_id, f.imported_at, f.row_count FROM site_day sd JOIN imported_file f ON f.id = sd.current_file_id
            WHERE sd.day BETWEEN ? AND ?
            """, arguments: [first.ordinal, last.ordinal])
        for c in candidates {
            let site: String = c[0], day = Day(ordinal: c[1]), file: Int64 = c[2], importedAt: String = c[3], rowCount: Int = c[4]
            let opened = "[" + (rowCount > 0 ? openDayClients[site] ?? [] : []).map { JSON.string($0) }.joined(separator: ",") + "]"
            guard earliest.contains(where: { $0.period.contains(day) && $0.createdAt <= importedAt }) else { continue }
            out += try Row.fetchAll(db, sql: """
                SELECT DISTINCT t.client, v.period_start, v.period_end, ? AS site, ? AS day
                FROM (SELECT DISTINCT client FROM ticket_line WHERE file_id = ? AND client IS NOT NULL
                      UNION SELECT value FROM json_each(?)) t
                JOIN invoice v ON v.client = t.client AND v.status = 'issued' AND v.origin = 'contract'
                 AND v.period_start <= ? AND v.period_end >= ? AND v.created_at <= ?
                WHERE NOT EXISTS (SELECT 1 FROM invoice_site_day i JOIN invoice w ON w.id = i.invoice_id
                                  WHERE i.client = t.client AND i.site = ? AND i.day = ? AND w.status = 'issued')
                  AND NOT EXISTS (SELECT 1 FROM late_revenue_checked k
                                  WHERE k.client = t.client AND k.site = ? AND k.day = ? AND k.file_id = ?)
                """, arguments: [site, day.ordinal, file, opened, day.description, day.description, importedAt,
                                   site, day.ordinal, site, day.ordinal, file])
        }
        return out
    }

    /// Closes a month: from then on nothing is issued in it (the trigger enforces it).
    public func closeMonth(_ month: String, by actor: String, at date: Date = Date()) throws {
        try pool.write { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice WHERE status = 'proforma' AND substr(issue_date, 1, 7) = ?",
                                           arguments: [month]) ?? 0
            if pending > 0 { throw InvoiceError.proformasPending(count: pending, month: month) }
            try db.execute(sql: "INSERT INTO closed_month(month, closed_at, closed_by) VALUES (?, ?, ?)",
                           arguments: [month, Ledger.timestamp(date), actor])
            try appendAudit(db, at: Ledger.timestamp(date), actor: actor, action: "close", invoiceID: nil, AuditParameters(["month": .text(month)]))
        }
    }

    public func isClosed(month: String) throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM closed_month WHERE month = ?)", arguments: [month]) ?? false }
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
