import BillingModel
import Foundation
import GRDB
import Testing
import TestSupport
@testable import Ledger

/// A document's service period is one fact kept with the document: "v16 document period" fills it for an existing
/// ledger from the lines, says what it could not take from them, and the ledger writes it with every write of lines.
@Suite struct DocumentPeriodTests {
    @Test(.sqliteOnly) func anExistingLedgerGetsEachDocumentsPeriodFromItsLinesAndNamesTheOnesItCouldNot() throws {
        let dir = Repository.temporaryDirectory("ledger-v7")
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v7 issued documents")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO number_series (code, last_number) VALUES ('FA', 3)")
            // 1: October's consumption and November's fee billed in advance, issued on 1 November.
            // 2: issued with a line typed in without days: it was printed with its billing period.
            // 3: a proforma with lines of one week.
            for id in 1...3 {
                try db.execute(
                    sql: """
                        INSERT INTO invoice (id, type, status, series, client, period_start, period_end, issue_date, due_date,
                                             payment_terms, origin, total_ht, total_vat, total_ttc, created_at)
                        VALUES (?, 'invoice', 'proforma', 'FA', 'ACME', '2026-10-01', '2026-10-31', '2026-11-01', '2026-11-01', 'on receipt',
                                'contract', 200, 20, 220, 'then')
                        """, arguments: [id])
            }
            let lines: [(Int, Int, String?, String?)] = [
                (1, 1, "2026-10-01", "2026-10-31"), (1, 2, "2026-11-01", "2026-11-30"),
                (2, 1, "2026-10-05", "2026-10-09"), (2, 2, nil, nil),
                (3, 1, "2026-10-05", "2026-10-09"), (3, 2, "2026-10-12", "2026-10-16")
            ]
            for (invoice, position, start, end) in lines {
                try db.execute(
                    sql: """
                        INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate, service_start, service_end)
                        VALUES (?, ?, 'Ligne', 1, 10000, 100, 100000, ?, ?)
                        """, arguments: [invoice, position, start, end])
            }
            // Issued as ledgers of then issued them: lines first, then the number.
            try db.execute(
                sql: "UPDATE invoice SET status = 'issued', number = 'FA-' || id, issued_at = 'then' WHERE id IN (1, 2)"
            )
        }
        try queue.close()

        let ledger = try LedgerDatabase(path: path)
        #expect(try ledger.appliedMigrations().contains("v16 document period"))
        func period(_ id: Int64) throws -> String? {
            try ledger.invoice(id: id).flatMap { i in
                "\(i.invoice.documentPeriod.start)..\(i.invoice.documentPeriod.end)"
            }
        }
        #expect(try period(1) == "2026-10-01..2026-11-30", "the hull of the lines, the advance fee included")
        #expect(try period(2) == "2026-10-01..2026-10-31", "kept as its documents were printed: the billing period")
        #expect(try period(3) == "2026-10-05..2026-10-16", "a proforma: the days its lines bill")
        let assumed = try ledger.documentPeriodsAssumed()
        #expect(assumed.map(\.number) == ["FA-2"])
        #expect(assumed.first?.reason.contains("some lines carry no service period") == true)

        // The filled rows are frozen again: the database refuses to change an issued document's period.
        #expect(throws: DatabaseError.self) {
            try ledger.pool.write { db in
                try db.execute(sql: "UPDATE invoice SET service_end = '2026-12-31' WHERE id = 1")
            }
        }
        // An edit of the proforma moves its period with its lines.
        let week = try #require(Period(parsing: "2026-10-19..2026-10-23"))
        try ledger.replaceLines(
            id: 3,
            lines: [
                NewInvoiceLine(
                    label: "Ligne", quantity: 1, unitPrice: Price(Money(cents: 100)), net: Money(cents: 100),
                    vat: VATRate(whole: 10),
                    service: week)
            ], reason: "test", actor: "test")
        #expect(try period(3) == "2026-10-19..2026-10-23")
    }

    @Test func aNewDocumentsPeriodIsItsLinesHullAndALineWithoutDaysCountsAsTheBillingPeriod() throws {
        let ledger = try TestEngine.newLedger()
        let october = try #require(Period(parsing: "2026-10"))
        let day = try #require(Day(iso: "2026-11-01"))
        func line(_ service: Period?) -> NewInvoiceLine {
            NewInvoiceLine(
                label: "Ligne \(service?.description ?? "-")", quantity: 1, unitPrice: Price(Money(cents: 100)),
                net: Money(cents: 100), vat: VATRate(whole: 10), service: service)
        }
        let quarter = try #require(Period(parsing: "2026-Q4"))
        let advance = NewInvoice(
            type: .invoice, series: "FA", client: "ACME", period: october, issueDate: day, dueDate: day,
            paymentTerms: .onReceipt, origin: .manual, lines: [line(october), line(quarter)])
        let a = try #require(try ledger.createProforma(advance, actor: "test"))
        #expect(try ledger.invoice(id: a)?.invoice.documentPeriod == Period(start: october.start, end: quarter.end))
        let typed = NewInvoice(
            type: .invoice, series: "FA", client: "ACME", period: october, issueDate: day, dueDate: day,
            paymentTerms: .onReceipt, origin: .manual, lines: [line(nil)])
        let b = try #require(try ledger.createProforma(typed, actor: "test"))
        #expect(try ledger.invoice(id: b)?.invoice.documentPeriod == october)
    }
}
