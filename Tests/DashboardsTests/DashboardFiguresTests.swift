import BillingModel
import Dashboards
import Demo
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// Every dashboard figure equals a direct SQL computation over the ticket
/// lines (and the event orders) of the same ledger, before and after a
/// corrected register file replaces a day.
@Suite(.serialized) struct DashboardFigures {
    static let october = Period(parsing: "2026-10") ?? Period.month(of: day("2026-10-01"))

    /// A figure of the reference: amount, lines, employer share, covers.
    struct Cell: Equatable, CustomStringConvertible {
        var amount: Int64 = 0, lines = 0, share: Int64 = 0, covers = 0
        var description: String { "\(amount)/\(lines)/\(share)/\(covers)" }
    }

    /// The SQL condition and arguments of a selection over `ticket_line t` or `event_order_revision r`.
    static func condition(_ s: Selection, _ alias: String) -> (String, [any SQLArgument]) {
        var sql = "", arguments: [any SQLArgument] = []
        if let site = s.site { sql += " AND \(alias).site = ?"; arguments.append(site) }
        if let client = s.client {
            sql += s.scope.contains(client) ? " AND \(alias).client = ?" : " AND 1 = 0"
            if s.scope.contains(client) { arguments.append(client) }
        } else if case .clients(let set) = s.scope {
            sql += " AND \(alias).client IN (\(set.map { _ in "?" }.joined(separator: ", ")))"
            arguments += set.sorted().map { $0 as any SQLArgument }
        }
        return (sql, arguments)
    }

    /// Per (key, activity) from the ticket lines of the current file versions and the delivered orders;
    /// `key` is a SQL expression of the day (`t.day` / `r.delivered_day` substituted for `DAY`).
    static func reference(_ ledger: LedgerDatabase, _ s: Selection, key: String = "DAY", upTo: Day? = nil) throws
        -> [String: Cell]
    {
        let (tc, ta) = condition(s, "t"), (rc, ra) = condition(s, "r")
        let start = october.start.ordinal, end = (upTo ?? october.end).ordinal
        let tkey = key.replacingOccurrences(of: "DAY", with: "t.day")
        let rkey = key.replacingOccurrences(of: "DAY", with: "r.delivered_day")
        var cells: [String: Cell] = [:]
        try ledger.engine.read { db in
            for row in try db.fetchAll(
                sql: """
                    SELECT \(tkey), t.activity, SUM(t.amount), COUNT(*), SUM(t.employer_share)
                    FROM ticket_line t JOIN site_day sd ON sd.current_file_id = t.file_id
                    WHERE t.day BETWEEN ? AND ?\(tc) GROUP BY 1, 2
                    """, arguments: [start, end] + ta)
            {
                let k = "\(try row[0] as Int) \(try row[1] as String)"
                cells[k, default: Cell()].amount += try row[2] as Int64
                cells[k, default: Cell()].lines += try row[3] as Int
                cells[k, default: Cell()].share += try row[4] as Int64
            }
            for row in try db.fetchAll(
                sql: """
                    SELECT k, activity, COUNT(*) FROM (
                      SELECT MIN(\(tkey)) AS k, t.activity FROM ticket_line t JOIN site_day sd ON sd.current_file_id = t.file_id
                      WHERE t.day BETWEEN ? AND ? AND t.activity IN ('SELF', 'BRASS')\(tc)
                      GROUP BY t.file_id, t.client, t.activity, t.ticket HAVING SUM(t.amount) > 0) AS per_ticket
                    GROUP BY 1, 2
                    """, arguments: [start, end] + ta)
            {
                cells["\(try row[0] as Int) \(try row[1] as String)", default: Cell()].covers += try row[2] as Int
            }
            for row in try db.fetchAll(
                sql: """
                    SELECT \(rkey), SUM((l.quantity * l.unit_price + 50) / 100), COUNT(*)
                    FROM event_order o JOIN event_order_revision r ON r.order_id = o.order_id AND r.revision = o.current_revision
                    JOIN event_order_line l ON l.revision_id = r.id
                    WHERE r.status = 'delivered' AND r.delivered_day BETWEEN ? AND ?\(rc) GROUP BY 1
                    """, arguments: [start, end] + ra)
            {
                let k = "\(try row[0] as Int) EVENT"
                cells[k, default: Cell()].amount += try row[1] as Int64
                cells[k, default: Cell()].lines += try row[2] as Int
            }
        }
        return cells
    }

    static func cells(_ key: Int, _ f: RevenueFigures) -> [String: Cell] {
        var cells: [String: Cell] = [:]
        for a in Activity.allCases where (f.lines[a] ?? 0) != 0 || f.amount(a) != .zero {
            cells["\(key) \(a.dailyRevenueCode ?? a.rawValue)"] = Cell(
                amount: f.amount(a).cents, lines: f.lines[a] ?? 0,
                share: f.employerShare[a]?.cents ?? 0, covers: f.covers[a] ?? 0)
        }
        return cells
    }

    /// Invoiced / not invoiced / anonymous per activity, from the ticket lines and the orders.
    static func invoicingReference(_ ledger: LedgerDatabase, _ s: Selection) throws -> [String: Int64] {
        let (tc, ta) = condition(s, "t"), (rc, ra) = condition(s, "r")
        var result: [String: Int64] = [:]
        try ledger.engine.read { db in
            for row in try db.fetchAll(
                sql: """
                    SELECT CASE WHEN t.client IS NULL THEN 'anonymous'
                                WHEN EXISTS (SELECT 1 FROM invoice_site_day x JOIN invoice i ON i.id = x.invoice_id
                                             WHERE i.status = 'issued' AND x.client = t.client AND x.site = t.site AND x.day = t.day)
                                THEN 'invoiced' ELSE 'not' END, t.activity, SUM(t.amount)
                    FROM ticket_line t JOIN site_day sd ON sd.current_file_id = t.file_id
                    WHERE t.day BETWEEN ? AND ?\(tc) GROUP BY 1, 2
                    """, arguments: [october.start.ordinal, october.end.ordinal] + ta)
            {
                result["\(try row[0] as String) \(try row[1] as String)", default: 0] += try row[2] as Int64
            }
            for row in try db.fetchAll(
                sql: """
                    SELECT CASE WHEN o.order_id IN (SELECT il.order_id FROM invoice_line il JOIN invoice i ON i.id = il.invoice_id
                                                    WHERE i.status = 'issued' AND il.order_id IS NOT NULL)
                           THEN 'invoiced' ELSE 'not' END, SUM((l.quantity * l.unit_price + 50) / 100)
                    FROM event_order o JOIN event_order_revision r ON r.order_id = o.order_id AND r.revision = o.current_revision
                    JOIN event_order_line l ON l.revision_id = r.id
                    WHERE r.status = 'delivered' AND r.delivered_day BETWEEN ? AND ?\(rc) GROUP BY 1
                    """, arguments: [october.start.ordinal, october.end.ordinal] + ra)
            {
                result["\(try row[0] as String) EVENT", default: 0] += try row[1] as Int64
            }
        }
        return result.filter { $0.value != 0 }
    }

    static func invoicingCells(_ split: InvoicingSplit) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for (name, amounts) in [
            ("invoiced", split.invoiced), ("not", split.notInvoiced), ("anonymous", split.anonymous)
        ] {
            for (a, m) in amounts where m != .zero { result["\(name) \(a.dailyRevenueCode ?? a.rawValue)"] = m.cents }
        }
        return result
    }

    /// Checks every figure of every query for a few selections.
    static func checkEveryFigure(_ ledger: LedgerDatabase, clients: [String], sites: [String]) throws {
        let dashboard = Dashboard(ledger: ledger)
        let selections = [
            Selection(scope: .all),
            Selection(scope: .clients(Set(clients.prefix(3)))),
            Selection(scope: .all, site: sites[0]),
            Selection(scope: .clients(Set(clients.prefix(5))), site: sites[sites.count - 1]),
            Selection(scope: .all, client: clients[1]),
            Selection(scope: .clients([clients[0]]), client: clients[2])  // outside the scope: nothing
        ]
        for s in selections {
            // Per day.
            let days = try dashboard.byDay(period: october, selection: s)
            #expect(days.map(\.day) == october.days)
            var got: [String: Cell] = [:]
            for d in days { got.merge(cells(d.day.ordinal, d.figures)) { a, _ in a } }
            let expected = try reference(ledger, s)
            #expect(got == expected, "per day, \(s)")
            if s.client == clients[2] {
                #expect(expected.isEmpty)
            } else {
                #expect(!expected.isEmpty, "\(s) has revenue")
            }
            // Per ISO week, keyed by the week's Monday.
            var weeks: [String: Cell] = [:]
            for w in try dashboard.byWeek(period: october, selection: s) {
                let monday = w.days.start.adding(days: 1 - w.days.start.isoWeekday)
                #expect(Period.isoWeek(of: w.days.start).start == monday)
                #expect(w.days.end == min(monday.adding(days: 6), october.end))
                weeks.merge(cells(monday.ordinal, w.figures)) { a, _ in a }
            }
            #expect(weeks == (try reference(ledger, s, key: "(DAY - ((DAY % 7 + 10) % 7))")), "per week, \(s)")
            // Cumulative, every day against the SQL sum from the 1st through that day.
            let running = try dashboard.cumulative(period: october, selection: s)
            for d in running where d.day.dayOfMonth % 5 == 0 || d.day == october.end {
                let sql = try reference(ledger, s, key: "0", upTo: d.day)
                #expect(cells(0, d.figures) == sql, "cumulative through \(d.day), \(s)")
            }
            // Invoiced vs not.
            let split = try dashboard.invoicing(period: october, selection: s)
            #expect(invoicingCells(split) == (try invoicingReference(ledger, s)), "invoicing, \(s)")
            let total = try dashboard.total(period: october, selection: s)
            #expect(split.invoicedTotal + split.notInvoicedTotal + split.anonymousTotal == total.total)
            // The page's one pass gives the same figures as the separate queries checked above.
            let overview = try dashboard.overview(period: october, selection: s)
            #expect(overview.days == days, "overview per day, \(s)")
            #expect(overview.total == total, "overview total, \(s)")
            #expect(overview.invoicing == split, "overview invoicing, \(s)")
            let choices = try dashboard.sitesAndClients(period: october, scope: s.scope)
            #expect(overview.sites == choices.sites && overview.clients == choices.clients, "overview choosers, \(s)")
        }
    }

    /// The ledger's aggregate rows, sorted.
    static func aggregate(_ ledger: LedgerDatabase) throws -> [[String]] {
        try ledger.engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT day || '', site, client, activity, covers || '', lines || '', amount || '', employer_share || ''
                    FROM daily_revenue ORDER BY day, site, client, activity
                    """
            ).map { row in try (0..<8).map { try row[$0] as String } }
        }
    }

    /// Rewrites a register file with its last `drop` data rows left out and one amount changed.
    static func correct(_ file: URL, drop: Int) throws {
        // Bytes, not `String` lines: the files end lines with CR LF, one `Character` in Swift.
        var lines = try Data(contentsOf: file).split(separator: 0x0A, omittingEmptySubsequences: false)
        while lines.last?.isEmpty == true { lines.removeLast() }
        #expect(lines.count > drop + 1, "\(file.lastPathComponent) has \(lines.count) lines")
        lines.removeLast(min(drop, max(0, lines.count - 2)))
        try Data(lines.joined(separator: [0x0A]) + [0x0A]).write(to: file)
    }

    @Test func everyFigureEqualsSQLOverTheTicketLinesBeforeAndAfterACorrectedFile() throws {
        let dir = Repository.temporaryDirectory("dashboards")
        _ = try DemoWorkspace.write(to: dir, sites: 3, clients: 12, month: "2026-10", seed: 7)
        try TestEngine.follow(workspace: dir)
        let workspace = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        let ledger = try workspace.openLedger(creating: true)
        let results = try workspace.importFiles([])
        #expect(!results.isEmpty && results.allSatisfy { $0.status != .refused })
        let (sites, clients) = try Dashboard(ledger: ledger).sitesAndClients(period: Self.october, scope: .all)
        #expect(sites.count == 3 && clients.count >= 6)
        try Self.checkEveryFigure(ledger, clients: clients, sites: sites)

        // A corrected file before billing replaces its day.
        let inbox = dir.appendingPathComponent("inbox")
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path).filter { $0.hasPrefix("PIE_") }
            .sorted()
        let first = inbox.appendingPathComponent(try #require(names.first))
        let before = try Dashboard(ledger: ledger).total(period: Self.october, selection: .scope(.all))
        try Self.correct(first, drop: 5)
        let replaced = try workspace.importFiles([first.path])
        #expect(replaced.map(\.status) == [.replaced])
        let after = try Dashboard(ledger: ledger).total(period: Self.october, selection: .scope(.all))
        #expect(after.totalLines < before.totalLines)
        try Self.checkEveryFigure(ledger, clients: clients, sites: sites)

        // Billed, half the proformas validated: both sides of "invoiced vs not".
        let engine = try workspace.engine(today: day("2026-11-02"), actor: "controller")
        _ = try engine.generate(period: Self.october, issueDate: day("2026-11-02"))
        let proformas = try ledger.invoices(status: .proforma).compactMap(\.id)
        _ = try engine.validate(ids: Array(proformas.prefix(proformas.count / 2 + 1)), on: day("2026-11-02"))
        let split = try Dashboard(ledger: ledger).invoicing(period: Self.october, selection: .scope(.all))
        #expect(split.invoicedTotal > .zero && split.notInvoicedTotal > .zero)
        try Self.checkEveryFigure(ledger, clients: clients, sites: sites)

        // A corrected file of a billed day (kept beside the billed one, late revenue): the figures follow it.
        let billed = try #require(
            try ledger.engine.read { db in
                try db.fetchOne(
                    sql: "SELECT site, day FROM site_day WHERE billed_file_id IS NOT NULL ORDER BY day DESC LIMIT 1")
            })
        let second = inbox.appendingPathComponent(
            "PIE_\(try billed[0] as String)_\(Day(ordinal: try billed[1] as Int).compact).csv")
        try Self.correct(second, drop: 3)
        #expect(try workspace.importFiles([second.path]).map(\.status) == [.conflict])
        try Self.checkEveryFigure(ledger, clients: clients, sites: sites)
    }

    /// The web app keeps the dashboard's figures until the ledger changes; the scheduler's `ardoise run`,
    /// an `import` or a `validate` write the ledger through connections of their own (here a second
    /// `LedgerDatabase` on the same file, as another process opens it): the next lookup sees their figures.
    @Test func cachedFiguresFollowImportsAndValidationsByAnotherConnection() throws {
        let dir = Repository.temporaryDirectory("dashboards-cache")
        _ = try DemoWorkspace.write(to: dir, sites: 2, clients: 8, month: "2026-10", seed: 5)
        try TestEngine.follow(workspace: dir)
        let workspace = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        let served = try workspace.openLedger(creating: true)
        _ = try workspace.importFiles([])
        let cache = try LedgerCache<Selection, Overview>(ledger: served)
        let board = Dashboard(ledger: served)
        var computed = 0
        func lookup() throws -> Overview {
            try cache.value(.scope(.all)) {
                computed += 1
                return try board.overview(period: Self.october, selection: .scope(.all))
            }
        }
        let first = try lookup()
        #expect(try lookup() == first && computed == 1, "nothing changed: the stored figures")

        // Another process imports a corrected register file: fewer lines, other amounts.
        let another = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        let other = try another.ledger
        let inbox = dir.appendingPathComponent("inbox")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: inbox.path).filter { $0.hasPrefix("PIE_") }.sorted()
                .first)
        try Self.correct(inbox.appendingPathComponent(name), drop: 4)
        #expect(try another.importFiles([inbox.appendingPathComponent(name).path]).map(\.status) == [.replaced])
        let imported = try lookup()
        #expect(computed == 2 && imported.total.totalLines < first.total.totalLines)
        #expect(imported == (try Dashboard(ledger: other).overview(period: Self.october, selection: .scope(.all))))

        // Another process bills and validates: revenue moves from "not yet invoiced" to "invoiced".
        let engine = try another.engine(today: day("2026-11-02"), actor: "scheduler")
        _ = try engine.generate(period: Self.october, issueDate: day("2026-11-02"))
        _ = try lookup()
        let proformas = try other.invoices(status: .proforma).compactMap(\.id)
        _ = try engine.validate(ids: proformas, on: day("2026-11-02"))
        let validated = try lookup()
        #expect(validated.invoicing.invoicedTotal > imported.invoicing.invoicedTotal)
        #expect(
            validated.invoicing
                == (try Dashboard(ledger: other).invoicing(period: Self.october, selection: .scope(.all))))
        #expect(try lookup() == validated && computed == 4, "no change since: the stored figures again")
    }

    @Test(.sqliteOnly) func theMigrationFillsAnExistingLedgerAsImportsKeepIt() throws {
        let dir = Repository.temporaryDirectory("dashboards-migration")
        _ = try DemoWorkspace.write(to: dir, sites: 2, clients: 8, month: "2026-10", seed: 3)
        try TestEngine.follow(workspace: dir)
        let workspace = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        var ledger: LedgerDatabase? = try workspace.openLedger(creating: true)
        guard let first = ledger else { return }
        _ = try workspace.importFiles([])
        // A day replaced: the migration reads the current versions only.
        let inbox = dir.appendingPathComponent("inbox")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: inbox.path).filter { $0.hasPrefix("PIE_") }.sorted()
                .last)
        try Self.correct(inbox.appendingPathComponent(name), drop: 2)
        _ = try workspace.importFiles([inbox.appendingPathComponent(name).path])
        let kept = try Self.aggregate(first)
        #expect(kept.contains { $0[3] == "EVENT" } && kept.contains { $0[3] == "SELF" })
        // The ledger as it was before the migration: no aggregate.
        try first.engine.write { db in
            try db.execute(
                sql: """
                    DROP TABLE daily_revenue;
                    DROP TRIGGER daily_revenue_invoiced_on_issue;
                    DROP TRIGGER daily_revenue_invoiced_on_site_day;
                    DELETE FROM grdb_migrations WHERE identifier = 'v11 daily revenue';
                    """)
        }
        ledger = nil
        // Opened again, as the next command does (a workspace keeps the ledger it opened): the migration runs.
        let reopened = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path).openLedger()
        #expect(try reopened.appliedMigrations().contains("v11 daily revenue"))
        #expect(try Self.aggregate(reopened) == kept)
    }
}
