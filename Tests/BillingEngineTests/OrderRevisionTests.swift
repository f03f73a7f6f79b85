import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// One order of Nova (C0014: invoiced every ISO week, events grouped monthly,
/// changes by difference) delivered at LD01.
func novaOrder(id: String, revision: Int = 1, day: String, quantity: Int = 20, status: String = "delivered") -> String {
    """
    {"order_id":"\(id)","revision":\(revision),"client":"C0014","site":"LD01","po_number":"PO-N","event_date":"\(day)",\
    "status":"\(status)","delivered_at":"\(day)T12:00:00+02:00","lines":[\
    {"article":"PLATEAU","label":"Plateau repas","quantity":\(quantity),"unit_price_ht":"15.00","vat_rate":"10.0"}]}

    """
}

extension Scratch {
    /// Edits a contract of the scratch rules in place and returns an engine over
    /// the same ledger that reads the edited rules (the contract as it stands now).
    func editContract(_ file: String, replacing old: String, with new: String, ledger: LedgerDatabase, today: Day)
        throws -> Engine
    {
        let f = dir.appendingPathComponent("rules").appendingPathComponent(file)
        let text = try String(contentsOf: f, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: f, atomically: true, encoding: .utf8)
        return try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path).engine(
            today: today, actor: "test")
    }
}

@Suite struct OrderRevisionTests {
    /// Nova's October orders go with the invoice of the week in which October
    /// ends (2026-W44). An order that reaches the inbox after that invoice was
    /// issued is invoiced on its own by the daily run, and shows in the
    /// unbilled report until then.
    @Test func aGroupedOrderArrivingAfterItsMonthsInvoiceIsInvoicedOnItsOwn() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261020.jsonl", novaOrder(id: "EVT-N-1", day: "2026-10-20"), engineOn: day("2026-11-02"))
        // Grouped: nothing on its own while the month is open.
        #expect(try engine.billEvents(on: day("2026-10-21")).created.isEmpty)
        let week = try engine.generate(
            period: Period(parsing: "2026-W44")!, issueDate: day("2026-11-02"), only: ["C0014"])
        try engine.validate(ids: week.created, on: day("2026-11-02"))
        let monthInvoice = try #require(try ledger.invoice(id: week.created[0]))
        #expect(monthInvoice.lines.filter { $0.orderId == "EVT-N-1" }.map(\.orderRevision) == [1])
        #expect(try engine.billEvents(on: day("2026-11-02")).created.isEmpty)

        // Delivered on 22 October, received on 5 November.
        try s.write("EVT_20261105.jsonl", novaOrder(id: "EVT-N-2", day: "2026-10-22", quantity: 10))
        _ = try s.workspace.importFiles([])
        let october = Period(parsing: "2026-10")!
        let pending = try engine.unbilled(period: october, issueDate: day("2026-11-05")).items.filter {
            $0.reason.contains("EVT-N-2")
        }
        #expect(pending.map(\.amountTTC) == [Money(cents: 16_500)])  // 10 × 15.00 HT + 10% VAT
        #expect(pending.first?.reason.contains(monthInvoice.invoice.number!) == true)

        let late = try engine.billEvents(on: day("2026-11-05"))
        #expect(late.issued.count == 1)
        let own = try #require(try ledger.invoice(number: late.issued[0]))
        #expect(own.invoice.type == .invoice && own.invoice.origin == .events && own.invoice.orderId == "EVT-N-2")
        #expect(own.invoice.totalHt == 15_000 && own.invoice.issueDate == Day(iso: "2026-11-05"))
        #expect(own.lines.map(\.orderRevision) == [1])
        #expect(late.notes.contains { $0.contains("EVT-N-2") && $0.contains(monthInvoice.invoice.number!) })
        // Billed once: gone from the report, and the next run does nothing.
        #expect(
            try engine.unbilled(period: october, issueDate: day("2026-11-05")).items.filter {
                $0.reason.contains("EVT-N-")
            }.isEmpty)
        #expect(try engine.billEvents(on: day("2026-11-06")).created.isEmpty)
        // The order that went with the month was never billed twice.
        #expect(try ledger.issuedLines(orderID: "EVT-N-1").count == 1)
    }

    /// A new purchase-order number settles the revision with no document; a
    /// contract edit made afterwards does not re-price the order.
    @Test func aPurchaseOrderChangeThenAContractEditBillsNothing() throws {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write("EVT_20261014.jsonl", heliosOrder(revision: 1))
        _ = try s.workspace.importFiles([])
        #expect(try s.engine(ledger, day("2026-10-14")).billEvents(on: day("2026-10-14")).issued.count == 1)
        try s.write("EVT_20261015.jsonl", heliosOrder(revision: 2, po: "PO-2"))
        _ = try s.workspace.importFiles([])
        #expect(try s.engine(ledger, day("2026-10-15")).billEvents(on: day("2026-10-15")).created.isEmpty)
        #expect(try ledger.settledRevision(orderID: "EVT-T-1") == 2)
        #expect(
            try ledger.auditLog().contains {
                $0.action == "settle" && $0.facts?.text("order") == "EVT-T-1" && $0.facts?.integer("revision") == 2
            })

        // Helios's discount goes from 5% to 10% in November: the October order stays as billed.
        let edited = try s.editContract(
            "c0013-helios.ard", replacing: "discount 5% on event lines", with: "discount 10% on event lines",
            ledger: ledger, today: day("2026-11-02"))
        #expect(try edited.billEvents(on: day("2026-11-02")).created.isEmpty)
        #expect(
            try edited.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02")).items
                .filter { $0.reason.contains("EVT-T-1") }.isEmpty)
        #expect(try ledger.invoices().count == 1)
    }

    /// A grouped order changed before its month's invoice: the invoice bills
    /// revision 2, which settles it; a later contract edit re-bills nothing.
    @Test func aGroupedOrderBilledAtItsLatestRevisionIsNotRepricedAfterAContractEdit() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261020.jsonl",
            novaOrder(id: "EVT-N-1", day: "2026-10-20")
                + novaOrder(id: "EVT-N-1", revision: 2, day: "2026-10-20", quantity: 25), engineOn: day("2026-11-02"))
        let week = try engine.generate(
            period: Period(parsing: "2026-W44")!, issueDate: day("2026-11-02"), only: ["C0014"])
        try engine.validate(ids: week.created, on: day("2026-11-02"))
        #expect(try ledger.settledRevision(orderID: "EVT-N-1") == 2)
        #expect(try engine.billEvents(on: day("2026-11-02")).created.isEmpty)

        let edited = try s.editContract(
            "c0014-nova.ard", replacing: "    changes by difference",
            with: "    discount 5% on event lines\n    changes by difference", ledger: ledger, today: day("2026-11-03"))
        #expect(try edited.billEvents(on: day("2026-11-03")).created.isEmpty)
        #expect(try ledger.invoices().count == 1)

        // A real change (30 trays) is billed as the difference from what was issued: 5 trays.
        try s.write("EVT_20261104.jsonl", novaOrder(id: "EVT-N-1", revision: 3, day: "2026-10-20", quantity: 30))
        _ = try s.workspace.importFiles([])
        let change = try edited.billEvents(on: day("2026-11-04"))
        #expect(change.created.count == 1)
        let difference = try #require(try ledger.invoice(id: change.created[0]))
        #expect(difference.invoice.creditedInvoiceId == nil && difference.lines.allSatisfy { $0.orderRevision == 3 })
        let net =
            try ledger.issuedLines(orderID: "EVT-N-1").map { $0.sign * $0.line.net }.reduce(0, +)
            + (difference.invoice.status == .issued ? 0 : difference.invoice.totalHt)
        // Issued 25 × 15.00; the contract now discounts 5%: 30 × 14.25 = 427.50 in all.
        #expect(net == 42_750)
    }

    /// A cancellation carries no delivery time: the order keeps the delivery
    /// day of its revision before, and its invoice is credited.
    @Test func aCancellationWithoutDeliveryTimeStillCreditsTheInvoice() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261014.jsonl", heliosOrder(revision: 1), engineOn: day("2026-10-14"))
        #expect(try engine.billEvents(on: day("2026-10-14")).issued.count == 1)
        try s.write(
            "EVT_20261016.jsonl",
            heliosOrder(revision: 2, status: "cancelled").replacingOccurrences(
                of: "\"delivered_at\":\"2026-10-14T11:30:00+02:00\",", with: ""))
        #expect(try s.workspace.importFiles([]).allSatisfy { $0.status.rawValue != "rejected" })
        #expect(try ledger.currentOrder("EVT-T-1")?.revision.deliveredDay == nil)
        let cancel = try engine.billEvents(on: day("2026-10-16"))
        #expect(cancel.issued.count == 1)
        let credit = try #require(try ledger.invoice(number: cancel.issued[0]))
        #expect(credit.invoice.type == .creditNote && credit.invoice.totalTtc == 104_348)
        #expect(try ledger.issuedLines(orderID: "EVT-T-1").map { $0.sign * $0.line.net }.reduce(0, +) == 0)
        #expect(try engine.billEvents(on: day("2026-10-17")).created.isEmpty)
    }

    /// Proformas a refused validation left for revision 2 are discarded when
    /// revision 3 arrives: validating them later cannot bill a stale change.
    @Test func proformasOfAnOlderRevisionAreDiscardedWhenANewerOneArrives() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261014.jsonl", heliosOrder(revision: 1), engineOn: day("2026-10-14"))
        #expect(try engine.billEvents(on: day("2026-10-14")).issued.count == 1)
        try ledger.closeMonth("2026-10", by: "controller")
        try s.write("EVT_20261016.jsonl", heliosOrder(revision: 2, cocktails: 50))
        _ = try s.workspace.importFiles([])
        let refused = try engine.billEvents(on: day("2026-10-16"))
        #expect(refused.created.count == 2 && refused.issued.isEmpty && refused.failures.count == 2)
        #expect(try ledger.invoices(status: .proforma).count == 2)

        // Back to 40 cocktails: the same lines as what was issued.
        try s.write("EVT_20261102.jsonl", heliosOrder(revision: 3))
        _ = try s.workspace.importFiles([])
        let back = try engine.billEvents(on: day("2026-11-02"))
        #expect(back.created.isEmpty)
        #expect(try ledger.invoices(status: .proforma).isEmpty)
        #expect(
            try ledger.auditLog().filter {
                $0.action == "discard" && $0.facts?.text("cause") == "superseded" && $0.facts?.integer("revision") == 3
            }.count == 2)
        #expect(try ledger.settledRevision(orderID: "EVT-T-1") == 3)
    }
}
