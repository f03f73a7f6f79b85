import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// The closing's revenue check evaluates every contract over the month's ticket lines; the web app keeps that
/// evaluation per input (the register file version of each site-day and the order revisions read), never per
/// commit: a kept evaluation is the one the same inputs give again, and a new delivery is read again.
@Suite struct KeptUnbilledEvaluationsTests {
    static let october = Period.month(of: day("2026-10-01"))

    /// ACME's tickets of the 5th and one ticket of a client no settings know (`C9999`, 4.75 employer share):
    /// `unknown` such tickets.
    static func file(unknown: Int) -> String {
        var text = EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 5, c: 2, guests: [])
        for n in 1...unknown {
            text +=
                "LD01-9-20261005-\(String(format: "%06d", n));LD01;9;05/10/2026;12:30:00;9999;C9999;A;SELF;PLAT;Plat du jour;1;7,00;10,0;7,00;4,75\r\n"
        }
        return text
    }

    @Test func aKeptEvaluationIsTheOneTheSameFilesGiveAndANewDeliveryIsReadAgain() throws {
        let s = try Scratch()
        try s.write("PIE_LD01_20261005.csv", Self.file(unknown: 1))
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let kept = UnbilledEvaluations()

        let fresh = try engine.unbilled(period: Self.october, issueDate: day("2026-11-02"))
        let first = try engine.unbilled(period: Self.october, issueDate: day("2026-11-02"), evaluations: kept)
        let again = try engine.unbilled(period: Self.october, issueDate: day("2026-11-02"), evaluations: kept)
        #expect(kept.count == 1, "one evaluation kept for one set of inputs")
        #expect(first.items == fresh.items && again.items == fresh.items)
        #expect(fresh.items.first { $0.client == "C9999" }?.amountTTC == Money("4.75"))

        // Documents made meanwhile (ACME's invoice, issued) change neither a file nor an order: the kept evaluation holds.
        let made = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        _ = try engine.validate(ids: made.created, on: day("2026-11-02"))
        let billed = try engine.unbilled(period: Self.october, issueDate: day("2026-11-02"), evaluations: kept)
        #expect(billed.items == fresh.items && billed.lateRevenue.isEmpty)
        #expect(kept.count == 1)

        // A corrected delivery of the 5th (two unknown tickets): a new file version, so a new key, read again.
        try s.write("PIE_LD01_20261005.csv", Self.file(unknown: 2))
        _ = try s.workspace.importFiles([])
        let after = try engine.unbilled(period: Self.october, issueDate: day("2026-11-02"), evaluations: kept)
        #expect(after.items.first { $0.client == "C9999" }?.amountTTC == Money("9.50"))
        let afterFresh = try engine.unbilled(period: Self.october, issueDate: day("2026-11-02"))
        #expect(after.items == afterFresh.items)
        // The 5th was invoiced on its first file: late revenue now, kept or not.
        #expect(
            after.lateRevenue.map(\.client) == ["ACME"] && afterFresh.lateRevenue.map(\.client) == ["ACME"],
            "\(after.lateRevenue)")
        #expect(kept.count == 2)
        // Another issue date is another evaluation (index values and the days the contracts see depend on it).
        _ = try engine.unbilled(period: Self.october, issueDate: day("2026-11-03"), evaluations: kept)
        #expect(kept.count == 3)
    }

    /// The closing report made with kept evaluations is the one made afresh (checks, details and totals).
    @Test func aClosingReportFromAKeptEvaluationIsTheSame() throws {
        let s = try Scratch()
        try s.write("PIE_LD01_20261005.csv", Self.file(unknown: 1))
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let kept = UnbilledEvaluations()
        let fresh = try engine.closingReport(month: Self.october, today: day("2026-11-02"))
        _ = try engine.closingReport(month: Self.october, today: day("2026-11-02"), evaluations: kept)
        let fromKept = try engine.closingReport(month: Self.october, today: day("2026-11-02"), evaluations: kept)
        #expect(fromKept.checks.map(\.facts) == fresh.checks.map(\.facts))
        #expect(fromKept.text == fresh.text)
        let revenue = try #require(fromKept.checks.first { $0.kind == .revenueBilled })
        #expect(
            !revenue.passed
                && revenue.facts.contains {
                    if case .unbilled(let i) = $0 { i.why == .unknownClient(covers: 1) } else { false }
                })
    }
}

/// An order of a client whose contract has no events term is unbilled at its TTC (issue 19, 8: its HT was
/// once reported in the TTC column and added into the TTC total).
@Suite struct UnbilledOrdersAreTTCTests {
    @Test func anOrderNoEventsTermBillsIsReportedAtItsTTCWithItsReason() throws {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        // Orbital (C0025) has no events term: 20 × 15.00 HT at 10 % = 300.00 HT, 330.00 TTC.
        try s.write(
            "EVT_20261020.jsonl",
            novaOrder(id: "EVT-O-1", day: "2026-10-20").replacingOccurrences(of: "\"C0014\"", with: "\"C0025\""))
        _ = try s.workspace.importFiles([])
        let report = try s.engine(ledger, day("2026-11-02")).unbilled(
            period: Period.month(of: day("2026-10-01")), issueDate: day("2026-11-02"))
        let item = try #require(report.items.first { $0.why.order == "EVT-O-1" })
        #expect(item.why == .contract(.orderWithoutEventsTerm(order: "EVT-O-1")))
        #expect(item.amountTTC == Money("330.00"), "\(item.amountTTC)")
        #expect(report.totalTTC == report.items.map(\.amountTTC).sum())
    }
}
