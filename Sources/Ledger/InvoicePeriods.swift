import BillingModel
import Diagnostics
import Foundation
import GRDB

// Late revenue to correct and closed months: the periods documents may still be made for.
extension LedgerDatabase {
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
    ///
    /// `overlapping`: only the invoice periods that overlap it (the closing of a month asks about its own);
    /// the files read are then those of those periods' days, not the whole history's.
    public func periodsWithLateRevenue(openDayClients: [String: [String]] = [:], overlapping window: Period? = nil)
        throws -> [(client: String, period: Period, siteDays: [SiteDayKey])]
    {
        try engine.read { db in
            // A document billed another version than the current one only on a site-day whose file changed:
            // from those ("v17 history bounds"), not from every site-day ever billed. (CROSS JOIN fixes SQLite's join order.)
            let cross = db.sql(sqlite: "CROSS JOIN", postgres: "JOIN")
            var rows = try db.fetchAll(
                sql: """
                    SELECT DISTINCT i.client, v.period_start, v.period_end, i.site, i.day
                    FROM site_day_redelivered r \(cross) site_day s ON s.site = r.site AND s.day = r.day
                    \(cross) invoice_site_day i ON i.site = r.site AND i.day = r.day
                    JOIN invoice v ON v.id = i.invoice_id
                    WHERE v.status = 'issued' AND v.origin IN ('contract', 'correction') AND s.current_file_id <> i.file_id
                      AND NOT EXISTS (SELECT 1 FROM invoice_site_day j JOIN invoice w ON w.id = j.invoice_id
                                      WHERE j.client = i.client AND j.site = i.site AND j.day = i.day
                                        AND w.status = 'issued' AND j.file_id = s.current_file_id)
                      AND NOT EXISTS (SELECT 1 FROM late_revenue_checked c
                                      WHERE c.client = i.client AND c.site = i.site AND c.day = i.day AND c.file_id = s.current_file_id)
                      AND v.period_end >= ? AND v.period_start <= ?
                    ORDER BY i.client, v.period_start
                    """, arguments: [window?.start.description ?? "", window?.end.description ?? "9999-12-31"])
            rows += try lateFilesOfUnbilledClients(db, openDayClients: openDayClients, overlapping: window)
            var out: [String: (client: String, period: Period, siteDays: [SiteDayKey])] = [:]
            for r in rows {
                let client: String = try r[0]
                let p = try StoredValue.period(try r[1], try r[2], "period", of: "a contract invoice of \(client)")
                let key = "\(client)|\(p.start)|\(p.end)"
                if out[key] == nil { out[key] = (client, p, []) }
                let k = try SiteDayKey(site: r[3], day: Day(ordinal: r[4]))
                if out[key]?.siteDays.contains(k) == false { out[key]?.siteDays.append(k) }
            }
            return out.values.sorted { ($0.client, $0.period.start) < ($1.client, $1.period.start) }
        }
    }

    /// Rows (client, period_start, period_end, site, day) of tickets in a
    /// site-day's current file that no issued document of the client billed at
    /// all, where the client has an issued contract invoice of that day's
    /// period generated no later than the file arrived. Only files imported
    /// after the first invoice covering their day was generated are looked at
    /// (late files are few; files of the normal flow precede invoicing), and of
    /// each, the daily aggregate's rows of its site-day (`daily_revenue`: the
    /// current file's clients, `invoiced` once an issued document recorded the
    /// client's site-day, both kept by the importing and the issuing
    /// transactions), not its ticket lines. With `window`, only the periods
    /// overlapping it and their days.
    private func lateFilesOfUnbilledClients(
        _ db: any SQLSession, openDayClients: [String: [String]], overlapping window: Period?
    ) throws -> [SQLRow] {
        var out: [SQLRow] = []
        // Only the site-days whose current file came after their period's first contract invoice, found by the
        // database: the site-days of the normal flow (all but a few) never come back to be looked at here.
        // And of those, the site-days with revenue no issued document recorded that was not checked against this
        // file, or, with rows, at a site where clients' days open by the day: what the query below can return.
        let opening = JSON.object(
            openDayClients.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map {
                ($0.key, JSON.array($0.value.sorted().map(JSON.string)))
            })
        let candidates = try db.fetchAll(
            sql: Self.lateFileCandidates(db, bounded: window != nil),
            arguments: Self.windowArguments(window) + [opening])
        for c in candidates {
            let site: String = try c[0], day = try Day(ordinal: c[1]), file: Int64 = try c[2],
                importedAt: String = try c[3], rowCount: Int = try c[4]
            let opened =
                "[" + (rowCount > 0 ? openDayClients[site] ?? [] : []).map { JSON.string($0) }.joined(separator: ",")
                + "]"
            out += try db.fetchAll(
                sql: """
                    SELECT DISTINCT t.client, v.period_start, v.period_end, ? AS site, ? AS day
                    FROM (SELECT client FROM daily_revenue WHERE day = ? AND site = ? AND activity <> 'EVENT' AND client <> ''
                            AND invoiced = 0
                          UNION \(db.stringsOfJSONArgument)) t
                    JOIN invoice v ON v.client = t.client AND v.status = 'issued' AND v.origin = 'contract'
                     AND v.period_start <= ? AND v.period_end >= ? AND v.created_at <= ?
                    WHERE NOT EXISTS (SELECT 1 FROM invoice_site_day i JOIN invoice w ON w.id = i.invoice_id
                                      WHERE i.client = t.client AND i.site = ? AND i.day = ? AND w.status = 'issued')
                      AND NOT EXISTS (SELECT 1 FROM late_revenue_checked k
                                      WHERE k.client = t.client AND k.site = ? AND k.day = ? AND k.file_id = ?)
                    """,
                arguments: [
                    site, day.ordinal, day.ordinal, site, opened, day.description, day.description, importedAt,
                    site, day.ordinal, site, day.ordinal, file
                ])
        }
        return out
    }

    /// Per period of the issued contract invoices (overlapping `?1..?2` when `bounded`), the first one's creation.
    static func earliestContractInvoices(_ bounded: Bool) -> String {
        """
        SELECT period_start, period_end, MIN(created_at) AS first_created FROM invoice WHERE status = 'issued' AND origin = 'contract'
        \(bounded ? "AND period_end >= ? AND period_start <= ?" : "")
        GROUP BY period_start, period_end
        """
    }

    static func windowArguments(_ window: Period?) -> [any SQLArgument] {
        window.map { [$0.start.description, $0.end.description] } ?? []
    }

    /// The site-days (site, day, current file, its import time and rows) of the days of a period of issued contract
    /// invoices (overlapping `?1..?2` when `bounded`) whose current file was imported once the period's first
    /// invoice was generated: period by period, through the index of site-days by day, each at most once; and of
    /// those only the ones with revenue left to look at (`daily_revenue` not invoiced and not checked against the
    /// current file) or, with rows, a client whose days open by the day at the site (`?`: a JSON object, the
    /// clients by site) that no issued document billed there that day and not checked against the file. A late
    /// file whose revenue was all billed since is not looked at again by each daily run.
    static func lateFileCandidates(_ db: any SQLSession, bounded: Bool) -> String {
        // An ISO day as the ordinal `site_day.day` holds (days since 1970-01-01).
        func ordinal(_ column: String) -> String {
            db.sql(
                sqlite: "CAST(julianday(\(column)) - 2440587.5 AS INTEGER)",
                postgres: "(\(column)::date - DATE '1970-01-01')")
        }
        // The clients whose days open at the site (`?`: a JSON object of lists by site), one row each.
        let openingClients = db.sql(
            sqlite: "json_each(?, '$.\"' || l.site || '\"') AS j",
            postgres: "json_array_elements_text((?::json) -> l.site) AS j(value)")
        // The late site-days first, then what is left to look at in them: asked of every site-day of the periods,
        // the revenue filter cost more than the search (a planner is free to test it before the import time). The
        // filter is a subquery with LIMIT, asked of each late site-day through the daily aggregate's key: as an
        // EXISTS, PostgreSQL (which cannot count a materialized CTE's rows) made it a scan of the whole aggregate.
        return """
            WITH late AS MATERIALIZED (
              SELECT DISTINCT sd.site, sd.day, sd.current_file_id, f.imported_at, f.row_count
              FROM (\(earliestContractInvoices(bounded))) e
              JOIN site_day sd ON sd.day BETWEEN \(ordinal("e.period_start")) AND \(ordinal("e.period_end"))
              JOIN imported_file f ON f.id = sd.current_file_id AND f.imported_at >= e.first_created)
            SELECT l.site, l.day, l.current_file_id, l.imported_at, l.row_count FROM late l
            WHERE (SELECT 1 FROM daily_revenue r WHERE r.day = l.day AND r.site = l.site AND r.invoiced = 0
                     AND r.activity <> 'EVENT' AND r.client <> ''
                     AND NOT EXISTS (SELECT 1 FROM late_revenue_checked k WHERE k.client = r.client
                                       AND k.site = l.site AND k.day = l.day AND k.file_id = l.current_file_id)
                     LIMIT 1) IS NOT NULL
               OR (l.row_count > 0 AND EXISTS (SELECT 1 FROM \(openingClients)
                     WHERE NOT EXISTS (SELECT 1 FROM invoice_site_day i JOIN invoice w ON w.id = i.invoice_id
                                       WHERE i.site = l.site AND i.day = l.day AND i.client = j.value AND w.status = 'issued')
                       AND NOT EXISTS (SELECT 1 FROM late_revenue_checked k WHERE k.client = j.value
                                         AND k.site = l.site AND k.day = l.day AND k.file_id = l.current_file_id)))
            ORDER BY l.day, l.site
            """
    }

    /// Closes a month: from then on nothing is issued in it (the trigger enforces it).
    public func closeMonth(_ month: String, by actor: String, at date: Date = Date()) throws {
        try engine.write { db in
            let pending =
                try db.fetchValue(
                    Int.self,
                    sql: "SELECT COUNT(*) FROM invoice WHERE status = 'proforma' AND substr(issue_date, 1, 7) = ?",
                    arguments: [month]) ?? 0
            if pending > 0 { throw InvoiceError.proformasPending(count: pending, month: month) }
            try db.execute(
                sql: "INSERT INTO closed_month(month, closed_at, closed_by) VALUES (?, ?, ?)",
                arguments: [month, LedgerDatabase.timestamp(date), actor])
            try appendAudit(
                db, at: LedgerDatabase.timestamp(date), actor: actor, action: "close", invoiceID: nil,
                AuditParameters(["month": .text(month)]))
        }
    }

    public func isClosed(month: String) throws -> Bool {
        try engine.read { db in
            try db.fetchValue(
                Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM closed_month WHERE month = ?)", arguments: [month])
                ?? false
        }
    }
}
