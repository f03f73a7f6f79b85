@testable import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// A correction bills the effect of the late revenue only: the contract as it
/// stands, over the revenue as it was invoiced and over the revenue now.
@Suite struct LateRevenueAsBilledTests {
    static let october = Period(parsing: "2026-10")!

    /// Nova's (C0014) tickets of a day beside ACME's, on register 2: a cover with a starter, a
    /// category-B cover, a cafeteria sale, a guest and a ticket refunded to zero (not a cover).
    static func withNova(_ acme: String, day: String, extraCovers: Int = 0) -> String {
        let parts = day.split(separator: "-")
        let french = "\(parts[2])/\(parts[1])/\(parts[0])"
        func row(_ n: Int, _ category: String, _ activity: String, _ amount: String, _ share: String) -> String {
            "LD01-2-\(parts.joined())-\(900_000 + n);LD01;2;\(french);12:30:00;0140437;C0014;\(category);\(activity);PLAT;Plat;1;\(amount);10,0;\(amount);\(share)"
        }
        var rows = [row(1, "A", "SELF", "7,00", "4,20"), row(1, "A", "SELF", "2,10", "0,00"), row(2, "B", "SELF", "6,40", "3,60"),
                    row(3, "A", "CAFET", "1,20", "0,00"), row(4, "INV", "SELF", "13,00", "13,00"),
                    row(5, "A", "SELF", "7,00", "4,20"), row(5, "A", "SELF", "-7,00", "-4,20")]
        for i in 0..<extraCovers { rows.append(row(10 + i, "A", "SELF", "7,00", "4,20")) }
        return acme + rows.joined(separator: "\r\n") + "\r\n"
    }

    @Test func chosenFileVersionsReadTheSameRevenueAsTheSiteDayVersions() throws {
        let s = try Scratch()
        let guests = Array(repeating: "13,00", count: 10)
        for d in ["05", "06"] {
            try s.write("PIE_LD01_202610\(d).csv", Self.withNova(EndToEndTests.registerFile(day: "2026-10-\(d)", a: 1000, b: 500, c: 250, guests: guests),
                                                                day: "2026-10-\(d)"))
        }
        let ledger = try s.workspace.openLedger()
        _ = s.workspace.importFiles([], into: ledger)
        let engine = try s.engine(ledger, day("2026-11-02"))
        let generated = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        try engine.validate(ids: generated.created, on: day("2026-11-02"))
        // The 5th corrected: one more cover for ACME and two for Nova.
        try s.write("PIE_LD01_20261005.csv", Self.withNova(EndToEndTests.registerFile(day: "2026-10-05", a: 1001, b: 500, c: 250, guests: guests),
                                                            day: "2026-10-05", extraCovers: 2))
        _ = s.workspace.importFiles([], into: ledger)
        let fifth = SiteDayKey(site: "LD01", day: day("2026-10-05")), sixth = SiteDayKey(site: "LD01", day: day("2026-10-06"))
        let billedFifth = try #require(try ledger.siteDay(site: "LD01", day: day("2026-10-05"))?.billedFileId)

        let current = try ledger.currentFiles(period: Self.october)
        #expect(current.count == 2 && current[fifth] != billedFifth)
        // ACME's issued invoice billed the 5th at its first file and the 6th at the current one; Nova was not invoiced.
        let invoiced = try ledger.invoicedFiles(client: "ACME", period: Self.october)
        #expect(invoiced == [fifth: billedFifth, sixth: current[sixth]!])
        #expect(try ledger.invoicedFiles(client: "C0014", period: Self.october).isEmpty)

        let caps = [ClientCategory(client: "C0014", category: "A"): Money(cents: 500)]
        func trays(_ r: PeriodRevenue) -> Set<CappedTrayDay> { Set(r.trays) }
        let now = try ledger.periodRevenue(period: Self.october, caps: caps)
        let chosen = try ledger.periodRevenue(files: current, caps: caps)
        #expect(chosen.days == now.days && trays(chosen) == trays(now))
        #expect(now.days.contains { $0.client == "C0014" } && !now.trays.isEmpty)
        let nova = try ledger.periodRevenue(files: current, client: "C0014", caps: caps)
        #expect(nova.days == now.days.filter { $0.client == "C0014" } && trays(nova) == trays(now))
        let billed = try ledger.periodRevenue(period: Self.october, caps: caps, version: .billed)
        let asInvoiced = try ledger.periodRevenue(files: current.merging(invoiced) { _, b in b }, caps: caps)
        #expect(asInvoiced.days == billed.days && trays(asInvoiced) == trays(billed))
        #expect(asInvoiced.days != now.days)
        #expect(try ledger.siteDaysWithTickets(files: current) == ledger.siteDaysWithTickets(period: Self.october))

        // One client's load over the current files is what billing loads for it (Nova has a daily guarantee).
        let loader = RevenueLoader(ledger: ledger)
        let all = try loader.load(window: Self.october, contracts: engine.contracts.mapValues(\.contract), knownClients: ["ACME", "C0014"])
        for client in ["ACME", "C0014"] {
            let one = try loader.load(client: client, contract: try #require(engine.contracts[client]?.contract), window: Self.october, files: current)
            #expect(one == all.byClient[client], "\(client)")
        }
    }
}
