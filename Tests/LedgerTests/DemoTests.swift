import BillingModel
import Demo
import Foundation
import Imports
import Ledger
import Testing
import TestSupport

@Suite struct DemoTests {
    let sites = DemoGenerator.sites(count: 3)
    let october = Period(parsing: "2026-10") ?? Period(start: Day(ordinal: 0), end: Day(ordinal: 0))

    func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    @Test func sameInputsGiveByteIdenticalFiles() throws {
        let clients = DemoGenerator.clients(count: 25, sites: sites)
        #expect(clients == DemoGenerator.clients(count: 25, sites: sites))
        #expect(clients.first?.code == "C0001")
        #expect(clients.allSatisfy { (1...3).contains($0.sites.count) && !$0.categories.isEmpty })
        let a = Repository.temporaryDirectory("demo-a"), b = Repository.temporaryDirectory("demo-b")
        let c = Repository.temporaryDirectory("demo-c")
        let summary = try DemoGenerator(clients: clients, sites: sites, month: october, seed: 1).write(to: a)
        try DemoGenerator(clients: clients, sites: sites, month: october, seed: 1).write(to: b)
        try DemoGenerator(clients: clients, sites: sites, month: october, seed: 2).write(to: c)
        #expect(summary.registerFiles == 3 * 22)
        #expect(summary.eventFiles > 15)
        let fa = try files(a)
        #expect(fa == (try files(b)))
        #expect(fa != (try files(c)))
        #expect(fa["PIE_LD01_20261001.csv"] != nil)
        #expect(fa["PIE_LD01_20261003.csv"] == nil)  // a Saturday
    }

    @Test func aGeneratedMonthImportsCleanly() throws {
        let clients = DemoGenerator.clients(count: 25, sites: sites)
        let dir = Repository.temporaryDirectory("demo-month")
        let summary = try DemoGenerator(clients: clients, sites: sites, month: october, seed: 3).write(to: dir)
        let (ledger, _) = try freshLedger()
        let results = Importer(ledger: ledger, knownClients: Set(clients.map(\.code))).importPaths([dir])
        #expect(results.count == summary.registerFiles + summary.eventFiles)
        #expect(
            results.allSatisfy { $0.status == .imported && $0.rejected.isEmpty && $0.unknownClients.isEmpty },
            "\(results.filter { $0.status != .imported || !$0.rejected.isEmpty }.prefix(3))")
        let registerRows = results.filter { $0.file.hasSuffix(".csv") }.reduce(0) { $0 + $1.rows }
        #expect(registerRows == summary.ticketLines)
        #expect(try count(ledger, "SELECT COUNT(*) FROM ticket_line") == summary.ticketLines)
        // Every revision is stored once, even when a later file repeats it.
        #expect(try count(ledger, "SELECT COUNT(*) FROM event_order_revision") <= summary.orderRevisions)
        let days = try ledger.revenueDays(period: october)
        #expect(days.reduce(0) { $0 + $1.covers } > 1000)
        #expect(!(try ledger.deliveredOrders(period: october)).isEmpty)
    }
}
