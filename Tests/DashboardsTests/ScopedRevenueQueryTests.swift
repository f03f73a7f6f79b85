import BillingModel
import Dashboards
import Demo
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// The ledger's named revenue queries take the client scope as a parameter: a scoped reader gets exactly its
/// clients' rows from the ledger, never rows to filter afterwards.
@Suite struct ScopedRevenueQueryTests {
    /// A generated October of 2 sites and 8 clients, imported into a new ledger of the test's engine.
    static func importedMonth(_ name: String, seed: UInt64) throws -> LedgerDatabase {
        let dir = Repository.temporaryDirectory(name)
        _ = try DemoWorkspace.write(to: dir, sites: 2, clients: 8, month: "2026-10", seed: seed)
        try TestEngine.follow(workspace: dir)
        let workspace = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        let ledger = try workspace.openLedger(creating: true)
        #expect(try workspace.importFiles([]).allSatisfy { $0.status != .refused })
        return ledger
    }

    @Test func theScopeIsPartOfTheLedgersQuery() throws {
        let ledger = try Self.importedMonth("scoped-revenue", seed: 3)
        let october = Period.month(of: day("2026-10-01"))

        func clients(_ filter: RevenueFilter) throws -> (clients: Set<String>, rows: Int) {
            try ledger.readRevenue { reader in
                var seen = Set<String>(), rows = 0
                try reader.forEachDailyRevenue(period: october, filter: filter) { row in
                    seen.insert(String(decoding: row.client, as: UTF8.self))
                    rows += 1
                }
                return (seen, rows)
            }
        }
        let all = try clients(RevenueFilter())
        let named = all.clients.subtracting([""]).sorted()
        #expect(named.count >= 4 && all.clients.contains(""))
        let scope = Set(named.prefix(2))
        let scoped = try clients(RevenueFilter(clients: scope))
        #expect(scoped.clients == scope)
        #expect(scoped.rows > 0 && scoped.rows < all.rows)
        // A client outside the scope selects nothing, even named.
        let outside = try #require(named.last)
        #expect(try clients(RevenueFilter(clients: scope, client: outside)).rows == 0)
        #expect(try clients(RevenueFilter(clients: scope, client: named[0])).clients == [named[0]])
        // The choosers' query too, and the dashboard that reads through them.
        #expect(Set(try ledger.revenueSitesAndClients(period: october, clients: scope).clients) == scope)
        let overview = try Dashboard(ledger: ledger).overview(period: october, selection: .scope(.clients(scope)))
        #expect(Set(overview.clients) == scope)
    }

    /// The ledger's sums (made by the server on PostgreSQL, in one pass on SQLite) are the aggregate's rows
    /// added up per day, activity and invoicing state, for every kind of selection, listed or not; the listed
    /// sites and clients are the scope's, not narrowed to the selection's site or client.
    @Test func theLedgersSumsAreTheRowsAddedUpForEverySelection() throws {
        let ledger = try Self.importedMonth("revenue-sums", seed: 4)
        let october = Period.month(of: day("2026-10-01"))

        /// The rows as the test reads them, added up here.
        func reference(_ filter: RevenueFilter) throws -> [DailyRevenueSum] {
            var sums: [String: DailyRevenueSum] = [:]
            try ledger.readRevenue { reader in
                try reader.forEachDailyRevenue(period: october, filter: filter) { row in
                    let activity = String(decoding: row.activity, as: UTF8.self)
                    let key = "\(row.day) \(activity) \(row.client.isEmpty) \(row.invoiced)"
                    var s =
                        sums[key]
                        ?? DailyRevenueSum(
                            day: row.day, activity: activity, anonymous: row.client.isEmpty, invoiced: row.invoiced,
                            covers: 0, lines: 0, amount: 0, employerShare: 0)
                    s.covers += row.covers
                    s.lines += row.lines
                    s.amount += row.amount
                    s.employerShare += row.employerShare
                    sums[key] = s
                }
            }
            return sums.values.sorted { a, b in
                if a.day != b.day { return a.day < b.day }
                if a.activity != b.activity { return a.activity < b.activity }
                if a.anonymous != b.anonymous { return !a.anonymous }
                return !a.invoiced && b.invoiced
            }
        }
        let (sites, named) = try ledger.revenueSitesAndClients(period: october, clients: nil)
        #expect(sites.count == 2 && named.count >= 4)
        let scope = Set(named.prefix(3))
        let filters = [
            RevenueFilter(), RevenueFilter(clients: scope), RevenueFilter(site: sites[1]),
            RevenueFilter(clients: scope, site: sites[0]), RevenueFilter(client: named[0]),
            RevenueFilter(clients: scope, client: named[1]), RevenueFilter(clients: scope, client: named[3])
        ]
        for filter in filters {
            let expected = try reference(filter)
            for listing in [false, true] {
                let sums = try ledger.readRevenue {
                    try $0.dailyRevenueSums(period: october, filter: filter, listing: listing)
                }
                #expect(sums.sums == expected, "\(filter) listing \(listing)")
                if listing {
                    let lists = try ledger.revenueSitesAndClients(period: october, clients: filter.clients)
                    #expect(sums.sites == lists.sites && sums.clients == lists.clients, "\(filter)")
                } else {
                    #expect(sums.sites.isEmpty && sums.clients.isEmpty)
                }
            }
        }
        #expect(try reference(RevenueFilter()).contains { $0.anonymous } && reference(RevenueFilter()).count > 40)
        #expect(try reference(RevenueFilter(clients: scope, client: named[3])).isEmpty)
    }
}
