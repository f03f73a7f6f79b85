import BillingModel
import Foundation
@testable import Ledger
import Testing

/// A proforma of `client` with one line, in series FA.
func proforma(
    _ ledger: LedgerDatabase, client: String = "ACME", label: String = "Subvention", cents: Int64 = 10_000,
    series: String = "FA"
) throws -> Int64 {
    let october = Period(
        start: Day(iso: "2026-10-01") ?? Day(ordinal: 0), end: Day(iso: "2026-10-31") ?? Day(ordinal: 0))
    let line = NewInvoiceLine(
        label: label, quantity: 1, unitPrice: Price(tenThousandths: cents * 100), net: Money(cents: cents),
        vat: VATRate(tenThousandths: 100_000))
    let new = NewInvoice(
        type: .invoice, series: series, client: client, period: october, issueDate: october.end,
        dueDate: october.end, paymentTerms: .onReceipt, origin: .manual, lines: [line])
    return try #require(try ledger.createProforma(new, actor: "test"))
}

let fa = SeriesFormat(prefix: "FA-2026-", width: 6)

@Suite struct ChronologicalNumberingTests {
    @Test func aDocumentDatedBeforeTheLastOfItsSeriesIsRefusedWithTheDates() throws {
        let (ledger, _) = try freshLedger()
        let first = try proforma(ledger), second = try proforma(ledger)
        let nov2 = try #require(Day(iso: "2026-11-02")), nov1 = try #require(Day(iso: "2026-11-01"))
        #expect(
            try ledger.issue(id: first, on: nov2, dueDate: nov2, format: fa, actor: "test", posting: testPosting)
                == "FA-2026-000001")
        do {
            _ = try ledger.issue(id: second, on: nov1, dueDate: nov1, format: fa, actor: "test", posting: testPosting)
            Issue.record("a document dated before the last of its series was issued")
        } catch let error as InvoiceError {
            #expect(error.message.contains("cannot be issued on 2026-11-01"), "\(error)")
            #expect(error.message.contains("FA-2026-000001, is dated 2026-11-02"), "\(error)")
        }
        // Nothing moved: the number is not consumed, the proforma waits.
        #expect(try count(ledger, "SELECT last_number FROM number_series WHERE code = 'FA'") == 1)
        #expect(try ledger.invoice(id: second)?.invoice.status == .proforma)
        // The same day or later is fine; another series has its own dates.
        #expect(
            try ledger.issue(id: second, on: nov2, dueDate: nov2, format: fa, actor: "test", posting: testPosting)
                == "FA-2026-000002")
        let other = try proforma(ledger, series: "EV")
        #expect(
            try ledger.issue(
                id: other, on: nov1, dueDate: nov1, format: SeriesFormat(prefix: "EV-", width: 3), actor: "test",
                posting: testPosting) == "EV-001")
    }

    @Test func theDatabaseRefusesABackDatedIssueWhateverTheWriter() throws {
        let (ledger, _) = try freshLedger()
        let first = try proforma(ledger), second = try proforma(ledger)
        let nov2 = try #require(Day(iso: "2026-11-02"))
        _ = try ledger.issue(id: first, on: nov2, dueDate: nov2, format: fa, actor: "test", posting: testPosting)
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in
                // This writer skips posting too: leave only the chronology trigger to refuse it.
                try dropTrigger(db, "invoice_issued_with_entry", on: "invoice")
                try db.execute(sql: "UPDATE number_series SET last_number = 2 WHERE code = 'FA'")
                try db.execute(
                    sql: """
                        UPDATE invoice SET status = 'issued', number = 'FA-2026-000002', issue_date = '2026-11-01', due_date = '2026-11-01',
                          issued_at = '2026-11-01T00:00:00Z' WHERE id = ?
                        """, arguments: [second])
            }
        }
        #expect(try ledger.invoice(id: second)?.invoice.status == .proforma)
    }
}
