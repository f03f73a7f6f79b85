import BillingModel
import GRDB

/// The daily revenue aggregate (`daily_revenue`): one row per client, site,
/// day and activity, the figures the dashboards read instead of the million
/// ticket lines of a month.
///
/// - Register activities (`SELF`, `CAFET`, `BRASS`, from the ticket lines'
///   `activite`) are computed from the current register file version of the
///   site-day (`site_day.current_file_id`), in the import's own transaction:
///   a replaced version replaces its day's rows exactly. `amount` is TTC.
///   Anonymous sales (no client) are kept under client `''`.
/// - Events (`EVENT`): the event orders whose current revision is delivered
///   that day (`delivered_day`), at order prices HT (quantity × unit price,
///   rounded per line); kept up to date when an order revision is imported.
///
/// `covers` counts, per client and register activity `SELF` or `BRASS`, the
/// tickets whose lines of that activity sum above zero (the engine's covers,
/// by activity); `CAFET` and `EVENT` rows have no covers. `lines` counts
/// ticket lines (order lines for events).
extension Activity {
    /// The code `daily_revenue.activity` stores for the activity ("v11 daily revenue", frozen with it: `EVENT` for
    /// events, where the settings say `EVENTS`); nil for fees, which have no daily revenue.
    public var dailyRevenueCode: String? {
        switch self {
        case .selfService: "SELF"
        case .cafeteria: "CAFET"
        case .brasserie: "BRASS"
        case .events: "EVENT"
        case .fees: nil
        }
    }

    /// The activity of a stored `daily_revenue.activity` code; nil for a code the ledger never stores.
    public init?(dailyRevenueCode code: String) {
        guard let a = Activity.withDailyRevenue.first(where: { $0.dailyRevenueCode == code }) else { return nil }
        self = a
    }
}

extension Schema {
    /// "v11 daily revenue": the aggregate, filled from the current file
    /// versions and the current order revisions of an existing ledger.
    static func registerDailyRevenue(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11 daily revenue") { db in
            try db.execute(
                sql: """
                    CREATE TABLE daily_revenue (
                      day INTEGER NOT NULL,
                      site TEXT NOT NULL,
                      client TEXT NOT NULL,
                      activity TEXT NOT NULL
                        CHECK (activity = 'SELF' OR activity = 'CAFET' OR activity = 'BRASS' OR activity = 'EVENT'),
                      covers INTEGER NOT NULL CHECK (covers >= 0),
                      lines INTEGER NOT NULL CHECK (lines >= 0),
                      amount INTEGER NOT NULL,
                      employer_share INTEGER NOT NULL,
                      invoiced INTEGER NOT NULL DEFAULT 0 CHECK (invoiced = 0 OR invoiced = 1),
                      PRIMARY KEY (day, site, client, activity)
                    ) WITHOUT ROWID;
                    \(DailyRevenueSQL.invoicedTriggers)
                    """)
            try db.execute(
                sql: """
                    INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share)
                    \(DailyRevenueSQL.allRegisterRows)
                    """)
            try db.execute(
                sql: """
                    INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share)
                    \(DailyRevenueSQL.eventRows(filter: ""))
                    """)
            try db.execute(
                sql: """
                    UPDATE daily_revenue SET invoiced = 1
                    FROM (SELECT DISTINCT s.day, s.site, s.client FROM invoice_site_day s JOIN invoice i ON i.id = s.invoice_id
                          WHERE i.status = 'issued') AS b
                    WHERE daily_revenue.day = b.day AND daily_revenue.site = b.site AND daily_revenue.client = b.client
                      AND daily_revenue.activity <> 'EVENT'
                    """)
        }
    }
}

/// The SQL that computes the aggregate: the migration's, and the event rows of the importer.
enum DailyRevenueSQL {
    /// `invoiced` is 1 on the register rows of a client-site-day an issued
    /// document recorded (`invoice_site_day`): set by the database when a
    /// document is issued, whatever the code path (documents are issued once
    /// and never change), so "invoiced vs not yet" reads no join.
    static let invoicedTriggers = """
        CREATE TRIGGER daily_revenue_invoiced_on_issue AFTER UPDATE OF status ON invoice
          WHEN NEW.status = 'issued' AND OLD.status <> 'issued'
          BEGIN
            UPDATE daily_revenue SET invoiced = 1
            FROM (SELECT day, site, client FROM invoice_site_day WHERE invoice_id = NEW.id) AS b
            WHERE daily_revenue.day = b.day AND daily_revenue.site = b.site AND daily_revenue.client = b.client
              AND daily_revenue.activity <> 'EVENT' AND daily_revenue.invoiced = 0;
          END;
        CREATE TRIGGER daily_revenue_invoiced_on_site_day AFTER INSERT ON invoice_site_day
          WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) = 'issued'
          BEGIN
            UPDATE daily_revenue SET invoiced = 1
            WHERE day = NEW.day AND site = NEW.site AND client = NEW.client AND activity <> 'EVENT';
          END;
        """

    /// Register rows of the current files of every site-day.
    static let allRegisterRows = """
        SELECT sd.day, sd.site, t.client, t.activity, SUM(t.cover), SUM(t.n), SUM(t.amount), SUM(t.share)
        FROM (\(ticketGroups(files: "SELECT current_file_id FROM site_day"))) t
        JOIN site_day sd ON sd.current_file_id = t.file_id
        GROUP BY t.file_id, t.client, t.activity
        """

    /// One row per ticket, client and activity of the files `files` selects.
    static func ticketGroups(files: String) -> String {
        """
        SELECT file_id, COALESCE(client, '') AS client, activity, COUNT(*) AS n, SUM(amount) AS amount,
               SUM(employer_share) AS share,
               CASE WHEN activity <> 'CAFET' AND SUM(amount) > 0 THEN 1 ELSE 0 END AS cover
        FROM ticket_line WHERE file_id IN (\(files))
        GROUP BY file_id, client, activity, ticket
        """
    }

    /// Event rows of the current revisions delivered, with `filter` appended to the WHERE clause.
    static func eventRows(filter: String) -> String {
        """
        SELECT r.delivered_day, r.site, r.client, 'EVENT', 0, COUNT(*), SUM((l.quantity * l.unit_price + 50) / 100), 0
        FROM event_order o
        JOIN event_order_revision r ON r.order_id = o.order_id AND r.revision = o.current_revision
        JOIN event_order_line l ON l.revision_id = r.id
        WHERE r.status = 'delivered' \(filter)
        GROUP BY r.delivered_day, r.site, r.client
        """
    }
}

extension LedgerDatabase {
    /// Recomputes the event row of a client at a site on a day from the
    /// current order revisions. Call inside the import's transaction for the
    /// (client, site, delivered day) of both the old and the new current revision.
    static func refreshEventRevenue(_ db: any SQLSession, client: String, site: String, day: Int) throws {
        try db.execute(
            sql: """
                DELETE FROM daily_revenue WHERE day = ? AND site = ? AND client = ? AND activity = 'EVENT'
                """, arguments: [day, site, client])
        try db.execute(
            sql: """
                INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share)
                \(DailyRevenueSQL.eventRows(filter: "AND r.delivered_day = ? AND r.site = ? AND r.client = ?"))
                """, arguments: [day, site, client])
    }
}

/// The register rows of `daily_revenue` for one file, summed while the
/// importer inserts its ticket lines (reading them back in SQL after the
/// insert took 2 s of a million-line import; this takes a fraction of it).
/// Gives the same rows as the migration's SQL (a test compares them).
public struct DailyRevenueAccumulator: Sendable {
    private struct GroupKey: Hashable { var client: [UInt8]; var activity: Int }
    private struct TicketKey: Hashable { var group: Int; var ticket: [UInt8] }
    private struct Sums { var lines = 0; var amount: Int64 = 0; var share: Int64 = 0; var covers = 0 }

    private static let activities = ["SELF", "CAFET", "BRASS"]
    private var keys: [GroupKey] = []
    /// Per group: whether its activity's lines make covers (`Covers`).
    private var coverGroups: [Bool] = []
    private var sums: [Sums] = []
    private var groupIndex: [GroupKey: Int] = [:]
    /// Per ticket of a SELF or BRASS group: the sum of its lines' amounts.
    private var ticketAmounts: [Int64] = []
    private var ticketGroups: [Int] = []
    private var ticketIndex: [TicketKey: Int] = [:]
    private var lastGroup = -1
    private var lastTicket = -1
    private var lastTicketBytes: [UInt8] = []

    public init() {}

    /// Adds one stored line; `bytes` holds its text fields.
    public mutating func add(_ f: TicketLineFields, bytes: UnsafeBufferPointer<UInt8>) {
        let activity: Int
        switch f.activity.isEmpty ? 0 : bytes[f.activity.lowerBound] {
        case UInt8(ascii: "S"): activity = 0
        case UInt8(ascii: "C"): activity = 1
        default: activity = 2
        }
        // Consecutive lines mostly share client, activity and ticket: no lookup, no allocation.
        var group = lastGroup
        if group < 0 || keys[group].activity != activity || !keys[group].client.elementsEqual(bytes[f.client]) {
            let key = GroupKey(client: Array(bytes[f.client]), activity: activity)
            if let i = groupIndex[key] {
                group = i
            } else {
                group = keys.count
                keys.append(key)
                coverGroups.append(Covers.counts(activity: UnsafeBufferPointer(rebasing: bytes[f.activity])))
                sums.append(Sums())
                groupIndex[key] = group
            }
            lastGroup = group
            lastTicket = -1
        }
        sums[group].lines += 1
        sums[group].amount += f.amount
        sums[group].share += f.employerShare
        guard coverGroups[group] else { return }
        var ticket = lastTicket
        if ticket < 0 || ticketGroups[ticket] != group || !lastTicketBytes.elementsEqual(bytes[f.ticket]) {
            lastTicketBytes = Array(bytes[f.ticket])
            let key = TicketKey(group: group, ticket: lastTicketBytes)
            if let i = ticketIndex[key] {
                ticket = i
            } else {
                ticket = ticketAmounts.count
                ticketAmounts.append(0)
                ticketGroups.append(group)
                ticketIndex[key] = ticket
            }
            lastTicket = ticket
        }
        ticketAmounts[ticket] += f.amount
    }

    /// Replaces the site-day's register rows by the sums. Call in the import's transaction.
    func write(_ db: any SQLSession, site: String, day: Day) throws {
        var result = sums
        for (t, amount) in ticketAmounts.enumerated() where Covers.isCover(countedCents: amount) {
            result[ticketGroups[t]].covers += 1
        }
        try db.execute(
            sql: """
                DELETE FROM daily_revenue WHERE day = ? AND site = ? AND activity <> 'EVENT'
                """, arguments: [day.ordinal, site])
        let insert =
            "INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share) VALUES "
        let row = "(?, ?, ?, ?, ?, ?, ?, ?)"
        func values(_ i: Int) -> [SQLValue] {
            let s = result[i], key = keys[i]
            return [
                .integer(Int64(day.ordinal)), .text(site), .text(String(decoding: key.client, as: UTF8.self)),
                .text(Self.activities[key.activity]), .integer(Int64(s.covers)), .integer(Int64(s.lines)),
                .integer(s.amount), .integer(s.share)
            ]
        }
        if db.kind == .postgres {
            // A statement per 1,000 rows (8,000 parameters): on PostgreSQL each statement is a round trip, and a
            // site-day's row per client and activity, one at a time, made most of a month's import time.
            var start = 0
            while start < keys.count {
                let end = min(keys.count, start + 1_000)
                try db.execute(
                    insert + Array(repeating: row, count: end - start).joined(separator: ", "),
                    (start..<end).flatMap(values))
                start = end
            }
        } else {
            // SQLite: one prepared statement, stepped per row.
            let one = insert + row
            for i in keys.indices { try db.execute(one, values(i)) }
        }
        // A client of a site-day an issued document recorded stays invoiced when a new version arrives.
        try db.execute(
            sql: """
                UPDATE daily_revenue SET invoiced = 1
                WHERE day = ? AND site = ? AND activity <> 'EVENT' AND client IN (
                  SELECT s.client FROM invoice_site_day s JOIN invoice i ON i.id = s.invoice_id
                  WHERE s.site = ? AND s.day = ? AND i.status = 'issued')
                """, arguments: [day.ordinal, site, site, day.ordinal])
    }
}
