import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

// Late-revenue corrections, discarding vanished proformas, validation of stale
// proformas: each case here failed once, before its fix.

/// A register file of LD01 on `day` with `covers` category-A covers of Orbital (C0025).
func orbitalFile(day: String, covers: Int) -> String {
    var rows = [
        "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"
    ]
    let parts = day.split(separator: "-")
    let french = "\(parts[2])/\(parts[1])/\(parts[0])"
    for n in 1...covers {
        rows.append(
            "LD01-3-\(parts.joined())-\(String(format: "%06d", n));LD01;3;\(french);12:00:00;0025;C0025;A;SELF;PLAT;Plat du jour;1;7,00;10,0;7,00;4,75"
        )
    }
    return rows.joined(separator: "\r\n") + "\r\n"
}

/// Net HT (cents) of every issued document of `client` (credit notes negative), over lines whose label contains `label`.
func issuedNet(_ ledger: LedgerDatabase, client: String, label: String = "") throws -> Int64 {
    var total: Int64 = 0
    for inv in try ledger.invoices(status: .issued, client: client) {
        let doc = try #require(try ledger.invoice(id: inv.id!))
        let sign: Int64 = doc.invoice.type == .creditNote ? -1 : 1
        total += doc.lines.filter { label.isEmpty || $0.label.contains(label) }.map { sign * $0.net }.reduce(0, +)
    }
    return total
}

@Suite struct LateRevenueCorrectionsTests {
    static let october = Period(parsing: "2026-10")!
    static let guests = Array(repeating: "13,00", count: 10)

    // MARK: 1. sameContent keeps a proforma whose recorded file versions are stale: it can never be issued.

    /// ACME's October proforma waits for the accountant. The 6th is delivered again with one more
    /// zero line (the same amounts). Generating the period again keeps the proforma (same lines),
    /// with the 6th still recorded at its first file, so validation is refused "generate it again"
    /// — forever: regeneration keeps returning the same stale proforma.
    @Test func aWaitingProformaWhoseFileWasReplacedWithTheSameAmountsCanStillBeValidated() throws {
        let s = try Scratch()
        for d in ["05", "06"] {
            try s.write(
                "PIE_LD01_202610\(d).csv",
                EndToEndTests.registerFile(day: "2026-10-\(d)", a: 1000, b: 500, c: 250, guests: Self.guests))
        }
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let first = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        #expect(first.created.count == 1)

        var text = EndToEndTests.registerFile(day: "2026-10-06", a: 1000, b: 500, c: 250, guests: Self.guests)
        text += "LD01-1-20261006-999999;LD01;1;06/10/2026;13:00:00;0001;ACME;C;SELF;EAU;Eau;1;0,00;10,0;0,00;0,00\r\n"
        try s.write("PIE_LD01_20261006.csv", text)
        _ = try s.workspace.importFiles([])

        // The daily run (or the accountant, as the refusal says) generates October again the next day:
        // the proforma recorded at the replaced file gives way to one at the file now (same amounts).
        let again = try engine.generate(period: Self.october, issueDate: day("2026-11-03"), only: ["ACME"])
        #expect(again.created.count == 1)
        let live = try ledger.invoices(status: .proforma, client: "ACME").map { $0.id! }
        #expect(live == again.created && live != first.created)
        #expect(try ledger.invoice(id: live[0])?.invoice.totalTtc == 2_391_000)
        #expect(throws: Never.self) { try engine.validate(ids: live, on: day("2026-11-03")) }
        // Generated again later, the period is issued: nothing more.
        let later = try engine.generate(period: Self.october, issueDate: day("2026-11-09"), only: ["ACME"])
        #expect(later.created.isEmpty && later.alreadyIssued == 1)
    }

    // MARK: 2. A fee whose window is wider than the period is never corrected by late revenue of an earlier period.

    /// ACME invoiced weekly: its monthly management fee (max(1,500.00, 0.45 × covers), in arrears) is
    /// billed with W44, the week in which October ends, over October's covers. One late cover on
    /// 5 October (W41) must bill +4.20 subsidy, +2.35 admission and +0.45 fee = 7.00 HT. The
    /// correction of W41 evaluates W41 only (its window holds no fee period) and W44's invoice
    /// records only its own site-days: the +0.45 is never billed, nor reported.
    @Test func aLateCoverOfAnEarlierWeekCorrectsTheMonthlyFeeBilledWithTheLastWeek() throws {
        let s = try Scratch { rules in
            let f = rules.appendingPathComponent("acme.ard")
            let text = try String(contentsOf: f, encoding: .utf8)
            #expect(text.contains("invoice monthly, one invoice per client"))
            try text.replacingOccurrences(
                of: "invoice monthly, one invoice per client", with: "invoice weekly, one invoice per client"
            )
            .write(to: f, atomically: true, encoding: .utf8)
        }
        for d in ["05", "06"] {
            try s.write(
                "PIE_LD01_202610\(d).csv",
                EndToEndTests.registerFile(day: "2026-10-\(d)", a: 1000, b: 500, c: 250, guests: Self.guests))
        }
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let w41 = try engine.generate(
            period: Period(parsing: "2026-W41")!, issueDate: day("2026-10-12"), only: ["ACME"])
        try engine.validate(ids: w41.created, on: day("2026-10-12"))
        let w44 = try engine.generate(
            period: Period(parsing: "2026-W44")!, issueDate: day("2026-11-02"), only: ["ACME"])
        #expect(w44.failures.isEmpty && w44.created.count == 1)
        try engine.validate(ids: w44.created, on: day("2026-11-02"))
        #expect(try issuedNet(ledger, client: "ACME", label: "Frais de gestion") == 158_400)

        try LateRevenueAsBilledTests.oneMoreCover(s)
        _ = try s.workspace.importFiles([])
        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        #expect(r.failures.isEmpty)
        try engine.validate(ids: r.created, on: day("2026-11-20"))
        // 3,521 covers × 0.45 = 1,584.45 for October's fee.
        let fee = try issuedNet(ledger, client: "ACME", label: "Frais de gestion")
        #expect(fee == 158_445)
        #expect(r.totalHT == Money(cents: 700))
        // Silently: once W41's correction is issued nothing is late any more.
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
    }

    // MARK: 3. A late file that only opens a day of the site is never detected for a daily guarantee (T11).

    /// Nova (weekly, 250 covers a day guaranteed at 1.50 HT per missing cover) was invoiced for W41
    /// when LD01 had tickets on the 5th only. The register file of the 6th, missing until then,
    /// arrives late with ACME's tickets only: the site had tickets that day, so Nova owes
    /// 250 × 1.50 = 375.00 HT more. `lateFilesOfUnbilledClients` only looks at clients with tickets
    /// in the file: Nova is neither detected nor reported, and nothing is ever billed.
    @Test func aLateFileThatOpensADayOfTheSiteBillsTheDailyGuarantee() throws {
        let s = try Scratch()
        try s.write(
            "PIE_LD01_20261005.csv",
            LateRevenueAsBilledTests.withNova(
                EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 0, c: 0, guests: []), day: "2026-10-05"))
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-10-12"))
        let w41 = Period(parsing: "2026-W41")!
        let week = try engine.generate(period: w41, issueDate: day("2026-10-12"), only: ["C0014"])
        try engine.validate(ids: week.created, on: day("2026-10-12"))
        let guarantee = try issuedNet(ledger, client: "C0014", label: "Minimum garanti")
        #expect(guarantee == 37_050)  // 247 missing covers on the 5th

        // The 6th, missing, arrives on 20 October: ACME's tickets only.
        try s.write(
            "PIE_LD01_20261006.csv", EndToEndTests.registerFile(day: "2026-10-06", a: 10, b: 0, c: 0, guests: []))
        _ = try s.workspace.importFiles([])
        // What W41 bills now: the 6th is a day of the site with tickets.
        let now = try engine.preview(period: w41, explicitRange: true, issueDate: day("2026-10-20"), only: ["C0014"])
        let nowGuarantee = now.drafts.flatMap(\.lines).filter { $0.label.contains("Minimum garanti") }.map(\.net.cents)
            .reduce(0, +)
        #expect(nowGuarantee == 37_050 + 37_500)

        // The ledger knows which clients a day opened at LD01 concerns when told (the engine tells it from the contracts).
        #expect(
            try ledger.periodsWithLateRevenue(openDayClients: ["LD01": ["C0014"]]).contains {
                $0.client == "C0014" && $0.period == w41
            })
        // Asked about the periods overlapping October only (the closing's question), it finds it too; not in December.
        #expect(
            try ledger.periodsWithLateRevenue(openDayClients: ["LD01": ["C0014"]], overlapping: Self.october).contains {
                $0.client == "C0014" && $0.period == w41
            })
        #expect(
            try ledger.periodsWithLateRevenue(
                openDayClients: ["LD01": ["C0014"]], overlapping: Period.month(of: day("2026-12-01"))
            ).isEmpty)
        // Not reported either: the unbilled report of October lists no late revenue of Nova.
        let report = try engine.unbilled(period: Self.october, issueDate: day("2026-10-20"))
        #expect(report.lateRevenue.contains { $0.client == "C0014" })
        let r = try engine.correctLateRevenue(issueDate: day("2026-10-20"), only: ["C0014"])
        try engine.validate(ids: r.created, on: day("2026-10-20"))
        let billed = try issuedNet(ledger, client: "C0014", label: "Minimum garanti")
        #expect(billed == nowGuarantee)
    }

    // MARK: 4. A correction left waiting for one invoice group is replaced, and lost, by the next late file.

    /// Orbital (per site, fees on their own invoice, accountant validation): 100 covers on the 5th and
    /// on the 6th, October invoiced. The 5th gains a cover: two corrections, LD01 (+subsidy, +admission)
    /// and the fees invoice (+0.60 service fee). The accountant validates LD01's and leaves the fees
    /// one waiting. Then the 6th gains a cover: the 5th now counts as invoiced at its new file (LD01's
    /// correction recorded it), so the fees delta is +0.60 for the 6th only, under the same key
    /// (`…||1`, no fees correction issued yet): the waiting +0.60 of the 5th is discarded and replaced.
    /// 202 covers × 0.60 = 121.20 must be billed for the service fee; 120.60 is.
    @Test func aWaitingCorrectionOfOneInvoiceIsNotLostWhenTheNextLateFileArrives() throws {
        let s = try Scratch()
        for d in ["05", "06"] { try s.write("PIE_LD01_202610\(d).csv", orbitalFile(day: "2026-10-\(d)", covers: 100)) }
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let october = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["C0025"])
        #expect(october.failures.isEmpty)
        try engine.validate(ids: october.created, on: day("2026-11-02"))
        #expect(try issuedNet(ledger, client: "C0025", label: "Redevance") == 12_000)

        try s.write("PIE_LD01_20261005.csv", orbitalFile(day: "2026-10-05", covers: 101))
        _ = try s.workspace.importFiles([])
        let first = try engine.correctLateRevenue(issueDate: day("2026-11-10"))
        #expect(first.failures.isEmpty && first.created.count == 2)
        let docs = try first.created.map { try #require(try ledger.invoice(id: $0)) }
        let siteCorrection = try #require(docs.first { $0.invoice.site == "LD01" })
        let feesCorrection = try #require(docs.first { $0.invoice.site == nil })
        #expect(feesCorrection.lines.map(\.net) == [60])
        try engine.validate(ids: [siteCorrection.invoice.id!], on: day("2026-11-10"))  // the fees one waits

        try s.write("PIE_LD01_20261006.csv", orbitalFile(day: "2026-10-06", covers: 101))
        _ = try s.workspace.importFiles([])
        let second = try engine.correctLateRevenue(issueDate: day("2026-11-12"))
        #expect(second.failures.isEmpty)
        try engine.validate(
            ids: try ledger.invoices(status: .proforma, client: "C0025").map { $0.id! }, on: day("2026-11-12"))
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
        // 202 covers at 0.60: 121.20 HT of service fee for October.
        let fee = try issuedNet(ledger, client: "C0025", label: "Redevance")
        #expect(fee == 12_120)
        #expect(try ledger.auditLog(invoiceID: feesCorrection.invoice.id!).last?.facts?.text("cause") == "regenerated")
    }

    // MARK: 5. An edited proforma pricing an order at an older revision can never be validated.

    /// Nova's W44 proforma carries EVT-N-1 (revision 1); the accountant edits it (a label). Revision 2
    /// only changes the purchase-order number, which bills nothing. Validation is refused with
    /// "generate the period again", but generation never replaces an edited proforma: it can only be
    /// discarded, losing the accountant's edit.
    @Test func anEditedProformaIsNotStuckByAPurchaseOrderOnlyRevision() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261020.jsonl", novaOrder(id: "EVT-N-1", day: "2026-10-20"), engineOn: day("2026-11-02"))
        let w44 = Period(parsing: "2026-W44")!
        let week = try engine.generate(period: w44, issueDate: day("2026-11-02"), only: ["C0014"])
        let id = try #require(week.created.first)
        var lines = try #require(try ledger.invoice(id: id)).lines.map { NewInvoiceLine($0) }
        lines[0].label += " (séminaire direction)"
        try ledger.replaceLines(id: id, lines: lines, reason: "label asked by the client", actor: "accountant")

        let po2 = novaOrder(id: "EVT-N-1", revision: 2, day: "2026-10-20").replacingOccurrences(
            of: "\"PO-N\"", with: "\"PO-N2\"")
        try s.write("EVT_20261103.jsonl", po2)
        _ = try s.workspace.importFiles([])
        _ = try engine.billEvents(on: day("2026-11-03"))
        // As the refusal says: generate the period again.
        _ = try engine.generate(period: w44, explicitRange: true, issueDate: day("2026-11-03"), only: ["C0014"])
        #expect(try ledger.invoices(status: .proforma, client: "C0014").map { $0.id! } == [id])
        #expect(throws: Never.self) { try engine.validate(ids: [id], on: day("2026-11-03")) }
    }
}
