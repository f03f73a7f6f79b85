import BillingModel
import Diagnostics
import Foundation
import GRDB

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

/// One invoice or credit note (table `invoice`). Amounts in cents; days, periods and payment terms typed (stored as
/// ISO days and the terms' words: a stored value that does not read back is `InvoiceError.malformedStoredValue`
/// naming the document and the field, never a default).
public struct Invoice: Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var type: DocumentKind
    public var status: InvoiceStatus
    public var number: String?
    public var series: String
    public var client: String
    public var payer: String?
    public var site: String?
    /// The billing run's period: what `bill --period` generated it for (the engine's key, not what the document shows).
    public var periodStart: Day
    public var periodEnd: Day
    public var issueDate: Day
    public var dueDate: Day
    public var paymentTerms: PaymentTerms
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
    /// the ledger with the lines (both nil on a document stored before). What every output prints (`documentPeriod`).
    public var serviceStart: Day? = nil
    public var serviceEnd: Day? = nil

    public static let databaseTableName = "invoice"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        public static let id = Column("id"), status = Column("status"), client = Column("client"),
            number = Column("number")
        public static let periodStart = Column("period_start"), periodEnd = Column("period_end"), type = Column("type")
        public static let orderId = Column("order_id"), generationKey = Column("generation_key")
    }

    /// The billing run's period: what `bill --period` generated it for (the engine's key, not what the document shows).
    public var period: Period { Period(start: periodStart, end: periodEnd) }
    /// The document's period, as the ledger stored it with the document: the days its lines bill (the billing run's
    /// period for a document stored before "v16 document period"). The one period the JSON, the screens, the PDF,
    /// the e-invoice and the exports show.
    public var documentPeriod: Period {
        guard let s = serviceStart, let e = serviceEnd else { return period }
        return Period(start: s, end: e)
    }
    /// The customer billed: the other payer when there is one, else the client.
    public var billedCustomer: String { payer ?? client }
}

extension Invoice: Codable {
    enum CodingKeys: String, CodingKey {
        case id, type, status, number, series, client, payer, site, periodStart, periodEnd, issueDate, dueDate
        case paymentTerms, poNumber, orderId, orderRevision, creditedInvoiceId, origin, generationKey, automatic
        case totalHt, totalVat, totalTtc, createdAt, issuedAt, serviceStart, serviceEnd
    }

    /// Reads a stored document: every day, period and the payment terms read as their types, or the read fails
    /// naming the document and the field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        number = try c.decodeIfPresent(String.self, forKey: .number)
        let name = number ?? "proforma \(id ?? 0)"
        type = try c.decode(DocumentKind.self, forKey: .type)
        status = try c.decode(InvoiceStatus.self, forKey: .status)
        series = try c.decode(String.self, forKey: .series)
        client = try c.decode(String.self, forKey: .client)
        payer = try c.decodeIfPresent(String.self, forKey: .payer)
        site = try c.decodeIfPresent(String.self, forKey: .site)
        let period = try StoredValue.period(
            c.decode(String.self, forKey: .periodStart), c.decode(String.self, forKey: .periodEnd), "period", of: name)
        (periodStart, periodEnd) = (period.start, period.end)
        issueDate = try StoredValue.day(c.decode(String.self, forKey: .issueDate), "issue date", of: name)
        dueDate = try StoredValue.day(c.decode(String.self, forKey: .dueDate), "due date", of: name)
        paymentTerms = try StoredValue.paymentTerms(c.decode(String.self, forKey: .paymentTerms), of: name)
        poNumber = try c.decodeIfPresent(String.self, forKey: .poNumber)
        orderId = try c.decodeIfPresent(String.self, forKey: .orderId)
        orderRevision = try c.decodeIfPresent(Int.self, forKey: .orderRevision)
        creditedInvoiceId = try c.decodeIfPresent(Int64.self, forKey: .creditedInvoiceId)
        origin = try c.decode(InvoiceOrigin.self, forKey: .origin)
        generationKey = try c.decodeIfPresent(String.self, forKey: .generationKey)
        automatic = try c.decode(Bool.self, forKey: .automatic)
        totalHt = try c.decode(Int64.self, forKey: .totalHt)
        totalVat = try c.decode(Int64.self, forKey: .totalVat)
        totalTtc = try c.decode(Int64.self, forKey: .totalTtc)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        issuedAt = try c.decodeIfPresent(String.self, forKey: .issuedAt)
        let start = try c.decodeIfPresent(String.self, forKey: .serviceStart)
        let end = try c.decodeIfPresent(String.self, forKey: .serviceEnd)
        let service = try StoredValue.period(start, end, "document period", of: name)
        (serviceStart, serviceEnd) = (service?.start, service?.end)
    }

    /// Stores the days as ISO text and the terms as their words, as the ledger always has.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(status, forKey: .status)
        try c.encode(number, forKey: .number)
        try c.encode(series, forKey: .series)
        try c.encode(client, forKey: .client)
        try c.encode(payer, forKey: .payer)
        try c.encode(site, forKey: .site)
        try c.encode(periodStart.description, forKey: .periodStart)
        try c.encode(periodEnd.description, forKey: .periodEnd)
        try c.encode(issueDate.description, forKey: .issueDate)
        try c.encode(dueDate.description, forKey: .dueDate)
        try c.encode(paymentTerms.description, forKey: .paymentTerms)
        try c.encode(poNumber, forKey: .poNumber)
        try c.encode(orderId, forKey: .orderId)
        try c.encode(orderRevision, forKey: .orderRevision)
        try c.encode(creditedInvoiceId, forKey: .creditedInvoiceId)
        try c.encode(origin, forKey: .origin)
        try c.encode(generationKey, forKey: .generationKey)
        try c.encode(automatic, forKey: .automatic)
        try c.encode(totalHt, forKey: .totalHt)
        try c.encode(totalVat, forKey: .totalVat)
        try c.encode(totalTtc, forKey: .totalTtc)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(issuedAt, forKey: .issuedAt)
        try c.encode(serviceStart?.description, forKey: .serviceStart)
        try c.encode(serviceEnd?.description, forKey: .serviceEnd)
    }
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
    /// The line's service period (both nil: none), ISO days in the ledger.
    public var serviceStart: Day?
    public var serviceEnd: Day?
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
    /// Every fact the explanation states ("v18 line facts"), stored as the JSON of `LineFacts`: nil only for a
    /// line stored before the migration whose explanation it could not read (then `explanation` is all there is).
    public var facts: LineFacts? = nil

    public static let databaseTableName = "invoice_line"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns { public static let invoiceId = Column("invoice_id"), position = Column("position") }

    public var netAmount: Money { Money(cents: net) }
    public var price: Price { Price(tenThousandths: unitPrice) }
    public var rate: VATRate { VATRate(tenThousandths: vatRate) }
    public var grossPrice: Price? { grossUnitPrice.map { Price(tenThousandths: $0) } }
    /// The line's explanation in English: worded from its facts, or as stored when they are not known.
    public var englishExplanation: String { facts?.english ?? explanation }
    /// The line's service period; nil when it stores none.
    public var servicePeriod: Period? {
        guard let s = serviceStart, let e = serviceEnd else { return nil }
        return Period(start: s, end: e)
    }
    /// What the line was computed from, as stored (nil: not known).
    public var basis: LineBasis? {
        basisKind.map {
            LineBasis(
                $0, category: basisCategory, rate: basisRate.map(VATRate.init(tenThousandths:)),
                guests: basisGuests ?? true)
        }
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
    /// Every fact the explanation states (nil: not known, a line stored before "v18 line facts" only). Set with
    /// `explained(by:)`, which words the English explanation from them.
    public private(set) var facts: LineFacts?

    public init(
        label: String, quantity: Int, unitPrice: Price, net: Money, vat: VATRate, revenueType: String? = nil,
        site: String? = nil,
        service: Period? = nil, termLine: Int? = nil, explanation: String = "", orderId: String? = nil,
        orderRevision: Int? = nil, grossUnitPrice: Price? = nil, basis: LineBasis? = nil, facts: LineFacts? = nil
    ) {
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
        self.facts = facts
        if let facts { self.explanation = facts.english }
    }

    /// The line with `facts` as what it states, its English explanation worded from them.
    public func explained(by facts: LineFacts) -> NewInvoiceLine {
        var l = self
        l.facts = facts
        l.explanation = facts.english
        return l
    }

    /// The line with `computation` as its facts (no sites, no edits).
    public func explained(by computation: LineFacts.Computation) -> NewInvoiceLine {
        explained(by: LineFacts(computation))
    }

    /// The line with a person's edit recorded after the others.
    public func edited(by who: String, reason: String) -> NewInvoiceLine {
        guard var f = facts else {
            // A line without facts (stored before "v18 line facts", its explanation unread) stays without: the edit
            // is added to its stored words only.
            var l = self
            let edit = LineFacts(.notRecorded, edits: [LineFacts.Edit(by: who, reason: reason)]).english
            l.explanation += (explanation.isEmpty ? "" : "; ") + edit
            return l
        }
        f.edits.append(LineFacts.Edit(by: who, reason: reason))
        return explained(by: f)
    }

    public init(_ stored: InvoiceLine) {
        self.init(
            label: stored.label, quantity: stored.quantity, unitPrice: stored.price, net: stored.netAmount,
            vat: stored.rate,
            revenueType: stored.revenueType, site: stored.site,
            service: stored.servicePeriod,
            termLine: stored.termLine, explanation: stored.explanation, orderId: stored.orderId,
            orderRevision: stored.orderRevision, grossUnitPrice: stored.grossPrice, basis: stored.basis,
            facts: stored.facts)
        explanation = stored.explanation
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
    public var paymentTerms: PaymentTerms
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
    /// The tickets behind a payer's lines, by line position (1-based): stored with them ("v18 payer breakdown").
    public var lineTickets: [Int: [TicketGroup]] = [:]

    public init(
        type: DocumentKind, series: String, client: String, payer: String? = nil, site: String? = nil, period: Period,
        issueDate: Day, dueDate: Day, paymentTerms: PaymentTerms, poNumber: String? = nil, orderId: String? = nil,
        orderRevision: Int? = nil, creditedInvoiceId: Int64? = nil, origin: InvoiceOrigin, generationKey: String? = nil,
        automatic: Bool = false, lines: [NewInvoiceLine], siteDays: [SiteDayKey] = []
    ) {
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

/// What storing one draft did (`LedgerDatabase.storeProformas`).
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
