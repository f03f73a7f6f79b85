import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// The open invoices a reminder or a bank statement looks at are read from `open_invoice`, a summary the database's
/// triggers keep in the transactions that change a balance, not from every invoice ever issued: after each kind of
/// change (paid in full, paid in part, credited, a payment unmatched) they are exactly those a scan of every issued
/// invoice finds, as of any day; and a summary out of step with the balances is a break `verify` reports.
@Suite struct OpenInvoicesSummaryTests {
    static let days = ["2026-11-02", "2026-11-19", "2026-11-20", "2026-11-24", "2026-11-25", "2027-02-01"]

    /// The open invoices as of each day (and of every date) from the summary, against the scan of every invoice.
    func expectSummaryAgreesWithEveryInvoice(_ t: IssuedMonth, _ step: String) throws {
        for day in Self.days.map({ Day(iso: $0) }) + [nil] {
            let fromSummary = try t.ledger.openInvoices(asOf: day)
            let scanned = try t.ledger.openInvoices(asOf: day, includePaid: true).filter { $0.balance.cents > 0 }
            #expect(fromSummary == scanned, "\(step), as of \(day?.description ?? "every date")")
            if let day {
                let balance = fromSummary.reduce(Int64(0)) { $0 + $1.balance.cents }
                #expect(balance == (try t.openBalanceInSQL(asOf: day)), "\(step), as of \(day)")
            }
        }
        #expect(try t.ledger.crashConsistency().breaks == [], "\(step)")
    }

    @Test func theOpenInvoicesFollowEachPaymentCreditAndUnmatchAsOfEveryDay() throws {
        let t = try IssuedMonth()
        let all = try t.ledger.openInvoices()
        #expect(all.count >= 6)
        try expectSummaryAgreesWithEveryInvoice(t, "issued")

        // Paid on 20 November: the first half in full, the next one in part.
        let half = Array(all.prefix(all.count / 2))
        let partly = all[half.count]
        let credits = (half.map { ($0, $0.balance) } + [(partly, Money(cents: partly.balance.cents / 2))]).map {
            invoice, amount in
            BankCredit(
                reference: "PAY-\(invoice.number)", bookingDate: Day(iso: "2026-11-20")!, amount: amount,
                debtorName: t.names[invoice.client], debtorIBAN: nil, remittance: invoice.number)
        }
        _ = try t.importFiles([try t.statement(credits)])
        let open = try t.ledger.openInvoices()
        #expect(open.count == all.count - half.count, "\(open.map(\.number))")
        #expect(open.first { $0.id == partly.id }.map { $0.paid.cents > 0 && $0.balance.cents > 0 } == true)
        try expectSummaryAgreesWithEveryInvoice(t, "paid")

        // Credited in full on 25 November: nothing left to pay.
        let credited = all[half.count + 1]
        _ = try t.m.engine.credit(invoice: credited.number, reason: "geste commercial", on: Day(iso: "2026-11-25")!)
        #expect(try t.ledger.openInvoices().contains { $0.id == credited.id } == false)
        try expectSummaryAgreesWithEveryInvoice(t, "credited")

        // A payment unmatched: its invoice is open again.
        let payment = try #require(
            try t.ledger.payments().first { $0.allocations.contains { $0.invoiceID == half[0].id } })
        #expect(try t.workspace.unmatchPayment(id: payment.id, invoices: [], actor: "bob") >= 1)
        #expect(try t.ledger.openInvoices().contains { $0.id == half[0].id })
        try expectSummaryAgreesWithEveryInvoice(t, "unmatched")
    }

    @Test func aSummaryOutOfStepWithTheBalancesIsABreakVerifyReports() throws {
        let t = try IssuedMonth()
        let open = try #require(try t.ledger.openInvoices().first)
        #expect(try t.ledger.verifyIssuedDocuments().intact)
        try t.ledger.engine.write { db in
            try db.execute(sql: "DELETE FROM open_invoice WHERE invoice_id = ?", arguments: [open.id])
        }
        let report = try t.ledger.verifyIssuedDocuments()
        #expect(report.breaks.map(\.number) == [open.number] && report.breaks.allSatisfy { $0.kind == "open invoices" })
        #expect(try t.ledger.crashConsistency().breaks.contains { $0.hasPrefix(open.number) })
    }
}
