import BillingModel
import Foundation
import Testing
import TestSupport
@testable import Ledger

/// A date the ledger stores as text that does not read back (written outside Ardoise) is an error naming the
/// record and the field, never a default day, a skipped row or a document shown with a wrong date.
@Suite struct StrictStoredValuesTests {
    static func ledger() throws -> LedgerDatabase {
        let ledger = try TestEngine.newLedger(in: Repository.temporaryDirectory("strict-values"))
        try ledger.engine.write { s in
            try s.execute(sql: "INSERT INTO number_series (code, last_number) VALUES ('FA', 0)")
            try s.execute(
                sql: """
                    INSERT INTO invoice (id, type, status, series, client, period_start, period_end, issue_date, due_date,
                                         payment_terms, origin, total_ht, total_vat, total_ttc, created_at)
                    VALUES (1, 'invoice', 'proforma', 'FA', 'ACME', '2026-10-01', '2026-10-31', '2026-11-02', '2026-12-17', '45 days',
                            'contract', 500, 50, 550, 'then')
                    """)
            try s.execute(
                sql: """
                    INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate, service_start, service_end, explanation)
                    VALUES (1, 1, 'Ligne', 1, 50000, 500, 100000, '2026-10-01', '2026-10-31', '')
                    """)
        }
        return ledger
    }

    static func refusal(_ body: () throws -> Void) -> InvoiceError? {
        do { try body() } catch let e as InvoiceError { return e } catch { return nil }
        return nil
    }

    @Test func aMalformedDateOfADocumentIsAnErrorNamingItsField() throws {
        let ledger = try Self.ledger()
        #expect(try ledger.invoice(id: 1)?.invoice.dueDate == Day(iso: "2026-12-17"))
        for (column, value, field) in [
            ("due_date", "2026-13-45", "due date"), ("issue_date", "02/11/2026", "issue date"),
            ("period_end", "2026-10-3x", "period end"),
            // Terms in words the engine never writes, and a day in another form than the one written: read as
            // typed values, or the document's canonical text (hashed when issued) would silently change.
            ("payment_terms", "45 jours", "payment terms"),
            ("payment_terms", "45 days then end of month", "payment terms"),
            ("due_date", "2026-12-17T00:00", "due date")
        ] {
            let ledger = try Self.ledger()
            try ledger.engine.write { s in
                try s.execute(sql: "UPDATE invoice SET \(column) = ? WHERE id = 1", arguments: [value])
            }
            let error = Self.refusal { _ = try ledger.invoice(id: 1) }
            #expect(error == .malformedStoredValue(document: "proforma 1", field: field, value: value), "\(column)")
            // Every reader of documents says so: the list of documents with their lines too.
            #expect(Self.refusal { _ = try ledger.invoice(idOrNumber: "1") } != nil)
        }
    }

    @Test func aMalformedServiceDayOfALineIsAnError() throws {
        let ledger = try Self.ledger()
        try ledger.engine.write { s in
            try s.execute(sql: "UPDATE invoice_line SET service_end = '2026-10-32' WHERE invoice_id = 1")
        }
        #expect(
            Self.refusal { _ = try ledger.invoice(id: 1) }
                == .malformedStoredValue(
                    document: "proforma 1", field: "service period of line 1 end", value: "2026-10-32"))
    }

    @Test func aPaymentWithAMalformedBookingDayIsAnErrorNotAMissingPayment() throws {
        let ledger = try Self.ledger()
        try ledger.engine.write { s in
            try s.execute(
                sql: """
                    INSERT INTO payment (id, bank_ref, source_file, booking_date, amount, imported_at)
                    VALUES (7, 'REF-7', 'releve.csv', '2026-11-31', 550, 'then')
                    """)
        }
        #expect(
            Self.refusal { _ = try ledger.payments() }
                == .malformedStoredValue(document: "payment 7", field: "booking date", value: "2026-11-31"))
    }
}
