@testable import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// A correction bills the effect of the late revenue only: the contract as it
/// stands, over the revenue as it was invoiced and over the revenue now.
/// Neither a contract change since the invoice nor an accountant's edit of
/// the proforma is billed by it.
@Suite struct LateRevenueAsBilledTests {
    static let october = Period(parsing: "2026-10")!

    /// ACME's register file of the 5th with one more category-A cover (1,001 instead of 1,000).
    static func oneMoreCover(_ s: Scratch) throws {
        try s.write(
            "PIE_LD01_20261005.csv",
            EndToEndTests.registerFile(
                day: "2026-10-05", a: 1001, b: 500, c: 250,
                guests: Array(repeating: "13,00", count: 10)))
    }

    /// Rewrites ACME's contract in the scratch rules (the engine reads them again when made).
    static func editAcme(_ s: Scratch, _ from: String, _ to: String) throws {
        let f = s.dir.appendingPathComponent("rules/acme.ard")
        let text = try String(contentsOf: f, encoding: .utf8)
        #expect(text.contains(from))
        try text.replacingOccurrences(of: from, with: to).write(to: f, atomically: true, encoding: .utf8)
    }

    static func describe(_ doc: StoredInvoice) -> [String] {
        doc.lines.map { "\($0.label): \($0.quantity) × \($0.price) = \($0.netAmount)" }
    }

    @Test func aContractChangedSinceIssuingIsNotBilledByACorrection() throws {
        let (s, ledger, _, invoice) = try CreditNoteTests().issuedAcme()
        // After October was invoiced at 4.20 HT, the category A subsidy becomes 4.50 HT.
        try Self.editAcme(s, "category A: 4.20 HT", "category A: 4.50 HT")
        let engine = try s.engine(ledger, day("2026-11-20"))
        try Self.oneMoreCover(s)
        _ = try s.workspace.importFiles([])

        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        #expect(r.failures.isEmpty)
        #expect(r.created.count == 1)
        let correction = try #require(try ledger.invoice(id: r.created[0]))
        // The one late cover at the new price: +4.50 subsidy A, +2.35 admission fee, +0.45 management fee
        // (3,521 × 0.45 = 1,584.45) = 7.30 HT; VAT 0.69 (10% of 6.85) + 0.09 (20% of 0.45) = 8.08 TTC.
        // The old comparison with the invoice re-billed the month at the new price:
        // 2,001 × 4.50 − 2,000 × 4.20 = +604.50 on the subsidy alone.
        #expect(
            Self.describe(correction) == [
                "Régularisation octobre 2026 : Subvention employeur catégorie A: 1 × 4.50 = 4.50",
                "Régularisation octobre 2026 : Droit d'admission: 1 × 2.35 = 2.35",
                "Régularisation octobre 2026 : Frais de gestion octobre 2026: 1 × 0.45 = 0.45"
            ])
        #expect(correction.invoice.type == .invoice && correction.invoice.origin == .correction)
        #expect(correction.invoice.totalHt == 730 && correction.invoice.totalTtc == 808)
        #expect(
            correction.lines[0].explanation == "late revenue for octobre 2026, priced by the contract as it stands: "
                + "billed 2000 for 9000.00 on the revenue as invoiced, 2001 for 9004.50 on the revenue now")
        // The invoice itself is untouched.
        #expect(try ledger.invoice(id: invoice.invoice.id!)?.invoice.totalTtc == 2_391_000)
    }

    @Test func aContractChangeAloneWithRevenueThatChangesNoAmountIsSettledWithoutADocument() throws {
        let (s, ledger, _, _) = try CreditNoteTests().issuedAcme()
        try Self.editAcme(s, "category A: 4.20 HT", "category A: 4.50 HT")
        let engine = try s.engine(ledger, day("2026-11-20"))
        // A new version of the 6th with one more zero ticket line: the same amounts.
        var text = EndToEndTests.registerFile(
            day: "2026-10-06", a: 1000, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10))
        text += "LD01-1-20261006-999999;LD01;1;06/10/2026;13:00:00;0001;ACME;C;SELF;EAU;Eau;1;0,00;10,0;0,00;0,00\r\n"
        try s.write("PIE_LD01_20261006.csv", text)
        _ = try s.workspace.importFiles([])
        #expect(try ledger.periodsWithLateRevenue().count == 1)

        // Compared with the invoice, the new price would have billed 2,000 × 0.30 = 600.00 HT.
        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        #expect(r.failures.isEmpty)
        #expect(r.created.isEmpty && r.notes.count == 1)
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
    }

    @Test func anAccountantsEditIsNotUndoneByACorrection() throws {
        let s = try Scratch()
        for d in ["05", "06"] {
            try s.write(
                "PIE_LD01_202610\(d).csv",
                EndToEndTests.registerFile(
                    day: "2026-10-\(d)", a: 1000, b: 500, c: 250,
                    guests: Array(repeating: "13,00", count: 10)))
        }
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let generated = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        let proforma = try #require(try ledger.invoice(id: generated.created[0]))
        // The accountant takes the guest meals off (billed elsewhere) and caps the management fee at its floor.
        var lines = proforma.lines.map { NewInvoiceLine($0) }
        #expect(lines.map(\.label).contains("Repas invités"))
        lines.removeAll { $0.label == "Repas invités" }
        let fee = try #require(lines.firstIndex { $0.label == "Frais de gestion octobre 2026" })
        #expect(lines[fee].net == Money("1584.00"))
        lines[fee].quantity = 1
        lines[fee].unitPrice = Price("1500.00")!
        lines[fee].net = Money("1500.00")!
        try ledger.replaceLines(
            id: proforma.invoice.id!, lines: lines, reason: "guests billed by the events team; fee capped as agreed",
            actor: "accountant")
        try engine.validate(ids: [proforma.invoice.id!], on: day("2026-11-02"))

        try Self.oneMoreCover(s)
        _ = try s.workspace.importFiles([])
        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        #expect(r.failures.isEmpty)
        #expect(r.created.count == 1)
        let correction = try #require(try ledger.invoice(id: r.created[0]))
        // Only the late cover: neither the guest meals (236.36 HT) nor the fee back to 1,584.45
        // (+84.45), which the old comparison with the edited invoice billed again.
        #expect(
            Self.describe(correction) == [
                "Régularisation octobre 2026 : Subvention employeur catégorie A: 1 × 4.20 = 4.20",
                "Régularisation octobre 2026 : Droit d'admission: 1 × 2.35 = 2.35",
                "Régularisation octobre 2026 : Frais de gestion octobre 2026: 1 × 0.45 = 0.45"
            ])
        #expect(correction.invoice.totalHt == 700 && correction.invoice.totalTtc == 775)
    }

    @Test func aSecondLateDeliveryIsComparedWithTheCorrectionThatBilledTheFirst() throws {
        let (s, ledger, engine, _) = try CreditNoteTests().issuedAcme()
        try Self.oneMoreCover(s)
        _ = try s.workspace.importFiles([])
        let first = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        try engine.validate(ids: first.created, on: day("2026-11-20"))
        #expect(try ledger.periodsWithLateRevenue().isEmpty)

        // The price changes, then the 5th is corrected again: one category-A cover fewer than the
        // correction billed (1,000 again). Only that cover is credited, at the new price.
        try Self.editAcme(s, "category A: 4.20 HT", "category A: 4.50 HT")
        let later = try s.engine(ledger, day("2026-11-25"))
        try s.write(
            "PIE_LD01_20261005.csv",
            EndToEndTests.registerFile(
                day: "2026-10-05", a: 1000, b: 500, c: 250,
                guests: Array(repeating: "13,00", count: 10)))
        _ = try s.workspace.importFiles([])
        let second = try later.correctLateRevenue(issueDate: day("2026-11-25"))
        #expect(second.failures.isEmpty)
        #expect(second.created.count == 1)
        let credit = try #require(try ledger.invoice(id: second.created[0]))
        #expect(credit.invoice.type == .creditNote && credit.invoice.creditedInvoiceId != nil)
        #expect(
            Self.describe(credit) == [
                "Régularisation octobre 2026 : Subvention employeur catégorie A: 1 × 4.50 = 4.50",
                "Régularisation octobre 2026 : Droit d'admission: 1 × 2.35 = 2.35",
                "Régularisation octobre 2026 : Frais de gestion octobre 2026: 1 × 0.45 = 0.45"
            ])
        #expect(credit.invoice.totalHt == 730 && credit.invoice.totalTtc == 808)
    }

    /// Nova's (C0014) tickets of a day beside ACME's, on register 2: a cover with a starter, a
    /// category-B cover, a cafeteria sale, a guest and a ticket refunded to zero (not a cover).
    static func withNova(_ acme: String, day: String, extraCovers: Int = 0) -> String {
        let parts = day.split(separator: "-")
        let french = "\(parts[2])/\(parts[1])/\(parts[0])"
        func row(_ n: Int, _ category: String, _ activity: String, _ amount: String, _ share: String) -> String {
            "LD01-2-\(parts.joined())-\(900_000 + n);LD01;2;\(french);12:30:00;0140437;C0014;\(category);\(activity);PLAT;Plat;1;\(amount);10,0;\(amount);\(share)"
        }
        var rows = [
            row(1, "A", "SELF", "7,00", "4,20"), row(1, "A", "SELF", "2,10", "0,00"),
            row(2, "B", "SELF", "6,40", "3,60"),
            row(3, "A", "CAFET", "1,20", "0,00"), row(4, "INV", "SELF", "13,00", "13,00"),
            row(5, "A", "SELF", "7,00", "4,20"), row(5, "A", "SELF", "-7,00", "-4,20")
        ]
        for i in 0..<extraCovers { rows.append(row(10 + i, "A", "SELF", "7,00", "4,20")) }
        return acme + rows.joined(separator: "\r\n") + "\r\n"
    }

    @Test func chosenFileVersionsReadTheSameRevenueAsTheSiteDayVersions() throws {
        let s = try Scratch()
        let guests = Array(repeating: "13,00", count: 10)
        for d in ["05", "06"] {
            try s.write(
                "PIE_LD01_202610\(d).csv",
                Self.withNova(
                    EndToEndTests.registerFile(day: "2026-10-\(d)", a: 1000, b: 500, c: 250, guests: guests),
                    day: "2026-10-\(d)"))
        }
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let generated = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        try engine.validate(ids: generated.created, on: day("2026-11-02"))
        // The 5th corrected: one more cover for ACME and two for Nova.
        try s.write(
            "PIE_LD01_20261005.csv",
            Self.withNova(
                EndToEndTests.registerFile(day: "2026-10-05", a: 1001, b: 500, c: 250, guests: guests),
                day: "2026-10-05", extraCovers: 2))
        _ = try s.workspace.importFiles([])
        let fifth = SiteDayKey(site: "LD01", day: day("2026-10-05")),
            sixth = SiteDayKey(site: "LD01", day: day("2026-10-06"))
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
        let all = try loader.load(
            window: Self.october, contracts: engine.contracts.mapValues(\.contract), knownClients: ["ACME", "C0014"])
        for client in ["ACME", "C0014"] {
            let one = try loader.load(
                client: client, contract: try #require(engine.contracts[client]?.contract), window: Self.october,
                files: current)
            #expect(one == all.byClient[client], "\(client)")
        }
    }
}
