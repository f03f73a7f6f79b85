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
public enum DailyRevenueActivity: String, CaseIterable, Sendable, Hashable, Comparable {
    case selfService = "SELF"
    case cafeteria = "CAFET"
    case brasserie = "BRASS"
    case events = "EVENT"

    public static func < (a: Self, b: Self) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

extension Schema {
    /// "v11 daily revenue": the aggregate, filled from the current file
    /// versions and the current order revisions of an existing ledger.
    static func registerDailyRevenue(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11 daily revenue") { db in
            try db.execute(sql: """
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
                  PRIMARY KEY (day, site, client, activity)
                ) WITHOUT ROWID;
                CREATE INDEX daily_revenue_by_client ON daily_revenue(client, day);
                CREATE INDEX daily_revenue_by_site ON daily_revenue(site, day);
                """)
            try db.execute(sql: """
                INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share)
                \(DailyRevenueSQL.allRegisterRows)
                """)
            try db.execute(sql: """
                INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share)
                \(DailyRevenueSQL.eventRows(filter: ""))
                """)
        }
    }
}

/// The SQL that computes the aggregate, shared by the migration and the importers.
enum DailyRevenueSQL {
    /// Register rows of the current files of every site-day.
    static let allRegisterRows = """
        SELECT sd.day, sd.site, t.client, t.activity, SUM(t.cover), SUM(t.n), SUM(t.amount), SUM(t.share)
        FROM (\(ticketGroups(files: "SELECT current_file_id FROM site_day"))) t
        JOIN site_day sd ON sd.current_file_id = t.file_id
        GROUP BY t.file_id, t.client, t.activity
        """

    /// Register rows of one file; arguments: day, site, file id.
    static let fileRegisterRows = """
        SELECT ?, ?, t.client, t.activity, SUM(t.cover), SUM(t.n), SUM(t.amount), SUM(t.share)
        FROM (\(ticketGroups(files: "?"))) t
        GROUP BY t.client, t.activity
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

extension Ledger {
    /// Replaces the register rows of a site-day by those of `fileID`, its
    /// current version. Call inside the import's transaction, after
    /// `site_day` points at the file.
    public static func refreshDailyRevenue(_ db: Database, site: String, day: Day, fileID: Int64) throws {
        try db.cachedStatement(sql: """
            DELETE FROM daily_revenue WHERE day = ? AND site = ? AND activity <> 'EVENT'
            """).execute(arguments: [day.ordinal, site])
        try db.cachedStatement(sql: """
            INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share)
            \(DailyRevenueSQL.fileRegisterRows)
            """).execute(arguments: [day.ordinal, site, fileID])
    }

    /// Recomputes the event row of a client at a site on a day from the
    /// current order revisions. Call inside the import's transaction for the
    /// (client, site, delivered day) of both the old and the new current revision.
    public static func refreshEventRevenue(_ db: Database, client: String, site: String, day: Int) throws {
        try db.cachedStatement(sql: """
            DELETE FROM daily_revenue WHERE day = ? AND site = ? AND client = ? AND activity = 'EVENT'
            """).execute(arguments: [day, site, client])
        try db.cachedStatement(sql: """
            INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share)
            \(DailyRevenueSQL.eventRows(filter: "AND r.delivered_day = ? AND r.site = ? AND r.client = ?"))
            """).execute(arguments: [day, site, client])
    }
}
