import BillingModel
import Dashboards
import Foundation
import Ledger
import Testing
import TestSupport

/// What reads the ledger beside the main job, run on a PostgreSQL ledger and on the SQLite default from the same
/// generated workspace: the dashboard's figures of the month, the restaurants and events control exports, and
/// `platform submit` (and `platform list`) against the test platform give the same results on both.
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
struct PostgresViewsTests {
    /// The settings' platform address in the generated workspace, replaced by each engine's own test platform.
    static let placeholder = "http://127.0.0.1:9"

    /// One generated month with `transmission: platform`, copied for each engine; the PostgreSQL copy's ledger is a
    /// new database of the private server.
    static func workspaces() throws -> (sqlite: URL, postgres: URL) {
        let root = Repository.temporaryDirectory("ardoise-pg-views")
        let generate = try Executable.run(
            ["demo", "generate", "--out", "ws", "--sites", "2", "--clients", "12"], in: root, tool: .ardoiseDev)
        guard generate.status == 0 else { throw HarnessError("demo generate failed: \(generate)") }
        let sqlite = root.appendingPathComponent("ws")
        let settings = sqlite.appendingPathComponent("settings.yaml")
        let section = TestPlatform.settings(baseURL: placeholder)
        try (String(contentsOf: settings, encoding: .utf8) + section).write(
            to: settings, atomically: true, encoding: .utf8)
        let postgres = root.appendingPathComponent("ws-postgres")
        try FileManager.default.copyItem(at: sqlite, to: postgres)
        try TestEngine.usePostgres(in: postgres)
        return (sqlite, postgres)
    }

    struct Results {
        var steps: [String: Execution] = [:]
        var dashboard: [DayFigures] = []
        var invoicing = InvoicingSplit()
        var sitesAndClients: [String] = []
        /// The dashboard page's figures for every client, a scope, a site, a client, and a client outside the scope.
        var overviews: [Overview] = []
        /// Each flow as `trackingId kind status ackStatus`, sorted.
        var flows: [String] = []
        var submitted: [String: Int] = [:]
        /// The worksheets and shared strings of each export, as stored in the XLSX.
        var exports: [String: String] = [:]
    }

    /// Bills and validates October in `ws`, submits it to a test platform of its own, reads the dashboard and
    /// writes the two control exports.
    static func run(in ws: URL) throws -> Results {
        let platform = try TestPlatform()
        let settings = ws.appendingPathComponent("settings.yaml")
        try String(contentsOf: settings, encoding: .utf8).replacingOccurrences(
            of: placeholder, with: platform.baseURL
        ).write(to: settings, atomically: true, encoding: .utf8)
        var results = Results()
        let date = ["--date", "2026-11-02"]
        for (name, arguments) in [
            ("init", ["init"]), ("import", ["import"]), ("bill", ["bill", "--period", "2026-10"] + date),
            ("validate", ["validate", "--all", "--period", "2026-10"] + date), ("submit", ["platform", "submit"]),
            ("list", ["platform", "list", "--format", "json"]),
            ("restaurants", ["export", "restaurants", "--period", "2026-10", "--output", "restaurants.xlsx"]),
            ("events", ["export", "events", "--period", "2026-10", "--output", "events.xlsx"])
        ] {
            results.steps[name] = try Executable.run(arguments, in: ws, environment: platform.environment)
        }
        let ledger = try LedgerDatabase(path: try TestEngine.database(of: ws), creation: .mustExist)
        let october = try #require(Period(parsing: "2026-10"))
        let dashboard = Dashboard(ledger: ledger)
        results.dashboard = try dashboard.byDay(period: october, selection: Selection())
        results.invoicing = try dashboard.invoicing(period: october, selection: Selection())
        let choosers = try dashboard.sitesAndClients(period: october, scope: .all)
        results.sitesAndClients = choosers.sites + choosers.clients
        let scope = ClientScope.clients(Set(choosers.clients.prefix(4)))
        let selections = [
            Selection(), Selection(scope: scope), Selection(scope: .all, site: choosers.sites.last),
            Selection(scope: scope, site: choosers.sites.first), Selection(scope: .all, client: choosers.clients.last),
            Selection(scope: scope, client: choosers.clients.last)
        ]
        results.overviews = try selections.map { try dashboard.overview(period: october, selection: $0) }
        results.flows = try ledger.platformFlows().map {
            "\($0.flow.trackingId) \($0.flow.kind.rawValue) \($0.flow.status.rawValue) \($0.flow.ackStatus ?? "-")"
        }.sorted()
        results.submitted = try platform.submittedCounts()
        for name in ["restaurants", "events"] {
            results.exports[name] = try Self.contents(ofXLSX: ws.appendingPathComponent("\(name).xlsx"))
        }
        return results
    }

    /// The sheets and shared strings of a workbook (what it says, not when it was written).
    static func contents(ofXLSX url: URL) throws -> String {
        let list = try Tools.run("unzip", ["-Z1", url.path])
        guard list.status == 0 else { throw HarnessError("unzip -Z1 \(url.path): \(list.output)") }
        var text = ""
        for member in list.output.split(separator: "\n").map(String.init).sorted()
        where member.hasPrefix("xl/worksheets/") || member == "xl/sharedStrings.xml" {
            let part = try Tools.run("unzip", ["-p", url.path, member])
            text += "== \(member)\n\(part.output)\n"
        }
        return text
    }

    @Test func dashboardsExportsAndThePlatformGiveTheSameResultsOnPostgreSQLAsOnSQLite() throws {
        let (sqlite, postgres) = try Self.workspaces()
        let onSQLite = try Self.run(in: sqlite)
        let onPostgres = try Self.run(in: postgres)
        for step in ["init", "import", "bill", "validate", "submit", "list", "restaurants", "events"] {
            let s = try #require(onSQLite.steps[step]), p = try #require(onPostgres.steps[step])
            #expect(s.status == 0, "\(step) on SQLite: \(s)")
            #expect(p.status == s.status, "\(step) on PostgreSQL: \(p)\non SQLite: \(s)")
            #expect(!p.stderr.contains("does not run on a PostgreSQL ledger"), "\(step): \(p)")
        }
        // `platform submit`: every issued document submitted once, the same counts printed.
        #expect(onSQLite.steps["submit"]?.stdout.hasSuffix("0 to retry, 0 failed\n") ?? false)
        #expect(
            onPostgres.steps["submit"]?.stdout.split(separator: "\n").last
                == onSQLite.steps["submit"]?.stdout.split(separator: "\n").last)
        #expect(!onSQLite.flows.isEmpty)
        #expect(onPostgres.flows == onSQLite.flows)
        #expect(!onSQLite.submitted.isEmpty && onSQLite.submitted.values.allSatisfy { $0 == 1 })
        #expect(onPostgres.submitted == onSQLite.submitted)
        // The dashboard: every day's figures, the invoiced / not invoiced split, the choosers.
        #expect(onSQLite.dashboard.contains { $0.figures.total != .zero })
        #expect(onPostgres.dashboard == onSQLite.dashboard)
        #expect(onPostgres.invoicing == onSQLite.invoicing)
        #expect(onPostgres.sitesAndClients == onSQLite.sitesAndClients)
        // The page: summed by the server on PostgreSQL, in one pass over the rows on SQLite; to the cent.
        #expect(onSQLite.overviews.first?.days == onSQLite.dashboard)
        #expect(onSQLite.overviews.first?.invoicing == onSQLite.invoicing)
        #expect(onSQLite.overviews.count == 6 && onSQLite.overviews[1].total.total != .zero)
        // A client outside the scope shows nothing.
        #expect(onSQLite.overviews.last?.total.total == .zero && onSQLite.overviews.last?.total.totalLines == 0)
        for (p, s) in zip(onPostgres.overviews, onSQLite.overviews) {
            #expect(p == s, "\(s.selection)")
        }
        // The control exports, cell for cell.
        for name in ["restaurants", "events"] {
            let s = try #require(onSQLite.exports[name]), p = try #require(onPostgres.exports[name])
            #expect(s.contains("xl/worksheets/"), "\(name): \(s.prefix(200))")
            // Row by row, so that a difference names its row rather than printing both workbooks.
            let sRows = s.components(separatedBy: "<row "), pRows = p.components(separatedBy: "<row ")
            #expect(pRows.count == sRows.count, "the \(name) export has \(pRows.count) rows on PostgreSQL")
            if let i = zip(sRows, pRows).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("the \(name) export differs on PostgreSQL:\n\(pRows[i])\non SQLite:\n\(sRows[i])")
            }
        }
    }
}
