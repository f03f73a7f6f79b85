import BillingModel
import Foundation
@testable import Ledger
import Testing

/// The sign rule held by the ledger itself ("v15 amount bounds"): whatever
/// code path issues a document, it is never issued with a negative total.
@Suite struct NoDocumentIsIssuedNegative {
    @Test func aNegativeInvoiceIsRefusedByTheDatabaseAndAZeroOneIsIssued() throws {
        let (ledger, _) = try freshLedger()
        let nov2 = try #require(Day(iso: "2026-11-02"))
        // The issue's −119,999,999,999.99 TTC invoice, as a proforma written under the engine's checks.
        let negative = try proforma(ledger, cents: -9_999_999_999_999)
        do {
            _ = try ledger.issue(id: negative, on: nov2, dueDate: nov2, format: fa, actor: "test", posting: testPosting)
            Issue.record("a negative invoice was issued")
        } catch {
            #expect("\(error)".contains("never issued with a negative total"), "\(error)")
        }
        #expect(try ledger.invoice(id: negative)?.invoice.status == .proforma)
        #expect(try count(ledger, "SELECT last_number FROM number_series WHERE code = 'FA'") == 0)
        // Zero is allowed: the engine's zero-sum event difference invoices.
        let zero = try proforma(ledger, cents: 0)
        #expect(
            try ledger.issue(id: zero, on: nov2, dueDate: nov2, format: fa, actor: "test", posting: testPosting)
                == "FA-2026-000001")
        // Written straight into the table, issued (past the trigger that wants every document born a proforma), it is
        // refused too.
        do {
            try ledger.engine.write { db in
                try dropTrigger(db, "invoice_born_proforma", on: "invoice")
                try db.execute(
                    sql: """
                        INSERT INTO invoice (type, status, number, series, client, period_start, period_end, issue_date, due_date, payment_terms,
                                             origin, automatic, total_ht, total_vat, total_ttc, created_at)
                        SELECT type, 'issued', 'FA-2026-000999', series, client, period_start, period_end, issue_date, due_date, payment_terms,
                               origin, automatic, -100, -20, -120, created_at FROM invoice WHERE id = \(zero)
                        """)
            }
            Issue.record("an issued invoice with a negative total was inserted")
        } catch {
            #expect("\(error)".contains("negative total"), "\(error)")
        }
        #expect(try count(ledger, "SELECT COUNT(*) FROM invoice WHERE total_ttc < 0 AND status = 'issued'") == 0)
    }
}
