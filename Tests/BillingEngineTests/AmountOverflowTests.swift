import BillingEngine
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// An order whose amounts do not fit in cents (2,147,483,647 × 99,999,999.9999,
/// as the issue's poison pill) is its client's failure, named by order and
/// line: the engine never traps, and every other client is billed.
@Suite struct AnAmountPastAnyBoundStopsOneClientOnly {
    /// Helios (C0013, orders one by one), Nova (C0014, orders grouped monthly)
    /// and Orbital (C0025, no events term), each with one order; `poisoned`
    /// get the issue's quantity and price, written under the importers (whose
    /// own bounds are another matter) as an older ledger may hold them.
    func ledger(poisoned: [String]) throws -> (Scratch, LedgerDatabase) {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write(
            "EVT_20261014.jsonl",
            heliosOrder(revision: 1) + heliosOrder(revision: 1).replacingOccurrences(of: "EVT-T-1", with: "EVT-T-2")
                + novaOrder(id: "EVT-N-1", day: "2026-10-20")
                + novaOrder(id: "EVT-O-1", day: "2026-10-20").replacingOccurrences(of: "\"C0014\"", with: "\"C0025\""))
        _ = try s.workspace.importFiles([])
        try ledger.engine.write { db in
            try db.execute(
                sql: """
                    UPDATE event_order_line SET quantity = 2147483647, unit_price = 999999999999
                    WHERE line_no = 1 AND revision_id IN (SELECT id FROM event_order_revision WHERE order_id IN (\(db.stringsOfJSONArgument)))
                    """, arguments: [LedgerDatabase.jsonArray(poisoned)])
        }
        return (s, ledger)
    }

    /// Helios prices orders with a 5% discount: 99,999,999.9999 → 94,999,999.9999.
    @Test func theDailyEventBillingBillsTheOtherOrders() throws {
        let (s, ledger) = try ledger(poisoned: ["EVT-T-1"])
        let report = try s.engine(ledger, day("2026-10-14")).billEvents(on: day("2026-10-14"))
        #expect(report.failures.map(\.client) == ["C0013"])
        #expect(
            report.failures.first?.message.contains(
                "event order EVT-T-1 revision 1, line 1: amount out of range: 2147483647 × 94999999.9999") == true,
            "\(report.failures)")
        // The other order of the same client is issued.
        #expect(report.issued.count == 1)
        #expect(try ledger.documents(orderID: "EVT-T-2").map(\.invoice.status) == [.issued])
        #expect(try ledger.documents(orderID: "EVT-T-1").isEmpty)
    }

    @Test func billingAPeriodBillsEveryOtherClient() throws {
        let (s, ledger) = try ledger(poisoned: ["EVT-N-1"])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let clean = try Scratch()
        let cleanLedger = try clean.workspace.openLedger(creating: true)
        // The week in which October ends: Nova's grouped October orders, every monthly contract's October.
        let week = Period(parsing: "2026-W44")!
        let expected = try clean.engine(cleanLedger, day("2026-11-02")).preview(
            period: week, issueDate: day("2026-11-02"))
        let report = try engine.generate(period: week, issueDate: day("2026-11-02"))
        #expect(report.failures.map(\.client) == ["C0014"], "\(report.failures)")
        #expect(
            report.failures.first?.message.contains("event order EVT-N-1 revision 1, line 1: amount out of range")
                == true, "\(report.failures)")
        // Every other client with revenue or fees is billed as it would be without the poisoned order.
        let billed = Set(expected.drafts.map(\.client)).subtracting(["C0014"])
        #expect(!billed.isEmpty)
        #expect(report.clientsBilled == billed)
        #expect(try ledger.invoices().allSatisfy { $0.client != "C0014" })
    }

    @Test func theUnbilledReportNamesTheOrdersAndGoesOn() throws {
        let (s, ledger) = try ledger(poisoned: ["EVT-N-1", "EVT-O-1"])
        let report = try s.engine(ledger, day("2026-11-02")).unbilled(
            period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02"))
        let failures = report.failures.map { "\($0.client): \($0.message)" }
        #expect(
            failures.contains {
                $0.hasPrefix("C0025") && $0.contains("event order EVT-O-1 revision 1, line 1: amount out of range")
            }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("C0014") && $0.contains("EVT-N-1") }, "\(failures)")
        #expect(report.items.allSatisfy { !$0.reason.contains("EVT-O-1") && !$0.reason.contains("EVT-N-1") })
    }
}
