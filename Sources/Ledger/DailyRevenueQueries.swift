import BillingModel
import Foundation
import GRDB
import GRDBSQLite

/// Which rows of the daily aggregate a dashboard reads: a scope of clients (nil: every client, anonymous
/// sales included), optionally narrowed to one site or one client. The scope is part of the query's WHERE
/// clause; a client outside the scope selects nothing.
public struct RevenueFilter: Sendable, Hashable {
    public var clients: Set<String>?
    public var site: String?
    public var client: String?

    public init(clients: Set<String>? = nil, site: String? = nil, client: String? = nil) {
        self.clients = clients; self.site = site; self.client = client
    }

    /// The WHERE clause (after the day range) and its arguments.
    func sql(alias: String = "") -> (sql: String, arguments: StatementArguments) {
        var sql = ""
        var arguments: StatementArguments = []
        if let site {
            sql += " AND \(alias)site = ?"
            arguments += [site]
        }
        if let client {
            if clients?.contains(client) ?? true {
                sql += " AND \(alias)client = ?"
                arguments += [client]
            } else {
                sql += " AND 0"
            }
        } else if let clients {
            // One JSON argument: no limit on the number of clients.
            sql += " AND \(alias)client IN (SELECT value FROM json_each(?))"
            arguments += [LedgerDatabase.jsonArray(clients.sorted())]
        }
        return (sql, arguments)
    }
}

/// One row of `daily_revenue` as it is stepped: valid only inside the call that receives it (its texts point
/// into SQLite's row).
public struct DailyRevenueRow {
    let s: OpaquePointer

    public var day: Int { Int(sqlite3_column_int64(s, 0)) }
    public var site: UnsafeBufferPointer<UInt8> { Self.bytes(s, 1) }
    /// Empty for anonymous sales.
    public var client: UnsafeBufferPointer<UInt8> { Self.bytes(s, 2) }
    /// `SELF`, `CAFET`, `BRASS` or `EVENT` (the table's CHECK).
    public var activity: UnsafeBufferPointer<UInt8> { Self.bytes(s, 3) }
    public var covers: Int { Int(sqlite3_column_int64(s, 4)) }
    public var lines: Int { Int(sqlite3_column_int64(s, 5)) }
    /// Cents: TTC for register activities, HT at order prices for events.
    public var amount: Int64 { sqlite3_column_int64(s, 6) }
    public var employerShare: Int64 { sqlite3_column_int64(s, 7) }
    /// Whether an issued document recorded the client-site-day (register rows).
    public var invoiced: Bool { sqlite3_column_int64(s, 8) != 0 }

    static func bytes(_ s: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let n = Int(sqlite3_column_bytes(s, column))
        guard let p = sqlite3_column_text(s, column), n > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: n)
    }
}

/// The dashboards' named queries over the daily aggregate and the event orders, inside one read transaction
/// (`LedgerDatabase.readRevenue`), so that the figures of one page agree with each other.
public struct RevenueReader {
    let db: Database

    /// Every row of the days of `period` that `filter` selects, in key order (day, site, client, activity), with
    /// no SQL sort; `registerOnly` leaves the event rows out.
    public func forEachDailyRevenue(
        period: Period, filter: RevenueFilter, registerOnly: Bool = false,
        _ body: (DailyRevenueRow) throws -> Void
    ) throws {
        let (where_, arguments) = filter.sql()
        let statement = try db.makeStatement(
            sql: """
                SELECT day, site, client, activity, covers, lines, amount, employer_share, invoiced FROM daily_revenue
                WHERE day BETWEEN ? AND ?\(registerOnly ? " AND activity <> 'EVENT'" : "")\(where_)
                """)
        try statement.setArguments([period.start.ordinal, period.end.ordinal] + arguments)
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) })
            }
            try body(DailyRevenueRow(s: s))
        }
    }

    /// The HT at order prices of the current revisions delivered in `period` that `filter` selects: the part an
    /// issued document bills, and the rest (nil when no such order).
    public func deliveredEventOrders(period: Period, filter: RevenueFilter) throws -> (
        invoiced: Money?, notInvoiced: Money?
    ) {
        let (orderWhere, orderArguments) = filter.sql(alias: "r.")
        let orders = try Row.fetchCursor(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM invoice_line il JOIN invoice i ON i.id = il.invoice_id
                               WHERE il.order_id = o.order_id AND i.status = 'issued'),
                       SUM((l.quantity * l.unit_price + 50) / 100)
                FROM event_order_revision r
                JOIN event_order o ON o.order_id = r.order_id AND o.current_revision = r.revision
                JOIN event_order_line l ON l.revision_id = r.id
                WHERE r.status = 'delivered' AND r.delivered_day BETWEEN ? AND ?\(orderWhere)
                GROUP BY 1
                """, arguments: [period.start.ordinal, period.end.ordinal] + orderArguments)
        var invoiced: Money?, notInvoiced: Money?
        while let row = try orders.next() {
            let amount = Money(cents: row[1])
            if row[0] as Bool {
                invoiced = (invoiced ?? .zero) + amount
            } else {
                notInvoiced = (notInvoiced ?? .zero) + amount
            }
        }
        return (invoiced, notInvoiced)
    }
}

extension LedgerDatabase {
    /// Runs `body` in one read transaction over the revenue queries.
    public func readRevenue<T>(_ body: (RevenueReader) throws -> T) throws -> T {
        try pool.read { db in try body(RevenueReader(db: db)) }
    }

    /// The sites and the clients (anonymous sales left out) that have revenue in `period` within the scope `clients`.
    public func revenueSitesAndClients(period: Period, clients: Set<String>?) throws -> (
        sites: [String], clients: [String]
    ) {
        let (where_, arguments) = RevenueFilter(clients: clients).sql()
        return try pool.read { db in
            let sites = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT site FROM daily_revenue WHERE day BETWEEN ? AND ?\(where_) ORDER BY site
                    """, arguments: [period.start.ordinal, period.end.ordinal] + arguments)
            let clients = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT client FROM daily_revenue WHERE day BETWEEN ? AND ? AND client <> ''\(where_) ORDER BY client
                    """, arguments: [period.start.ordinal, period.end.ordinal] + arguments)
            return (sites, clients)
        }
    }

    /// The number of rows of the daily aggregate (benchmarks print it).
    public func dailyRevenueRowCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM daily_revenue") ?? 0 }
    }
}
