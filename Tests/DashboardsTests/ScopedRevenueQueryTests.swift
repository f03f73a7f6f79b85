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
    @Test func theScopeIsPartOfTheLedgersQuery() throws {
        let dir = Repository.temporaryDirectory("scoped-revenue")
        _ = try DemoWorkspace.write(to: dir, sites: 2, clients: 8, month: "2026-10", seed: 3)
        try TestEngine.follow(workspace: dir)
        let workspace = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        let ledger = try workspace.openLedger(creating: true)
        #expect(try workspace.importFiles([]).allSatisfy { $0.status != .refused })
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
}
