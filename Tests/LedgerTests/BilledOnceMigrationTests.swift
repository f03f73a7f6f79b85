import BillingModel
import Foundation
import GRDB
import Testing
import TestSupport
@testable import Ledger

/// "v15 billed once" fills `billed_unit` from an existing ledger's live documents, and from then on the
/// database refuses a second live document for a day, a fee or an order revision.
@Suite(.sqliteOnly) struct BilledOnceMigrationTests {
    @Test func anExistingLedgerKeepsWhatItBilledAndRefusesItAgain() throws {
        let dir = Repository.temporaryDirectory("ledger-v14")
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v14 login attempt address")
        let day = try #require(Day(iso: "2026-10-05"))
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO number_series (code, last_number) VALUES ('FA', 0);
                    INSERT INTO imported_file (id, name, kind, version, sha256, size, imported_at, status, site, day, row_count, rejected_count, warning_count)
                      VALUES (1, 'PIE_LD01_20261005.csv', 'registers', 1, '\(String(repeating: "a", count: 64))', 1, 'then', 'imported', 'LD01', \(day.ordinal), 0, 0, 0);
                    INSERT INTO site_day (site, day, current_file_id) VALUES ('LD01', \(day.ordinal), 1);
                    """)
            // The same day billed twice before the migration (the bug): the month's proforma and a range's.
            for (id, start, end) in [(1, "2026-10-01", "2026-10-31"), (2, "2026-10-01", "2026-10-10")] {
                try db.execute(
                    sql: """
                        INSERT INTO invoice (id, type, status, series, client, period_start, period_end, issue_date, due_date,
                                             payment_terms, origin, generation_key, total_ht, total_vat, total_ttc, created_at)
                        VALUES (?, 'invoice', 'proforma', 'FA', 'ACME', ?, ?, '2026-11-02', '2026-11-02', 'on receipt', 'contract', ?, 100, 20, 120, 'then')
                        """, arguments: [id, start, end, "contract|ACME|\(start)|\(end)|||"])
                try db.execute(
                    sql: """
                        INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate, revenue_type, service_start, service_end)
                        VALUES (?, 1, 'Frais de gestion octobre 2026', 1, 10000, 100, 200000, 'FRAIS', '2026-10-01', '2026-10-31')
                        """, arguments: [id])
                try db.execute(
                    sql:
                        "INSERT INTO invoice_site_day (invoice_id, client, site, day, file_id) VALUES (?, 'ACME', 'LD01', ?, 1)",
                    arguments: [id, day.ordinal])
            }
        }
        try queue.close()
        let ledger = try LedgerDatabase(path: path)
        let units = try ledger.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT unit, invoice_id FROM billed_unit ORDER BY unit")
        }
        #expect(
            units.map { $0[0] as String } == [
                BilledUnit.day(client: "ACME", payer: nil, documentSite: nil, fees: false, site: "LD01", day: day),
                BilledUnit.fee(
                    client: "ACME", payer: nil, label: "Frais de gestion octobre 2026",
                    service: Period(parsing: "2026-10")!)
            ])
        #expect(units.map { $0[1] as Int64 } == [1, 1], "a unit billed twice before stays with the first document")

        // A third document for the same day is refused, whatever the period asked.
        let third = NewInvoice(
            type: .invoice, series: "FA", client: "ACME", period: Period(parsing: "2026-10-05")!, issueDate: day,
            dueDate: day, paymentTerms: .onReceipt, origin: .contract, generationKey: "contract|ACME|third",
            lines: [
                NewInvoiceLine(
                    label: "Subvention", quantity: 1, unitPrice: Price(Money(cents: 100)), net: Money(cents: 100),
                    vat: VATRate(whole: 10), site: "LD01")
            ],
            siteDays: [SiteDayKey(site: "LD01", day: day)])
        var withUnits = third
        withUnits.billedUnits = [
            BilledUnit.day(client: "ACME", payer: nil, documentSite: nil, fees: false, site: "LD01", day: day)
        ]
        #expect(throws: BilledTwice.self) { try ledger.createProforma(withUnits, actor: "test") }
        #expect(try ledger.invoices().count == 2)
        // Discarding the one that bills it frees the day.
        try ledger.discard(id: 1, reason: "double", actor: "test")
        #expect(try ledger.createProforma(withUnits, actor: "test") != nil)
    }
}
