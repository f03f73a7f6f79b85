import BillingEngine
import BillingModel
import Documents
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// A register file of LD01 on `day` for Helios (C0013): `covers` category-A covers
/// (7.00 TTC, employer share 4.20), then the given cafeteria tickets (category, TTC).
func heliosFile(day: String, covers: Int, cafeteria: [(String, String)]) -> String {
    var rows = [
        "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"
    ]
    let parts = day.split(separator: "-")
    let french = "\(parts[2])/\(parts[1])/\(parts[0])"
    var n = 0
    func row(_ category: String, _ activity: String, _ amount: String, _ share: String) {
        n += 1
        rows.append(
            "LD01-2-\(parts.joined())-\(String(format: "%06d", n));LD01;2;\(french);12:00:00;0013;C0013;\(category);\(activity);PLAT;Article;1;\(amount);10,0;\(amount);\(share)"
        )
    }
    for _ in 0..<covers { row("A", "SELF", "7,00", "4,20") }
    for (category, amount) in cafeteria { row(category, "CAFET", amount, "0,00") }
    return rows.joined(separator: "\r\n") + "\r\n"
}

/// A register file of LD01 on `day` with `covers` category-A covers of Quartz (C0027).
func quartzFile(day: String, covers: Int) -> String {
    var rows = [
        "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"
    ]
    let parts = day.split(separator: "-")
    let french = "\(parts[2])/\(parts[1])/\(parts[0])"
    for n in 1...covers {
        rows.append(
            "LD01-4-\(parts.joined())-\(String(format: "%06d", n));LD01;4;\(french);12:00:00;0027;C0027;A;SELF;PLAT;Plat du jour;1;7,00;10,0;7,00;4,35"
        )
    }
    return rows.joined(separator: "\r\n") + "\r\n"
}

@Suite struct LanguageTrustTests {
    @Test func cafeteriaParticipationLeavesOutGuestTickets() throws {
        let s = try Scratch()
        // A badge holder's coffee 10.00 TTC and a guest's 5.00 TTC, both at 10%.
        let (ledger, engine) = try s.imported(
            "PIE_LD01_20261005.csv",
            heliosFile(day: "2026-10-05", covers: 3, cafeteria: [("A", "10,00"), ("INV", "5,00")]),
            engineOn: day("2026-11-02"))
        let report = try engine.generate(
            period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02"), only: ["C0013"])
        #expect(report.failures.isEmpty)
        var lines: [InvoiceLine] = []
        for inv in try ledger.invoices(client: "C0013") { lines += try #require(try ledger.invoice(id: inv.id!)).lines }
        // 20% of 10.00 TTC / 1.10 = 1.82 HT (with the guest's ticket it would be 2.73).
        #expect(lines.filter { $0.label.hasPrefix("Participation cafétéria") }.map(\.net) == [182])
        // The guest's ticket is billed in full by the guest term: 5.00 / 1.10 = 4.55 HT.
        #expect(lines.filter { $0.label.hasPrefix("Repas invités") }.map(\.net) == [455])
    }

    @Test func aPayersInvoicesCarryThePayersPaymentTerms() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "PIE_LD01_20261005.csv", heliosFile(day: "2026-10-05", covers: 3, cafeteria: [("A", "10,00")]),
            engineOn: day("2026-11-02"))
        let report = try engine.generate(
            period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02"), only: ["C0013"])
        #expect(report.failures.isEmpty && report.issued.count == 2)
        let invoices = try ledger.invoices(status: .issued, client: "C0013")
        let cse = try #require(invoices.first { $0.payer == "C0013-CSE" })
        let client = try #require(invoices.first { $0.payer == nil })
        // The works council pays on receipt; the company 45 days.
        #expect(cse.paymentTerms.description == "on receipt" && cse.dueDate == Day(iso: "2026-11-02"))
        #expect(client.paymentTerms.description == "45 days" && client.dueDate == Day(iso: "2026-12-17"))
        let doc = try s.workspace.document(try #require(try ledger.invoice(id: cse.id!)))
        #expect(
            doc.paymentTerms.description == "Paiement à réception"
                || doc.paymentTerms.lowercased().contains("réception"))
    }

    @Test func anInvoiceOfAContractStartingOnThe15thCoversThe15thToTheMonthsEnd() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "PIE_LD01_20261020.csv", quartzFile(day: "2026-10-20", covers: 10), engineOn: day("2026-11-02"))
        let report = try engine.generate(
            period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02"), only: ["C0027"])
        #expect(report.failures.isEmpty && report.issued.count == 2)
        for inv in try ledger.invoices(status: .issued, client: "C0027") {
            let doc = try s.workspace.document(try #require(try ledger.invoice(id: inv.id!)))
            #expect(doc.period == Period(start: day("2026-10-15"), end: day("2026-10-31")))
            let xml = CrossIndustryInvoice.xml(doc)
            // BT-73/BT-74 say the same as the PDF: from the 15th, never the 1st.
            #expect(xml.contains(">20261015<") && xml.contains(">20261031<") && !xml.contains(">20261001<"))
        }
    }

    @Test func aFeeBilledInAdvanceMakesTheDocumentCoverTheFeesPeriod() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "PIE_LD01_20260910.csv", orbitalFile(day: "2026-09-10", covers: 10), engineOn: day("2026-10-01"))
        // September, issued on 1 October: the fees invoice holds September's tiered fee and the fourth quarter's fee.
        let september = try engine.generate(
            period: Period(parsing: "2026-09")!, issueDate: day("2026-10-01"), only: ["C0025"])
        #expect(september.failures.isEmpty)
        let feesDoc = { (period: Period) throws -> InvoiceDocument in
            let fees = try #require(try ledger.invoices(client: "C0025", period: period).first { $0.site == nil })
            return try s.workspace.document(try #require(try ledger.invoice(id: fees.id!)))
        }
        #expect(
            try feesDoc(Period(parsing: "2026-09")!).period == Period(start: day("2026-09-01"), end: day("2026-12-31")))
        // December, no covers: the fees invoice holds only the first quarter's fee of 2027, and covers it.
        let december = try engine.generate(
            period: Period(parsing: "2026-12")!, issueDate: day("2027-01-01"), only: ["C0025"])
        #expect(december.failures.isEmpty)
        let doc = try feesDoc(Period(parsing: "2026-12")!)
        #expect(doc.lines.map(\.label) == ["Frais de gestion T1 2027"])
        #expect(doc.period == Period(start: day("2027-01-01"), end: day("2027-03-31")))
        // The subsidy invoice of LD01 in September covers September.
        let ld01 = try #require(
            try ledger.invoices(client: "C0025", period: Period(parsing: "2026-09")!).first { $0.site == "LD01" })
        #expect(
            try s.workspace.document(try #require(try ledger.invoice(id: ld01.id!))).period == Period(
                parsing: "2026-09")!)
    }
}
