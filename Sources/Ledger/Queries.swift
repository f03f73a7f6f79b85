import BillingModel
import Diagnostics
import Foundation
import GRDB

/// Which file version of each site-day a query reads.
public enum SiteDayVersion: Sendable {
    /// The latest delivery: the truth today.
    case current
    /// The version a validated invoice used (site-days never billed are left out).
    case billed

    var column: String { self == .current ? "current_file_id" : "billed_file_id" }
}

/// A site and a business day.
public struct SiteDayKey: Hashable, Sendable, Comparable {
    public var site: String
    public var day: Day
    public init(site: String, day: Day) { self.site = site; self.day = day }
    public static func < (a: SiteDayKey, b: SiteDayKey) -> Bool { (a.day, a.site) < (b.day, b.site) }
}

/// A client's revenue at a site on a day for one diner category, as the
/// contracts need it.
public struct RevenueDay: Hashable, Sendable {
    public var client: String
    public var site: String
    public var day: Day
    public var category: String
    /// Tickets of activity SELF or BRASS whose lines add up to a positive amount.
    public var covers: Int
    /// Sum of `part_patronale` (TTC) per VAT rate, every activity.
    public var employerShare: [VATRate: Money]
    /// Guest tickets' (category INV) amount TTC per VAT rate, every activity.
    public var guestAmount: [VATRate: Money]
    /// CAFET lines' amount TTC per VAT rate.
    public var cafeteriaAmount: [VATRate: Money]
    /// The tickets behind `employerShare`: per VAT rate and share of a ticket, how many tickets (Σ share × tickets =
    /// `employerShare` at each rate; tickets whose share adds up to nothing are left out).
    public var shareCounts: [ShareCount]

    public init(
        client: String, site: String, day: Day, category: String, covers: Int = 0,
        employerShare: [VATRate: Money] = [:], guestAmount: [VATRate: Money] = [:],
        cafeteriaAmount: [VATRate: Money] = [:], shareCounts: [ShareCount] = []
    ) {
        self.client = client; self.site = site; self.day = day; self.category = category; self.covers = covers
        self.employerShare = employerShare; self.guestAmount = guestAmount; self.cafeteriaAmount = cafeteriaAmount
        self.shareCounts = shareCounts
    }
}

/// A client and a diner category: the key of a tray cap (T4).
public struct ClientCategory: Hashable, Sendable {
    public var client: String
    public var category: String
    public init(client: String, category: String) { self.client = client; self.category = category }
}

/// Sum over a client's covers at a site of `min(cap, ticket TTC)`.
public struct CappedTrayTotal: Hashable, Sendable {
    public var client: String
    public var site: String
    public var category: String
    public var covers: Int
    public var total: Money
    public init(client: String, site: String, category: String, covers: Int, total: Money) {
        self.client = client; self.site = site; self.category = category; self.covers = covers; self.total = total
    }
}

/// An event order as it stands: its current revision and that revision's lines.
public struct EventOrderSnapshot: Hashable, Sendable {
    public var revision: EventOrderRevision
    public var lines: [EventOrderLine]
}

extension LedgerDatabase {
    /// Per (client, site, day, category) covers and TTC sums per VAT rate, over
    /// the chosen version of every site-day in `period`. Anonymous sales are
    /// left out; unknown clients are included (they are reported as unbilled).
    /// The ledger's one scan of the ticket lines (`periodRevenue`), so covers are counted by `Covers` only.
    public func revenueDays(period: Period, version: SiteDayVersion = .current) throws -> [RevenueDay] {
        try periodRevenue(period: period, version: version).days
    }

    /// The site-days of `period` on which the site had at least one valid row
    /// (the days of the daily minimum guarantee, T11).
    public func siteDaysWithTickets(period: Period) throws -> [SiteDayKey] {
        try engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT sd.site, sd.day FROM site_day sd JOIN imported_file f ON f.id = sd.current_file_id
                    WHERE sd.day BETWEEN ? AND ? AND f.row_count > 0 ORDER BY sd.day, sd.site
                    """, arguments: [period.start.ordinal, period.end.ordinal]
            )
            .map { try SiteDayKey(site: $0[0], day: Day(ordinal: $0[1])) }
        }
    }

    /// Per (client, site, category) of `caps`: the covers of `period` and the
    /// sum over them of `min(cap, ticket TTC)` (T4).
    public func cappedTrayTotals(period: Period, caps: [ClientCategory: Money]) throws -> [CappedTrayTotal] {
        if caps.isEmpty { return [] }
        // From the one scan of the ticket lines: its covers and its capped trays by day, summed over the days.
        let scan = try periodRevenue(period: period, caps: caps)
        struct Key: Hashable, Comparable {
            var client: String, site: String, category: String
            static func < (a: Key, b: Key) -> Bool { (a.client, a.site, a.category) < (b.client, b.site, b.category) }
        }
        var covers: [Key: Int] = [:], cents: [Key: Int64] = [:]
        for d in scan.days where d.covers > 0 && caps[ClientCategory(client: d.client, category: d.category)] != nil {
            covers[Key(client: d.client, site: d.site, category: d.category), default: 0] += d.covers
        }
        for t in scan.trays {
            cents[Key(client: t.client, site: t.site, category: t.category), default: 0] += t.total.cents
        }
        return covers.keys.sorted().map { k in
            CappedTrayTotal(
                client: k.client, site: k.site, category: k.category, covers: covers[k] ?? 0,
                total: Money(cents: cents[k] ?? 0))
        }
    }

    /// The current revision of every order whose delivery day (local) is in
    /// `period`, with its lines; cancelled-after-delivery orders included.
    ///
    /// With `onlyForPeriodicBilling`, orders another document already bills
    /// are left out: those with a line in an issued document, or in a live
    /// document made apart from the contracts' periodic billing (an order
    /// invoiced on its own). An order is billed with its month only once;
    /// its later changes are billed order by order.
    public func deliveredOrders(period: Period, onlyForPeriodicBilling: Bool = false) throws -> [EventOrderSnapshot] {
        try engine.read { db in
            let revisions = try db.fetchRecords(
                EventOrderRevision.self,
                sql: """
                    SELECT r.* FROM event_order_revision r
                    JOIN event_order o ON o.order_id = r.order_id AND o.current_revision = r.revision
                    WHERE r.delivered_day BETWEEN ? AND ?
                      AND NOT \(LedgerDatabase.orderConflictSQL(order: "r.order_id", revision: "r.revision"))
                      AND (? = 0 OR NOT EXISTS (SELECT 1 FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id
                                                WHERE l.order_id = r.order_id
                                                  AND (v.status = 'issued' OR (v.status = 'proforma' AND v.origin <> 'contract'))))
                    ORDER BY r.delivered_day, r.order_id
                    """, arguments: [period.start.ordinal, period.end.ordinal, onlyForPeriodicBilling])
            return try revisions.map { r in
                let lines = try db.fetchRecords(
                    EventOrderLine.self, sql: "SELECT * FROM event_order_line WHERE revision_id = ? ORDER BY line_no",
                    arguments: [r.id])
                return EventOrderSnapshot(revision: r, lines: lines)
            }
        }
    }

    /// The current revision of one order, with its lines.
    public func currentOrder(_ orderID: String) throws -> EventOrderSnapshot? {
        try engine.read { db in
            guard
                let r = try db.fetchRecord(
                    EventOrderRevision.self,
                    sql: """
                        SELECT r.* FROM event_order_revision r
                        JOIN event_order o ON o.order_id = r.order_id AND o.current_revision = r.revision
                        WHERE r.order_id = ?
                        """, arguments: [orderID])
            else { return nil }
            let lines = try db.fetchRecords(
                EventOrderLine.self, sql: "SELECT * FROM event_order_line WHERE revision_id = ? ORDER BY line_no",
                arguments: [r.id])
            return EventOrderSnapshot(revision: r, lines: lines)
        }
    }

    /// Marks the current file version of each site-day as billed: the billing
    /// engine calls it when it validates an invoice using them. Late revenue
    /// of those site-days is settled at the same time. Returns the count marked.
    @discardableResult
    public func markSiteDaysBilled(_ siteDays: [SiteDayKey], at date: Date = Date()) throws -> Int {
        let now = LedgerDatabase.timestamp(date)
        return try engine.write { db in
            var count = 0
            for key in siteDays {
                try db.execute(
                    sql: """
                        UPDATE site_day SET billed_file_id = current_file_id WHERE site = ? AND day = ?
                        """, arguments: [key.site, key.day.ordinal])
                count += db.changesCount
                try db.execute(
                    sql: """
                        UPDATE late_revenue SET settled_at = ? WHERE site = ? AND day = ? AND settled_at IS NULL
                        """, arguments: [now, key.site, key.day.ordinal])
            }
            return count
        }
    }

    /// Corrected re-deliveries of billed site-days not yet billed again.
    public func openLateRevenue() throws -> [LateRevenue] {
        try engine.read { db in
            try db.fetchRecords(
                LateRevenue.self, sql: "SELECT * FROM late_revenue WHERE settled_at IS NULL ORDER BY day, site")
        }
    }

    /// Site-days whose billed version differs from the current one.
    public func siteDaysBilledOnOtherVersion() throws -> [SiteDay] {
        try engine.read { db in
            try db.fetchRecords(
                SiteDay.self,
                sql: """
                    SELECT * FROM site_day WHERE billed_file_id IS NOT NULL AND billed_file_id <> current_file_id
                    ORDER BY day, site
                    """)
        }
    }

    /// The site-day row of a site and day.
    public func siteDay(site: String, day: Day) throws -> SiteDay? {
        try engine.read { db in
            try db.fetchRecord(
                SiteDay.self, sql: "SELECT * FROM site_day WHERE site = ? AND day = ?", arguments: [site, day.ordinal])
        }
    }
}

extension LedgerDatabase {
    /// Like `cappedTrayTotals`, per day: (client, site, day, category) → covers and Σ min(cap, ticket TTC).
    public func cappedTrayTotalsByDay(period: Period, caps: [ClientCategory: Money]) throws -> [(
        client: String, site: String, day: Day, category: String, total: Money
    )] {
        if caps.isEmpty { return [] }
        let json =
            "["
            + caps.map { k, v in "[\(JSON.string(k.client)),\(JSON.string(k.category)),\(v.cents)]" }
            .joined(separator: ",") + "]"
        return try engine.read { db in
            let capsSQL = db.sql(
                sqlite: """
                    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
                    FROM json_each(?)
                    """,
                postgres: "SELECT value->>0, value->>1, (value->>2)::bigint FROM json_array_elements(?::json)")
            return try db.fetchAll(
                sql: """
                    WITH caps(client, category, cap) AS (\(capsSQL)),
                    files(file_id, day) AS (SELECT current_file_id, day FROM site_day WHERE day BETWEEN ? AND ?),
                    tickets(client, site, day, category, total) AS (
                      SELECT t.client, t.site, f.day, t.category, SUM(t.amount) FROM ticket_line t JOIN files f ON f.file_id = t.file_id
                      WHERE t.client IN (SELECT client FROM caps) AND t.activity IN ('SELF', 'BRASS')
                      GROUP BY t.file_id, t.site, f.day, t.client, t.category, t.ticket
                      HAVING SUM(t.amount) > 0)
                    SELECT t.client, t.site, t.day, t.category, SUM(\(db.sql(sqlite: "MIN", postgres: "LEAST"))(c.cap, t.total))
                    FROM tickets t JOIN caps c ON c.client = t.client AND c.category = t.category
                    GROUP BY t.client, t.site, t.day, t.category
                    """, arguments: [json, period.start.ordinal, period.end.ordinal]
            )
            .map {
                try (client: $0[0], site: $0[1], day: Day(ordinal: $0[2]), category: $0[3], total: Money(cents: $0[4]))
            }
        }
    }
}

extension LedgerDatabase {
    /// The current register file of each site-day of `period`: what `.current` reads.
    public func currentFiles(period: Period) throws -> [SiteDayKey: Int64] {
        try engine.read { db in
            var out: [SiteDayKey: Int64] = [:]
            try db.forEach(
                sql: "SELECT site, day, current_file_id FROM site_day WHERE day BETWEEN ? AND ?",
                arguments: [period.start.ordinal, period.end.ordinal]
            ) { r in
                out[try SiteDayKey(site: r[0], day: Day(ordinal: r[1]))] = try r[2]
            }
            return out
        }
    }

    /// The register file of each site-day of `period` that the issued
    /// documents of `client` (from a contract or a correction) billed: for a
    /// site-day several documents carry, the one the latest issued recorded.
    /// Site-days no such document carries are left out.
    ///
    /// With `group`, only the documents of that invoice of the contract (its
    /// payer and site, nil matching nil): each invoice was corrected on its own.
    public func invoicedFiles(client: String, period: Period, group: (payer: String?, site: String?)? = nil) throws
        -> [SiteDayKey: Int64]
    {
        try engine.read { db in
            var out: [SiteDayKey: Int64] = [:]
            // From the client's documents (an index) to their site-days (the key), in issue
            // order: a later document's record replaces an earlier one's.
            let same = db.sql(sqlite: "IS", postgres: "IS NOT DISTINCT FROM")
            try db.forEach(
                sql: """
                    SELECT i.site, i.day, i.file_id FROM invoice v JOIN invoice_site_day i ON i.invoice_id = v.id
                    WHERE v.client = ?1 AND i.client = ?1 AND i.day BETWEEN ?2 AND ?3
                      AND v.status = 'issued' AND v.origin IN ('contract', 'correction')
                      AND (?4 = 0 OR (v.payer \(same) ?5 AND v.site \(same) ?6))
                    ORDER BY v.issued_at, v.id
                    """,
                arguments: [client, period.start.ordinal, period.end.ordinal, group != nil, group?.payer, group?.site]
            ) { r in
                out[try SiteDayKey(site: r[0], day: Day(ordinal: r[1]))] = try r[2]
            }
            return out
        }
    }

    /// Of the site-days of `files`, those whose named file has at least one
    /// valid row (`siteDaysWithTickets` over chosen file versions).
    public func siteDaysWithTickets(files: [SiteDayKey: Int64]) throws -> [SiteDayKey] {
        let withRows = try engine.read { db in
            Set(
                try db.fetchColumn(
                    Int64.self,
                    sql: "SELECT id FROM imported_file WHERE id IN (\(db.integersOfJSONArgument)) AND row_count > 0",
                    arguments: [LedgerDatabase.jsonArray(files.values)]))
        }
        return files.filter { withRows.contains($0.value) }.map(\.key).sorted()
    }
}
