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

    /// The WHERE clause (after the day range) and its arguments, in the dialect of `db`.
    func sql(_ db: any SQLSession, alias: String = "") -> (sql: String, arguments: [SQLValue]) {
        var sql = ""
        var arguments: [SQLValue] = []
        if let site {
            sql += " AND \(alias)site = ?"
            arguments.append(.text(site))
        }
        if let client {
            if clients?.contains(client) ?? true {
                sql += " AND \(alias)client = ?"
                arguments.append(.text(client))
            } else {
                sql += " AND 1 = 0"
            }
        } else if let clients {
            // One JSON argument: no limit on the number of clients.
            sql += " AND \(alias)client IN (\(db.stringsOfJSONArgument))"
            arguments.append(.text(LedgerDatabase.jsonArray(clients.sorted())))
        }
        return (sql, arguments)
    }
}

/// One row of `daily_revenue` as it is stepped: valid only inside the call that receives it (its texts point
/// into SQLite's row, or into the strings of a PostgreSQL row while the call lasts).
public struct DailyRevenueRow {
    /// SQLite: the statement on the row.
    let s: OpaquePointer?
    /// PostgreSQL: the row's values, its texts borrowed for the call.
    let fields: Fields?

    struct Fields {
        var day: Int, site: UnsafeBufferPointer<UInt8>, client: UnsafeBufferPointer<UInt8>,
            activity: UnsafeBufferPointer<UInt8>
        var covers: Int, lines: Int, amount: Int64, employerShare: Int64, invoiced: Bool
    }

    init(s: OpaquePointer) {
        self.s = s
        fields = nil
    }

    init(fields: Fields) {
        s = nil
        self.fields = fields
    }

    public var day: Int { s.map { Int(sqlite3_column_int64($0, 0)) } ?? fields?.day ?? 0 }
    public var site: UnsafeBufferPointer<UInt8> { s.map { Self.bytes($0, 1) } ?? fields?.site ?? Self.empty }
    /// Empty for anonymous sales.
    public var client: UnsafeBufferPointer<UInt8> { s.map { Self.bytes($0, 2) } ?? fields?.client ?? Self.empty }
    /// `SELF`, `CAFET`, `BRASS` or `EVENT` (the table's CHECK).
    public var activity: UnsafeBufferPointer<UInt8> { s.map { Self.bytes($0, 3) } ?? fields?.activity ?? Self.empty }
    public var covers: Int { s.map { Int(sqlite3_column_int64($0, 4)) } ?? fields?.covers ?? 0 }
    public var lines: Int { s.map { Int(sqlite3_column_int64($0, 5)) } ?? fields?.lines ?? 0 }
    /// Cents: TTC for register activities, HT at order prices for events.
    public var amount: Int64 { s.map { sqlite3_column_int64($0, 6) } ?? fields?.amount ?? 0 }
    public var employerShare: Int64 { s.map { sqlite3_column_int64($0, 7) } ?? fields?.employerShare ?? 0 }
    /// Whether an issued document recorded the client-site-day (register rows).
    public var invoiced: Bool { s.map { sqlite3_column_int64($0, 8) != 0 } ?? fields?.invoiced ?? false }

    static var empty: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }

    static func bytes(_ s: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let n = Int(sqlite3_column_bytes(s, column))
        guard let p = sqlite3_column_text(s, column), n > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: n)
    }
}

/// The dashboards' named queries over the daily aggregate and the event orders, inside one read transaction
/// (`LedgerDatabase.readRevenue`), so that the figures of one page agree with each other.
public struct RevenueReader {
    let db: any SQLSession

    /// Every row of the days of `period` that `filter` selects, in key order (day, site, client, activity): with
    /// no SQL sort on SQLite (the table's own order), in the primary key's order on PostgreSQL; `registerOnly`
    /// leaves the event rows out.
    public func forEachDailyRevenue(
        period: Period, filter: RevenueFilter, registerOnly: Bool = false,
        _ body: (DailyRevenueRow) throws -> Void
    ) throws {
        let (where_, arguments) = filter.sql(db)
        let sql = """
            SELECT day, site, client, activity, covers, lines, amount, employer_share, invoiced FROM daily_revenue
            WHERE day BETWEEN ? AND ?\(registerOnly ? " AND activity <> 'EVENT'" : "")\(where_)
            """
        let bounds: [SQLValue] = [.integer(Int64(period.start.ordinal)), .integer(Int64(period.end.ordinal))]
        guard let sqlite = db as? GRDBSession else {
            try db.forEachRow(sql + " ORDER BY day, site, client, activity", bounds + arguments) { row in
                var site: String = try row[1], client: String = try row[2], activity: String = try row[3]
                let day: Int = try row[0], covers: Int = try row[4], lines: Int = try row[5]
                let amount: Int64 = try row[6], share: Int64 = try row[7], invoiced: Bool = try row[8]
                try site.withUTF8 { s in
                    try client.withUTF8 { c in
                        try activity.withUTF8 { a in
                            try body(
                                DailyRevenueRow(
                                    fields: .init(
                                        day: day, site: s, client: c, activity: a, covers: covers, lines: lines,
                                        amount: amount, employerShare: share, invoiced: invoiced)))
                        }
                    }
                }
                return true
            }
            return
        }
        let statement = try sqlite.db.makeStatement(sql: sql)
        try statement.setArguments(StatementArguments((bounds + arguments).map(\.databaseValue)))
        try SQLiteSteps.forEachRow(statement, of: sqlite.db) { s in
            try body(DailyRevenueRow(s: s))
            return true
        }
    }

    /// The HT at order prices of the current revisions delivered in `period` that `filter` selects: the part an
    /// issued document bills, and the rest (nil when no such order).
    public func deliveredEventOrders(period: Period, filter: RevenueFilter) throws -> (
        invoiced: Money?, notInvoiced: Money?
    ) {
        let (orderWhere, orderArguments) = filter.sql(db, alias: "r.")
        var invoiced: Money?, notInvoiced: Money?
        try db.forEach(
            sql: """
                SELECT EXISTS (SELECT 1 FROM invoice_line il JOIN invoice i ON i.id = il.invoice_id
                               WHERE il.order_id = o.order_id AND i.status = 'issued'),
                       SUM((l.quantity * l.unit_price + 50) / 100)
                FROM event_order_revision r
                JOIN event_order o ON o.order_id = r.order_id AND o.current_revision = r.revision
                JOIN event_order_line l ON l.revision_id = r.id
                WHERE r.status = 'delivered' AND r.delivered_day BETWEEN ? AND ?\(orderWhere)
                GROUP BY 1
                """,
            arguments: [.integer(Int64(period.start.ordinal)), .integer(Int64(period.end.ordinal))] + orderArguments
        ) { row in
            let amount = Money(cents: try row[1])
            if try row[0] as Bool {
                invoiced = (invoiced ?? .zero) + amount
            } else {
                notInvoiced = (notInvoiced ?? .zero) + amount
            }
        }
        return (invoiced, notInvoiced)
    }
}

/// Rows of the daily aggregate summed per day, activity and invoicing state: what the dashboards add up.
public struct DailyRevenueSum: Sendable, Hashable {
    public var day: Int
    /// `SELF`, `CAFET`, `BRASS` or `EVENT`.
    public var activity: String
    /// Sales to no client (anonymous register sales).
    public var anonymous: Bool
    /// Whether an issued document recorded the client-site-day (register rows).
    public var invoiced: Bool
    public var covers: Int
    public var lines: Int
    /// Cents: TTC for register activities, HT at order prices for events.
    public var amount: Int64
    public var employerShare: Int64

    public init(
        day: Int, activity: String, anonymous: Bool, invoiced: Bool, covers: Int, lines: Int, amount: Int64,
        employerShare: Int64
    ) {
        self.day = day; self.activity = activity; self.anonymous = anonymous; self.invoiced = invoiced
        self.covers = covers; self.lines = lines; self.amount = amount; self.employerShare = employerShare
    }
}

/// What `RevenueReader.dailyRevenueSums` returns: the sums, and the lists of the scope when asked.
public struct DailyRevenueSums: Sendable, Hashable {
    /// In (day, activity, anonymous, invoiced) order, false before true; only the combinations that have rows.
    public var sums: [DailyRevenueSum] = []
    /// The sites, and the clients (anonymous sales left out), with rows in the filter's scope of clients, not
    /// narrowed to its site or client, in byte order; empty unless listed.
    public var sites: [String] = []
    public var clients: [String] = []
}

extension RevenueReader {
    /// The rows of `period` that `filter` selects, summed per (day, activity, anonymous, invoiced); with `listing`,
    /// also the sites and clients that have rows in the filter's scope of clients (the choosers' lists).
    ///
    /// On PostgreSQL the server sums and lists (`GROUP BY`, `DISTINCT`): a few hundred rows cross the driver, not
    /// the month's 80,000, which took 16 s to read and sum in Swift (debug). On SQLite the rows are stepped
    /// through the C API and summed here in one pass that also lists: there a `GROUP BY day, activity` sorts
    /// the month's rows (90 ms in the sqlite3 shell, against 15 ms for the plain pass). Same figures on both.
    public func dailyRevenueSums(period: Period, filter: RevenueFilter, listing: Bool = false) throws
        -> DailyRevenueSums
    {
        guard db is GRDBSession else { return try serverSums(period: period, filter: filter, listing: listing) }
        return try steppedSums(period: period, filter: filter, listing: listing)
    }

    private func serverSums(period: Period, filter: RevenueFilter, listing: Bool) throws -> DailyRevenueSums {
        let (where_, arguments) = filter.sql(db)
        let bounds: [SQLValue] = [.integer(Int64(period.start.ordinal)), .integer(Int64(period.end.ordinal))]
        var result = DailyRevenueSums()
        try db.forEach(
            sql: """
                SELECT day, activity, client = '', invoiced, SUM(covers), SUM(lines), SUM(amount), SUM(employer_share)
                FROM daily_revenue WHERE day BETWEEN ? AND ?\(where_)
                GROUP BY day, activity, client = '', invoiced
                """, arguments: bounds + arguments
        ) { row in
            try result.sums.append(
                DailyRevenueSum(
                    day: row[0], activity: row[1], anonymous: row[2], invoiced: row[3], covers: row[4],
                    lines: row[5], amount: row[6], employerShare: row[7]))
        }
        // In SQLite's order, whatever the database's collation (a few hundred sums).
        result.sums.sort { a, b in
            if a.day != b.day { return a.day < b.day }
            if a.activity != b.activity { return a.activity.utf8.lexicographicallyPrecedes(b.activity.utf8) }
            if a.anonymous != b.anonymous { return !a.anonymous }
            return !a.invoiced && b.invoiced
        }
        if listing {
            let (sites, clients) = try LedgerDatabase.sitesAndClients(db, period: period, clients: filter.clients)
            // In byte order, as on SQLite, whatever the database's collation.
            result.sites = sites.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            result.clients = clients.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        return result
    }

    /// The activities of the daily aggregate (its CHECK), in byte order: the order of their sums' slots.
    static let activities = ["BRASS", "CAFET", "EVENT", "SELF"]

    /// The slot of an activity from its bytes (the table's CHECK allows only the four).
    static func activitySlot(_ p: UnsafeBufferPointer<UInt8>) throws -> Int {
        switch (p.first, p.count) {
        case (UInt8(ascii: "B"), 5): return 0
        case (UInt8(ascii: "C"), 5): return 1
        case (UInt8(ascii: "E"), 5): return 2
        case (UInt8(ascii: "S"), 4): return 3
        default:
            throw LedgerError.internalInconsistency(
                "unknown activity `\(String(decoding: p, as: UTF8.self))` in daily_revenue")
        }
    }

    private func steppedSums(period: Period, filter: RevenueFilter, listing: Bool) throws -> DailyRevenueSums {
        let dayCount = max(0, period.dayCount)
        // Slot `((day × activities) + activity) × 4 + anonymous × 2 + invoiced`.
        let slots = dayCount * Self.activities.count * 4
        var covers = [Int](repeating: 0, count: slots), lines = covers, rows = covers
        var amounts = [Int64](repeating: 0, count: slots), shares = amounts
        var sites = Set<String>(), clients = Set<String>()
        var lastSite: [UInt8] = [], lastClient: [UInt8] = []
        var haveSite = false, haveClient = false
        // Listing reads the whole scope, and the filter's site and client narrow the sums here, on the bytes.
        let scan = listing ? RevenueFilter(clients: filter.clients) : filter
        let wantedSite = listing ? filter.site.map { Array($0.utf8) } : nil
        let wantedClient = listing ? filter.client.map { Array($0.utf8) } : nil
        // A client outside the scope selects nothing (as `RevenueFilter.sql` says with `1 = 0`).
        let nothing = listing && filter.client.map { c in !(filter.clients?.contains(c) ?? true) } ?? false
        func add(_ total: inout Int64, _ v: Int64, _ what: String, _ day: Int) throws {
            let (sum, overflow) = total.addingReportingOverflow(v)
            if overflow { throw MoneyOverflow("\(what) of day \(Day(ordinal: day)): \(total) + \(v)") }
            total = sum
        }
        try forEachDailyRevenue(period: period, filter: scan) { row in
            if listing {
                let site = row.site, client = row.client
                // Rows come in key order (day, site, client): a name is made only when it changes.
                if !haveSite || !site.elementsEqual(lastSite) {
                    lastSite = Array(site)
                    haveSite = true
                    sites.insert(String(decoding: site, as: UTF8.self))
                }
                if !haveClient || !client.elementsEqual(lastClient) {
                    lastClient = Array(client)
                    haveClient = true
                    if !client.isEmpty { clients.insert(String(decoding: client, as: UTF8.self)) }
                }
                if nothing { return }
                if let wantedSite, !site.elementsEqual(wantedSite) { return }
                if let wantedClient, !client.elementsEqual(wantedClient) { return }
            }
            let d = row.day - period.start.ordinal
            guard d >= 0, d < dayCount else { return }
            let i =
                ((d * Self.activities.count + (try Self.activitySlot(row.activity))) * 4)
                + (row.client.isEmpty ? 2 : 0) + (row.invoiced ? 1 : 0)
            covers[i] += row.covers
            lines[i] += row.lines
            rows[i] += 1
            try add(&amounts[i], row.amount, "amount", row.day)
            try add(&shares[i], row.employerShare, "employer share", row.day)
        }
        var result = DailyRevenueSums()
        for i in 0..<slots where rows[i] > 0 {
            let d = i / (Self.activities.count * 4), a = (i / 4) % Self.activities.count
            result.sums.append(
                DailyRevenueSum(
                    day: period.start.ordinal + d, activity: Self.activities[a], anonymous: i & 2 != 0,
                    invoiced: i & 1 != 0, covers: covers[i], lines: lines[i], amount: amounts[i],
                    employerShare: shares[i]))
        }
        func ordered(_ names: Set<String>) -> [String] { names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        result.sites = ordered(sites)
        result.clients = ordered(clients)
        return result
    }
}

extension LedgerDatabase {
    /// Runs `body` in one read transaction over the revenue queries.
    public func readRevenue<T>(_ body: (RevenueReader) throws -> T) throws -> T {
        try engine.read { db in try body(RevenueReader(db: db)) }
    }

    /// The sites and the clients (anonymous sales left out) that have revenue in `period` within the scope `clients`.
    public func revenueSitesAndClients(period: Period, clients: Set<String>?) throws -> (
        sites: [String], clients: [String]
    ) {
        try engine.read { db in try Self.sitesAndClients(db, period: period, clients: clients) }
    }

    static func sitesAndClients(_ db: any SQLSession, period: Period, clients: Set<String>?) throws -> (
        sites: [String], clients: [String]
    ) {
        let (where_, arguments) = RevenueFilter(clients: clients).sql(db)
        let bounds: [SQLValue] = [.integer(Int64(period.start.ordinal)), .integer(Int64(period.end.ordinal))]
        let sites = try db.fetchColumn(
            String.self,
            sql: """
                SELECT DISTINCT site FROM daily_revenue WHERE day BETWEEN ? AND ?\(where_) ORDER BY site
                """, arguments: bounds + arguments)
        let clients = try db.fetchColumn(
            String.self,
            sql: """
                SELECT DISTINCT client FROM daily_revenue WHERE day BETWEEN ? AND ? AND client <> ''\(where_) ORDER BY client
                """, arguments: bounds + arguments)
        return (sites, clients)
    }

    /// The number of rows of the daily aggregate (benchmarks print it).
    public func dailyRevenueRowCount() throws -> Int {
        try engine.read { db in try db.fetchValue(Int.self, sql: "SELECT COUNT(*) FROM daily_revenue") ?? 0 }
    }
}
