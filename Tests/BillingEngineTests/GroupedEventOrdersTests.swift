import BillingEngine
import BillingModel
import Foundation
import Ledger
import Logging
import Testing
import TestSupport
import Workspace

// Event orders and their revisions grouped on monthly invoices: each case here failed once,
// before its fix; and behaviour checked and found right.

/// One order of Orbital (C0025: one invoice per client and site, fees on their own invoice, accountant validation),
/// with an events term grouped monthly added by `orbitalWithEvents`.
func orbitalOrder(id: String, revision: Int = 1, day: String, site: String = "LD01", quantity: Int = 10) -> String {
    """
    {"order_id":"\(id)","revision":\(revision),"client":"C0025","site":"\(site)","event_date":"\(day)",\
    "status":"delivered","delivered_at":"\(day)T12:00:00+02:00","lines":[\
    {"article":"PLATEAU","label":"Plateau repas","quantity":\(quantity),"unit_price_ht":"15.00","vat_rate":"10.0"}]}

    """
}

/// Orbital's contract with grouped monthly events (and a fixed monthly fee, so that each month has a fees invoice).
func orbitalWithEvents(_ rules: URL) throws {
    let f = rules.appendingPathComponent("c0025-orbital.ard")
    let text = try String(contentsOf: f, encoding: .utf8)
    let anchor = "\n  example \"October 2026"
    #expect(text.contains(anchor))
    try text.replacingOccurrences(
        of: anchor,
        with: "\n  fee \"Frais fixes\" 100.00 HT per month at 20% VAT, in arrears"
            + "\n  events at order prices, grouped monthly\n    changes by difference\n" + anchor
    )
    .write(to: f, atomically: true, encoding: .utf8)
}

/// The example settings with Orbital billed for events too (its contract's events term needs it: E0902).
func orbitalBilledForEvents(_ settings: String) -> String {
    let listed = "    revenue_types: [SUBV, DROIT, FRAIS]\n"
    #expect(settings.components(separatedBy: listed).count == 2, "Orbital's revenue types are the only ones listed so")
    return settings.replacingOccurrences(of: listed, with: "    revenue_types: [SUBV, DROIT, FRAIS, EVT]\n")
}

/// Net HT (cents) that issued documents billed for an order.
func billedNet(_ ledger: LedgerDatabase, _ order: String) throws -> Int64 {
    try ledger.issuedLines(orderID: order).map { $0.sign * $0.line.net }.reduce(0, +)
}

/// The run of a scratch ledger holding a few files only: clients are not held for the register files a full month would have.
func quietRun(_ s: Scratch) -> ScheduledRun {
    var run = ScheduledRun(workspace: s.workspace, logger: Logger(label: "test"), actor: "test", sending: false)
    run.holdsMissingDays = false
    return run
}

@Suite struct GroupedEventOrdersAreBilledOnceTests {
    /// Nova's W44 proforma carries N-1 when the order is cancelled, after W44's due week: the stale
    /// proforma can no longer be issued; generated again, it bills nothing for the order.
    @Test func aGroupedOrderCancelledWhileItsMonthsProformaWaitsIsNeverBilled() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261020.jsonl", novaOrder(id: "EVT-N-1", day: "2026-10-20"), engineOn: day("2026-11-02"))
        let w44 = Period(parsing: "2026-W44")!
        let week = try engine.generate(period: w44, issueDate: day("2026-11-02"), only: ["C0014"])
        #expect(week.created.count == 1 && week.issued.isEmpty)

        try s.write("EVT_20261110.jsonl", novaOrder(id: "EVT-N-1", revision: 2, day: "2026-10-20", status: "cancelled"))
        _ = try s.workspace.importFiles([])
        let events = try engine.billEvents(on: day("2026-11-10"))
        #expect(
            events.created.isEmpty
                && events.notes.contains { $0.contains("EVT-N-1") && $0.contains("generate that period again") })
        let refused = #expect(throws: InvoiceError.self) {
            try engine.validate(ids: week.created, on: day("2026-11-10"))
        }
        #expect(refused.map { "\($0)" }?.contains("order EVT-N-1 changed since proforma") == true)
        // Generated again (as the message says), the proforma leaves the cancelled order out.
        // Nova had nothing else that week: the proforma is discarded.
        let again = try engine.generate(period: w44, explicitRange: true, issueDate: day("2026-11-10"), only: ["C0014"])
        #expect(again.created.isEmpty && again.notes.contains { $0.contains("discarded") })
        #expect(try ledger.invoices(status: .proforma).isEmpty)
        #expect(try billedNet(ledger, "EVT-N-1") == 0)
    }

    /// Nova: N-1 delivered 30 October is billed with W44. Revision 2 moves it to 3 November with the same
    /// lines: November's invoice does not bill it again.
    @Test func aGroupedOrderMovedToTheNextMonthAfterItsInvoiceIsBilledOnce() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261030.jsonl",
            novaOrder(id: "EVT-N-1", day: "2026-10-30") + novaOrder(id: "EVT-N-2", day: "2026-11-05", quantity: 2),
            engineOn: day("2026-11-02"))
        let w44 = try engine.generate(
            period: Period(parsing: "2026-W44")!, issueDate: day("2026-11-02"), only: ["C0014"])
        try engine.validate(ids: w44.created, on: day("2026-11-02"))
        #expect(try billedNet(ledger, "EVT-N-1") == 30_000)

        try s.write("EVT_20261103.jsonl", novaOrder(id: "EVT-N-1", revision: 2, day: "2026-11-03"))
        _ = try s.workspace.importFiles([])
        #expect(try engine.billEvents(on: day("2026-11-03")).created.isEmpty)
        let w49 = try engine.generate(
            period: Period(parsing: "2026-W49")!, issueDate: day("2026-12-07"), only: ["C0014"])
        try engine.validate(ids: w49.created, on: day("2026-12-07"))
        #expect(try engine.billEvents(on: day("2026-12-07")).created.isEmpty)
        #expect(try billedNet(ledger, "EVT-N-1") == 30_000)
        #expect(try billedNet(ledger, "EVT-N-2") == 3_000)  // November's own order still goes with November
    }

    /// Orbital (per site): O-1 is billed on LD01's October invoice; revision 2 moves it to LD02, same lines:
    /// no LD02 invoice bills it again.
    @Test func aGroupedOrderMovedToAnotherSiteAfterItsInvoiceIsBilledOnce() throws {
        let s = try Scratch(editRules: orbitalWithEvents, editSettings: orbitalBilledForEvents)
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write("EVT_20261020.jsonl", orbitalOrder(id: "EVT-O-1", day: "2026-10-20"))
        let run = quietRun(s)
        _ = try run.run(on: day("2026-11-02"))
        let engine = try s.engine(ledger, day("2026-11-02"))
        try engine.validate(
            ids: try ledger.invoices(status: .proforma).filter { $0.client == "C0025" }.map { $0.id! },
            on: day("2026-11-02"))
        #expect(try billedNet(ledger, "EVT-O-1") == 15_000)

        try s.write("EVT_20261103.jsonl", orbitalOrder(id: "EVT-O-1", revision: 2, day: "2026-10-20", site: "LD02"))
        _ = try run.run(on: day("2026-11-03"))
        try engine.validate(
            ids: try ledger.invoices(status: .proforma).filter { $0.client == "C0025" }.map { $0.id! },
            on: day("2026-11-03"))
        _ = try run.run(on: day("2026-11-04"))
        #expect(try billedNet(ledger, "EVT-O-1") == 15_000)
    }

    /// Nova: an order of 20 October reaches the inbox on 12 November; Nova had nothing else in W44, so no
    /// invoice of W44 exists, and W44 is no longer due. Reported, then invoiced on its own by the run.
    @Test func aLateGroupedOrderWithNoInvoiceForItsMonthIsInvoicedOnItsOwn() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261112.jsonl", novaOrder(id: "EVT-N-9", day: "2026-10-20"), engineOn: day("2026-11-12"))
        let before = try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-12")).items.filter
        { $0.reason.contains("EVT-N-9") }
        #expect(before.map(\.amountTTC) == [Money(cents: 33_000)])
        #expect(before.first?.reason.contains("no invoice of 2026-W44 carries it") == true)
        let run = quietRun(s)
        for d in ["2026-11-12", "2026-11-13", "2026-12-07"] { _ = try run.run(on: day(d)) }
        #expect(try billedNet(ledger, "EVT-N-9") == 30_000)
        #expect(try ledger.invoices().filter { $0.orderId == "EVT-N-9" }.map(\.issueDate) == [day("2026-11-12")])
        #expect(
            try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-12-07")).items.filter {
                $0.reason.contains("EVT-N-9")
            }.isEmpty)
    }

    /// Orbital: October's fees invoice is issued first, LD01's waits as a proforma. An LD01 order arriving
    /// during the due week goes with LD01's proforma (generated again), not on its own as well.
    @Test func aFeesInvoiceIsNotTheCarrierOfALateOrder() throws {
        let s = try Scratch(editRules: orbitalWithEvents, editSettings: orbitalBilledForEvents)
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write("EVT_20261020.jsonl", orbitalOrder(id: "EVT-O-1", day: "2026-10-20"))
        let run = quietRun(s)
        _ = try run.run(on: day("2026-11-02"))
        let proformas = try ledger.invoices(status: .proforma).filter { $0.client == "C0025" }
        let fees = try #require(proformas.first { $0.site == nil })
        let engine = try s.engine(ledger, day("2026-11-02"))
        try engine.validate(ids: [fees.id!], on: day("2026-11-02"))

        try s.write("EVT_20261103.jsonl", orbitalOrder(id: "EVT-O-2", day: "2026-10-22", quantity: 4))
        _ = try run.run(on: day("2026-11-03"))
        let ld01 = try #require(
            try ledger.invoices(status: .proforma).first { $0.client == "C0025" && $0.site == "LD01" })
        #expect(try ledger.invoice(id: ld01.id!)!.lines.contains { $0.orderId == "EVT-O-2" })
        try engine.validate(ids: [ld01.id!], on: day("2026-11-03"))
        _ = try run.run(on: day("2026-11-04"))
        #expect(try billedNet(ledger, "EVT-O-2") == 6_000)
        #expect(try ledger.invoices().filter { $0.orderId == "EVT-O-2" }.isEmpty)  // no invoice of its own
    }

    /// Helios: revision 2's credit note and new invoice wait (October closed); only the credit note is
    /// validated. The next run validates the new invoice: the order is billed at its revision 2.
    @Test func aCreditNoteIssuedAloneDoesNotSettleTheRevision() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261014.jsonl", heliosOrder(revision: 1), engineOn: day("2026-10-14"))
        #expect(try engine.billEvents(on: day("2026-10-14")).issued.count == 1)
        try ledger.closeMonth("2026-10", by: "controller")
        try s.write("EVT_20261016.jsonl", heliosOrder(revision: 2, cocktails: 50))
        _ = try s.workspace.importFiles([])
        #expect(try engine.billEvents(on: day("2026-10-16")).created.count == 2)
        let credit = try #require(try ledger.invoices(status: .proforma).first { $0.type == .creditNote })
        try engine.validate(ids: [credit.id!], on: day("2026-11-02"))
        #expect(try billedNet(ledger, "EVT-T-1") == 0)
        // Waiting for its new invoice, the order shows as unbilled.
        #expect(
            try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02")).items.contains {
                $0.reason.contains("EVT-T-1")
            })

        let next = try engine.billEvents(on: day("2026-11-02"))
        #expect(next.issued.count == 1 && next.created.isEmpty)
        #expect(try billedNet(ledger, "EVT-T-1") == 110_390)
        #expect(try ledger.invoices(status: .proforma).isEmpty)
        #expect(try engine.billEvents(on: day("2026-11-03")).created.isEmpty)
    }

    /// An order of a client with no contract is not billed and shows in the unbilled report; one delivered
    /// before its contract's validity too (reported by the contract's evaluation).
    @Test func ordersNoContractCanBillAreListedAsUnbilled() throws {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write(
            "EVT_20260105.jsonl",
            novaOrder(id: "EVT-N-OLD", day: "2025-12-15")
                + novaOrder(id: "EVT-X-1", day: "2025-12-16").replacingOccurrences(of: "\"C0014\"", with: "\"C9999\""))
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-01-05"))
        #expect(try engine.billEvents(on: day("2026-01-05")).created.isEmpty)
        let report = try engine.unbilled(period: Period(parsing: "2025-12")!, issueDate: day("2026-01-05"))
        #expect(report.items.contains { $0.reason.contains("EVT-N-OLD") })
        #expect(report.items.filter { $0.reason.contains("EVT-X-1") }.map(\.amountTTC) == [Money(cents: 33_000)])
    }
}

/// Behaviour the review checked and found right, kept as tests.
@Suite struct EventOrderPeriodsTests {
    /// W44 (26 Oct – 1 Nov) carries October's orders only; an order of Sunday 1 November waits for W49.
    @Test func aWeekAcrossTwoMonthsCarriesTheMonthThatEndsInIt() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261101.jsonl",
            novaOrder(id: "EVT-N-OCT", day: "2026-10-31") + novaOrder(id: "EVT-N-NOV", day: "2026-11-01", quantity: 3),
            engineOn: day("2026-11-02"))
        let w44 = try engine.generate(
            period: Period(parsing: "2026-W44")!, issueDate: day("2026-11-02"), only: ["C0014"])
        try engine.validate(ids: w44.created, on: day("2026-11-02"))
        #expect(try billedNet(ledger, "EVT-N-OCT") == 30_000)
        #expect(try billedNet(ledger, "EVT-N-NOV") == 0)
        #expect(try engine.billEvents(on: day("2026-11-02")).created.isEmpty)  // November's order is not "late"
        let w49 = try engine.generate(
            period: Period(parsing: "2026-W49")!, issueDate: day("2026-12-07"), only: ["C0014"])
        try engine.validate(ids: w49.created, on: day("2026-12-07"))
        #expect(try billedNet(ledger, "EVT-N-NOV") == 4_500)
        #expect(try billedNet(ledger, "EVT-N-OCT") == 30_000)
    }

    /// Helios: cancelled before its invoice was issued (refused validation, closed month): the proforma is
    /// discarded, nothing is billed, nothing is reported.
    @Test func aPerOrderCancellationBeforeIssueDiscardsTheProforma() throws {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write("EVT_20261014.jsonl", heliosOrder(revision: 1))
        _ = try s.workspace.importFiles([])
        try ledger.closeMonth("2026-10", by: "controller")
        let engine = try s.engine(ledger, day("2026-10-14"))
        #expect(try engine.billEvents(on: day("2026-10-14")).created.count == 1)
        try s.write("EVT_20261102.jsonl", heliosOrder(revision: 2, status: "cancelled"))
        _ = try s.workspace.importFiles([])
        #expect(try engine.billEvents(on: day("2026-11-02")).created.isEmpty)
        #expect(try ledger.invoices(status: .proforma).isEmpty)
        #expect(try billedNet(ledger, "EVT-T-1") == 0)
        #expect(
            try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02")).items.filter {
                $0.reason.contains("EVT-T-1")
            }.isEmpty)
    }
}
