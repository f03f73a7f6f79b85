import BillingModel
import GRDB

/// Which documents a list shows: every condition is in SQL, so a page and
/// its totals are read without loading the other documents.
public struct DocumentFilter: Sendable, Hashable {
    /// The statuses listed (none: the filter matches nothing).
    public var statuses: [InvoiceStatus]
    public var client: String?
    /// The clients the reader may see; nil: every client.
    public var scope: Set<String>?
    public var site: String?
    public var automatic: Bool?
    public var type: DocumentKind?
    /// Documents whose period overlaps this one.
    public var period: Period?

    public init(
        statuses: [InvoiceStatus], client: String? = nil, scope: Set<String>? = nil, site: String? = nil,
        automatic: Bool? = nil, type: DocumentKind? = nil, period: Period? = nil
    ) {
        self.statuses = statuses
        self.client = client
        self.scope = scope
        self.site = site
        self.automatic = automatic
        self.type = type
        self.period = period
    }

    /// The WHERE clause and its arguments.
    var sql: (String, StatementArguments) {
        var conditions = ["status IN (SELECT value FROM json_each(?))"]
        var arguments: StatementArguments = [LedgerDatabase.jsonArray(statuses.map(\.rawValue))]
        if let client { conditions.append("client = ?"); arguments += [client] }
        if let scope {
            // One JSON argument: no limit on the number of clients in a scope.
            conditions.append("client IN (SELECT value FROM json_each(?))")
            arguments += [LedgerDatabase.jsonArray(scope.sorted())]
        }
        if let site { conditions.append("site = ?"); arguments += [site] }
        if let automatic { conditions.append("automatic = ?"); arguments += [automatic] }
        if let type { conditions.append("type = ?"); arguments += [type.rawValue] }
        if let period {
            conditions.append("period_start <= ? AND period_end >= ?")
            arguments += [period.end.description, period.start.description]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

}

/// The order of a document list. Numbers are ordered as text: within a series they are zero-padded and
/// follow their dates, so a series reads in issue order (`AV-…` before `FA-…`).
public enum DocumentOrder: String, Sendable, Hashable, CaseIterable {
    /// Creation order (ids): the default.
    case id
    case numberAscending, numberDescending
    /// Issue date, then number.
    case issueDateAscending, issueDateDescending

    var sql: String {
        switch self {
        case .id: return "id"
        case .numberAscending: return "number, id"
        case .numberDescending: return "number DESC, id DESC"
        case .issueDateAscending: return "issue_date, number, id"
        case .issueDateDescending: return "issue_date DESC, number DESC, id DESC"
        }
    }
}

/// One page of a document list, with the count and totals of every document the filter matches.
public struct DocumentPage: Sendable, Hashable {
    /// The documents of the page, in the order asked (id order by default).
    public var documents: [Invoice]
    /// Every matching document, all pages.
    public var count: Int
    /// Totals over every matching document, credit notes deducted (cents).
    public var totalHt: Int64
    public var totalTtc: Int64
    /// The page shown (1-based, clamped to the pages there are) and the number of pages (at least 1).
    public var page: Int
    public var pageCount: Int
}

extension LedgerDatabase {
    /// A page of the documents `filter` matches, in id order, and the count and
    /// totals of all of them, in one read transaction: the count, the totals and
    /// the page are computed by SQLite (an aggregate and `LIMIT`/`OFFSET`).
    /// The scope and the filters are in the `WHERE` clause, so the `LIMIT` applies to what the reader may see.
    public func documentPage(_ filter: DocumentFilter, page: Int, pageSize: Int, order: DocumentOrder = .id) throws
        -> DocumentPage
    {
        let (condition, arguments) = filter.sql
        let size = max(1, pageSize)
        return try pool.read { db in
            let totals = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*),
                           COALESCE(SUM(CASE WHEN type = 'credit_note' THEN -total_ht ELSE total_ht END), 0),
                           COALESCE(SUM(CASE WHEN type = 'credit_note' THEN -total_ttc ELSE total_ttc END), 0)
                    FROM invoice WHERE \(condition)
                    """, arguments: arguments)
            let count: Int = totals?[0] ?? 0
            let pageCount = max(1, (count + size - 1) / size)
            let shown = min(max(page, 1), pageCount)
            // Decoded column by column: the record's Codable decoding (column names converted from
            // snake case) cost more than the rest of a list page's query.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(Self.invoiceColumns) FROM invoice WHERE \(condition) ORDER BY \(order.sql) LIMIT ? OFFSET ?
                    """, arguments: arguments + [size, (shown - 1) * size])
            var documents: [Invoice] = []
            while let row = try rows.next() { documents.append(try Self.invoice(row)) }
            return DocumentPage(
                documents: documents, count: count, totalHt: totals?[1] ?? 0, totalTtc: totals?[2] ?? 0,
                page: shown, pageCount: pageCount)
        }
    }

    static let invoiceColumns = """
        id, type, status, number, series, client, payer, site, period_start, period_end, issue_date, due_date, payment_terms, \
        po_number, order_id, order_revision, credited_invoice_id, origin, generation_key, automatic, total_ht, total_vat, total_ttc, \
        created_at, issued_at, service_start, service_end
        """

    /// An invoice from a row of `invoiceColumns`, in that order.
    static func invoice(_ row: Row) throws -> Invoice {
        let id: Int64? = try row.decode(atIndex: 0), number: String? = try row.decode(atIndex: 3)
        let name = number ?? "proforma \(id ?? 0)"
        let period = try StoredValue.period(row.decode(atIndex: 8), row.decode(atIndex: 9), "period", of: name)
        let start: String? = try row.decode(atIndex: 25), end: String? = try row.decode(atIndex: 26)
        let service =
            start == nil && end == nil
            ? nil : try StoredValue.period(start ?? "", end ?? "", "document period", of: name)
        return Invoice(
            id: id, type: try row.decode(atIndex: 1), status: try row.decode(atIndex: 2),
            number: number, series: try row.decode(atIndex: 4), client: try row.decode(atIndex: 5),
            payer: try row.decode(atIndex: 6), site: try row.decode(atIndex: 7),
            periodStart: period.start, periodEnd: period.end,
            issueDate: try StoredValue.day(row.decode(atIndex: 10), "issue date", of: name),
            dueDate: try StoredValue.day(row.decode(atIndex: 11), "due date", of: name),
            paymentTerms: try StoredValue.paymentTerms(row.decode(atIndex: 12), of: name),
            poNumber: try row.decode(atIndex: 13),
            orderId: try row.decode(atIndex: 14),
            orderRevision: try row.decode(atIndex: 15), creditedInvoiceId: try row.decode(atIndex: 16),
            origin: try row.decode(atIndex: 17), generationKey: try row.decode(atIndex: 18),
            automatic: try row.decode(atIndex: 19),
            totalHt: try row.decode(atIndex: 20), totalVat: try row.decode(atIndex: 21),
            totalTtc: try row.decode(atIndex: 22),
            createdAt: try row.decode(atIndex: 23), issuedAt: try row.decode(atIndex: 24),
            serviceStart: service?.start, serviceEnd: service?.end)
    }

    /// The status of the first e-mail queued for each of `invoiceIDs` (`pending`, `sent`, `failed`).
    public func outboxStatuses(invoiceIDs: [Int64]) throws -> [Int64: String] {
        guard !invoiceIDs.isEmpty else { return [:] }
        let ids = "[" + invoiceIDs.map(String.init).joined(separator: ",") + "]"
        return try pool.read { db in
            var result: [Int64: String] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT invoice_id, status FROM outbox WHERE invoice_id IN (SELECT value FROM json_each(?)) ORDER BY id
                    """, arguments: [ids])
            while let row = try rows.next() {
                let id: Int64 = row[0]
                if result[id] == nil { result[id] = row[1] }
            }
            return result
        }
    }
}
