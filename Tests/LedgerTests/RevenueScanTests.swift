import BillingModel
import Demo
import Foundation
import Imports
import Ledger
import Testing
import TestSupport

/// `periodRevenue` (one pass in key order) gives what the SQL forms
/// `revenueDays` and `cappedTrayTotalsByDay` give, on real ledgers.
@Suite struct RevenueScanTests {
    let october = Period(parsing: "2026-10") ?? Period(start: Day(ordinal: 0), end: Day(ordinal: 0))

    func expectSameAsSQL(
        _ ledger: LedgerDatabase, caps: [ClientCategory: Money], version: SiteDayVersion = .current,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let scan = try ledger.periodRevenue(period: october, caps: caps, version: version)
        let sql = try ledger.revenueDays(period: october, version: version)
        #expect(scan.days == sql, sourceLocation: sourceLocation)
        if version == .current {
            let trays = try ledger.cappedTrayTotalsByDay(period: october, caps: caps)
            func key(_ c: String, _ s: String, _ d: Day, _ k: String, _ m: Money) -> String {
                "\(c)|\(s)|\(d)|\(k)|\(m.cents)"
            }
            #expect(
                Set(scan.trays.map { key($0.client, $0.site, $0.day, $0.category, $0.total) })
                    == Set(trays.map { key($0.client, $0.site, $0.day, $0.category, $0.total) }),
                sourceLocation: sourceLocation)
            #expect(scan.trays.count == trays.count, sourceLocation: sourceLocation)
        }
    }

    @Test func aGeneratedMonthGivesTheSameRevenueAsSQL() throws {
        let sites = DemoGenerator.sites(count: 3)
        let clients = DemoGenerator.clients(count: 25, sites: sites)
        let dir = Repository.temporaryDirectory("scan-month")
        try DemoGenerator(clients: clients, sites: sites, month: october, seed: 5).write(to: dir)
        let (ledger, _) = try freshLedger()
        _ = Importer(ledger: ledger, knownClients: Set(clients.map(\.code))).importPaths([dir])
        var caps: [ClientCategory: Money] = [:]
        for (i, c) in clients.enumerated() where i % 2 == 0 {
            for k in c.categories {
                caps[ClientCategory(client: c.code, category: k)] = Money(cents: 300 + 10 * Int64(i))
            }
        }
        #expect(try ledger.revenueDays(period: october).reduce(0) { $0 + $1.covers } > 1000)
        try expectSameAsSQL(ledger, caps: caps)
        try expectSameAsSQL(ledger, caps: [:])
        try expectSameAsSQL(ledger, caps: caps, version: .billed)
    }

    @Test func interleavedTicketsRefundsAndZeroSumsCountAsSQLCounts() throws {
        // Ticket 1's lines are split by ticket 2; ticket 3 sums to zero (not a cover); ticket 4 is a
        // cafeteria ticket only; ticket 5 has two clients' lines (two tickets for the SQL too); shares
        // that cancel out at a rate leave no entry for that rate.
        let header =
            "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"
        func row(
            _ t: String, _ client: String, _ category: String, _ activity: String, _ amount: String, _ share: String,
            rate: String = "10,0"
        ) -> String {
            "LD01-1-20261005-\(t);LD01;1;05/10/2026;12:00:00;0001;\(client);\(category);\(activity);PLAT;Plat;1;\(amount);\(rate);\(amount);\(share)"
        }
        let rows = [
            header,
            row("000001", "ACME", "A", "SELF", "7,00", "4,20"),
            row("000002", "ACME", "A", "SELF", "6,00", "4,20"),
            row("000001", "ACME", "A", "CAFET", "2,00", "0,00", rate: "5,5"),
            row("000003", "ACME", "B", "SELF", "5,00", "3,10"),
            row("000003", "ACME", "B", "SELF", "-5,00", "-3,10"),
            row("000004", "ACME", "B", "CAFET", "1,50", "0,00"),
            row("000005", "ACME", "INV", "BRASS", "13,00", "0,00"),
            row("000005", "BETA", "A", "BRASS", "3,00", "1,00"),
            row("000006", "BETA", "A", "SELF", "2,00", "1,00"),
            row("000002", "ACME", "A", "SELF", "-1,00", "0,00")
        ]
        let dir = Repository.temporaryDirectory("scan-file")
        try (rows.joined(separator: "\r\n") + "\r\n").write(
            to: dir.appendingPathComponent("PIE_LD01_20261005.csv"), atomically: true, encoding: .utf8)
        let (ledger, _) = try freshLedger()
        let results = Importer(ledger: ledger, knownClients: ["ACME", "BETA"]).importPaths([dir])
        #expect(results.map(\.status) == [.imported], "\(results)")
        let caps = [
            ClientCategory(client: "ACME", category: "A"): Money(cents: 500),
            ClientCategory(client: "BETA", category: "A"): Money(cents: 250)
        ]
        try expectSameAsSQL(ledger, caps: caps)
        let scan = try ledger.periodRevenue(period: october, caps: caps)
        #expect(scan.days.first { $0.client == "ACME" && $0.category == "A" }?.covers == 2)
        #expect(scan.days.first { $0.client == "ACME" && $0.category == "B" }?.covers == 0)
        #expect(scan.trays.first { $0.client == "ACME" }?.total == Money(cents: 1000))
        #expect(scan.trays.first { $0.client == "BETA" }?.total == Money(cents: 450))
        // The tickets behind each employer share: ticket 1 and 2 (split, a share-less refund line) each 4.20; ticket 3's
        // shares cancel out and count no ticket; BETA's two tickets 1.00 each.
        let ten = VATRate(tenThousandths: 100_000)
        #expect(
            scan.days.first { $0.client == "ACME" && $0.category == "A" }?.shareCounts == [
                ShareCount(rate: ten, share: Money(cents: 420), tickets: 2)
            ])
        #expect(scan.days.first { $0.client == "ACME" && $0.category == "B" }?.shareCounts == [])
        #expect(
            scan.days.first { $0.client == "BETA" && $0.category == "A" }?.shareCounts == [
                ShareCount(rate: ten, share: Money(cents: 100), tickets: 2)
            ])
        for d in scan.days {
            for (rate, total) in d.employerShare {
                #expect(
                    d.shareCounts.filter { $0.rate == rate }.reduce(0) { $0 + $1.share.cents * Int64($1.tickets) }
                        == total.cents, "\(d)")
            }
        }
    }
}
