import BillingEngine
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// Code de commerce L441-10 II: a periodic invoice (a month's, a week's) is due at most 45 days
/// after its issue date. Lint refuses such terms; the engine never issues such an invoice either.
@Suite struct PeriodicPaymentCapTests {
    @Test func aMonthlyInvoiceDueLaterThan45DaysIsNeverIssued() throws {
        let setup = EndToEndTests()
        let (ws, dir) = try setup.workspace()
        try EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 5, c: 2, guests: [])
            .write(to: dir.appendingPathComponent("inbox/PIE_LD01_20261005.csv"), atomically: true, encoding: .utf8)
        let ledger = try ws.openLedger(creating: true)
        _ = try ws.importFiles([])
        let day = try #require(Day(iso: "2026-11-02"))
        let engine = try ws.engine(today: day)
        let report = try engine.generate(
            period: try #require(Period(parsing: "2026-10")), issueDate: day, only: ["ACME"])
        let id = try #require(report.created.first)
        // A proforma made under terms lint now refuses (ACME used to pay "30 days, then end of month": due 31 December).
        try ledger.engine.write { db in
            try db.execute(
                sql: "UPDATE invoice SET payment_terms = ?, due_date = ? WHERE id = ?",
                arguments: ["30 days, then end of month", "2026-12-31", id])
        }
        #expect(throws: IssueRefusal.self) { try engine.validate(ids: [id], on: day) }
        do {
            _ = try engine.validate(ids: [id], on: day)
        } catch let refusal as IssueRefusal {
            #expect(
                refusal.message.contains(
                    "it would fall due on 2026-12-31, 59 days later, over the 45 days the law allows"), "\(refusal)")
            #expect(!refusal.forceable)
        }
        #expect(try ledger.invoice(id: id)?.invoice.status == .proforma)
        #expect(throws: IssueRefusal.self) {
            try engine.validate(ids: [id], on: day, forcedBecause: "the client agreed")
        }
        // With lawful terms (45 days), it is issued, due 17 December.
        try ledger.engine.write { db in
            try db.execute(sql: "UPDATE invoice SET payment_terms = ? WHERE id = ?", arguments: ["45 days", id])
        }
        _ = try engine.validate(ids: [id], on: day)
        let issued = try #require(try ledger.invoice(id: id)).invoice
        #expect(issued.status == .issued && issued.dueDate == Day(iso: "2026-12-17"))
    }

    /// The longest delay of each kind of terms, over every issue date of four years (a leap year included).
    @Test func theLongestDelayOfTermsIsTheWorstIssueDate() {
        let start = Day(iso: "2025-01-01")!
        for terms in [
            PaymentTerms.onReceipt, .days(45), .daysThenEndOfMonth(15), .daysThenEndOfMonth(30),
            .endOfMonthThenDays(15),
            .endOfMonthThenDays(30)
        ] {
            var worst = 0
            for i in 0..<(4 * 366) {
                let d = start.adding(days: i)
                worst = max(worst, terms.dueDate(issuedOn: d).ordinal - d.ordinal)
            }
            #expect(worst == terms.longestDelay, "\(terms)")
        }
        #expect(
            !PaymentTerms.daysThenEndOfMonth(15).exceedsPeriodicCap
                && !PaymentTerms.endOfMonthThenDays(15).exceedsPeriodicCap)
        #expect(PaymentTerms.daysThenEndOfMonth(16).exceedsPeriodicCap && PaymentTerms.days(46).exceedsPeriodicCap)
    }
}
