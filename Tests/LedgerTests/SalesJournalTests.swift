import Accounting
import BillingModel
import Foundation
import GRDB
@testable import Ledger
import Testing
import TestSupport

/// Issued documents and their sales-journal entries, in the real ledger.
@Suite struct SalesJournal {
    static let day = Day(iso: "2026-11-02") ?? Day(ordinal: 0)
    static let twenty = VATRate(whole: 20), ten = VATRate(whole: 10)
    static let posting = SalesPosting(
        accounts: SalesAccounts(
            customerCollective: "411000", outputVAT: [twenty: "445711", ten: "445712"],
            revenue: ["SUBV": ("706100", "Subventions"), "FEES": ("706700", "Frais de gestion")],
            defaultRevenue: ("706000", "Prestations de services")),
        journal: "VT", journalLabel: "Ventes",
        customers: ["ACME": .init(account: "411ACME", name: "ACME Industries SA")])
    static let format = SeriesFormat(prefix: "FA-2026-", width: 6)

    func proforma(_ ledger: LedgerDatabase, type: DocumentKind = .invoice) throws -> Int64 {
        let lines = [
            NewInvoiceLine(
                label: "Subvention", quantity: 2000, unitPrice: Price("4.20") ?? Price(tenThousandths: 0),
                net: Money(cents: 840_000), vat: Self.ten, revenueType: "SUBV"),
            NewInvoiceLine(
                label: "Frais de gestion", quantity: 1, unitPrice: Price("1500.00") ?? Price(tenThousandths: 0),
                net: Money(cents: 150_000), vat: Self.twenty, revenueType: "FEES"),
            NewInvoiceLine(
                label: "Geste commercial", quantity: 1, unitPrice: Price("-10.00") ?? Price(tenThousandths: 0),
                net: Money(cents: -1_000), vat: Self.twenty)
        ]
        let new = NewInvoice(
            type: type, series: "FA", client: "ACME", period: Period.month(of: Day(iso: "2026-10-01") ?? Self.day),
            issueDate: Self.day, dueDate: Self.day, paymentTerms: .onReceipt, origin: .manual, lines: lines)
        return try #require(try ledger.createProforma(new, actor: "test"))
    }

    @Test func issuingPostsABalancedEntryInTheSameTransaction() throws {
        let (ledger, _) = try freshLedger()
        let id = try proforma(ledger)
        let number = try ledger.issue(
            id: id, on: Self.day, dueDate: Self.day, format: Self.format, actor: "test", posting: Self.posting)
        let entries = try ledger.entries()
        #expect(entries.count == 1)
        let entry = try #require(entries.first?.entry)
        #expect(entries.first?.invoiceID == id)
        #expect(entry.number == 1 && entry.journal == "VT" && entry.pieceReference == number && entry.date == Self.day)
        #expect(entry.isBalanced)
        let stored = try #require(try ledger.invoice(id: id))
        #expect(entry.lines.first { $0.account == "411000" }?.debit == Money(cents: stored.invoice.totalTtc))
        // the gesture, typed in by hand
        #expect(entry.lines.first { $0.account == "706000" }?.debit == Money(cents: 1_000))
        #expect(entry.lines.first { $0.account == "411000" }?.auxiliaryAccount == "411ACME")
    }

    /// The entries' chain links what the ledger stored: SQLite keeps a text up to a NUL character, PostgreSQL
    /// refuses it, and neither leaves a link that `verify` finds broken.
    @Test func anEntryWithANULCharacterIsLinkedAsStoredOrRefused() throws {
        let (ledger, _) = try freshLedger()
        let id = try proforma(ledger)
        var posting = Self.posting
        posting.customers["ACME"] = .init(account: "411ACME", name: "ACME\u{0} Industries SA")
        let issued = Result {
            try ledger.issue(
                id: id, on: Self.day, dueDate: Self.day, format: Self.format, actor: "test", posting: posting)
        }
        if ledger.engine.kind == .postgres {
            #expect(throws: (any Error).self) { try issued.get() }
            #expect(try ledger.invoice(id: id)?.invoice.status == .proforma)
        } else {
            #expect(throws: Never.self) { try issued.get() }
        }
        // Issued here without its files (no renderer): that break aside, nothing is found changed.
        let breaks = try ledger.verifyIssuedDocuments().breaks.filter { $0.kind != "not stored" }
        #expect(breaks.isEmpty, "\(breaks)")
    }

    /// An entry's lines are refused out of order even when they are written by one statement (PostgreSQL's
    /// multi-row INSERT, where the check once saw none of the statement's own rows).
    @Test func entryLinesOutOfOrderAreRefusedWithinOneStatement() throws {
        let (ledger, _) = try freshLedger()
        let id = try proforma(ledger)
        _ = try ledger.issue(
            id: id, on: Self.day, dueDate: Self.day, format: Self.format, actor: "test", posting: Self.posting)
        func entry(positions: [Int64]) throws {
            try ledger.engine.write { db in
                try db.execute(sql: "UPDATE journal SET last_number = last_number + 1 WHERE code = 'VT'")
                let entryID = try #require(
                    try db.fetchValue(
                        Int64.self,
                        sql: """
                            INSERT INTO journal_entry (journal, number, entry_date, piece_ref, piece_date, validation_date, created_at)
                            VALUES ('VT', (SELECT last_number FROM journal WHERE code = 'VT'), '2026-11-02', 'OD-1', '2026-11-02',
                                    '2026-11-02', '2026-11-02T00:00:00Z') RETURNING id
                            """))
                try db.insertRows(
                    into: "journal_entry_line",
                    columns: ["entry_id", "position", "account", "account_label", "label", "debit", "credit"],
                    positions.map { p in
                        [
                            .integer(entryID), .integer(p), .text("471000"), .text("Attente"), .text("OD"),
                            .integer(100), .integer(0)
                        ]
                    })
            }
        }
        #expect(throws: Never.self) { try entry(positions: [1, 2]) }
        #expect(throws: (any Error).self) { try entry(positions: [1, 3]) }
    }

    @Test func aDocumentThatCannotBePostedIsNotIssued() throws {
        let (ledger, _) = try freshLedger()
        let id = try proforma(ledger)
        var posting = Self.posting
        posting.accounts.outputVAT[Self.twenty] = nil
        #expect(throws: InvoiceError.self) {
            try ledger.issue(
                id: id, on: Self.day, dueDate: Self.day, format: Self.format, actor: "test", posting: posting)
        }
        #expect(try ledger.invoice(id: id)?.invoice.status == .proforma)
        #expect(try ledger.entries().isEmpty)
        #expect(try count(ledger, "SELECT last_number FROM number_series WHERE code = 'FA'") <= 0)
    }

    @Test func theDatabaseRefusesIssuingWithoutAnEntryAndChangingOne() throws {
        let (ledger, _) = try freshLedger()
        let id = try proforma(ledger)
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in
                try db.execute(
                    sql: "UPDATE invoice SET status = 'issued', number = 'FA-X', issued_at = 'now' WHERE id = ?",
                    arguments: [id])
            }
        }
        _ = try ledger.issue(
            id: id, on: Self.day, dueDate: Self.day, format: Self.format, actor: "test", posting: Self.posting)
        for sql in [
            "UPDATE journal_entry SET entry_date = '2026-11-03'", "DELETE FROM journal_entry",
            "UPDATE journal_entry_line SET debit = debit + 1", "DELETE FROM journal_entry_line",
            "UPDATE journal SET last_number = last_number + 2"
        ] {
            #expect(throws: SQLEngineError.self, "\(sql)") {
                try ledger.engine.transaction { db in try db.execute(sql: sql) }
            }
        }
    }

    @Test func nothingIsPostedInAClosedMonth() throws {
        let (ledger, _) = try freshLedger()
        let id = try proforma(ledger)
        try ledger.engine.write { db in
            try db.execute(
                sql: "INSERT INTO closed_month(month, closed_at, closed_by) VALUES ('2026-11', 'now', 'test')")
        }
        #expect(throws: (any Error).self) {
            try ledger.issue(
                id: id, on: Self.day, dueDate: Self.day, format: Self.format, actor: "test", posting: Self.posting)
        }
        #expect(try ledger.entries().isEmpty)
    }

    /// A ledger whose documents were issued before the sales journal existed gets their entries, once.
    @Test(.sqliteOnly) func documentsIssuedBeforeTheJournalArePostedOnce() throws {
        let dir = Repository.temporaryDirectory("ledger-v6")
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v5 order revisions")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO number_series (code, last_number) VALUES ('FA', 0)")
            for id in [1, 2] {
                try db.execute(
                    sql: """
                        INSERT INTO invoice (id, type, status, series, client, period_start, period_end, issue_date, due_date,
                                             payment_terms, origin, total_ht, total_vat, total_ttc, created_at)
                        VALUES (?, 'invoice', 'proforma', 'FA', 'ACME', '2026-10-01', '2026-10-31', '2026-11-02', '2026-11-02',
                                'on receipt', 'manual', 10000, 2000, 12000, 'then')
                        """, arguments: [id])
                try db.execute(
                    sql: """
                        INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate, revenue_type)
                        VALUES (?, 1, 'Frais de gestion', 1, 1000000, 10000, 200000, 'FEES')
                        """, arguments: [id])
                try db.execute(
                    sql: "INSERT INTO invoice_vat (invoice_id, rate, base, vat) VALUES (?, 200000, 10000, 2000)",
                    arguments: [id])
                // Issued the way the ledger did before entries existed.
                try db.execute(sql: "UPDATE number_series SET last_number = last_number + 1 WHERE code = 'FA'")
                try db.execute(
                    sql: "UPDATE invoice SET status = 'issued', number = ?, issued_at = 'then' WHERE id = ?",
                    arguments: ["FA-2026-00000\(id)", id])
            }
        }
        try queue.close()
        let ledger = try LedgerDatabase(path: path)
        #expect(try ledger.appliedMigrations().contains("v8 journal entries"))
        #expect(try ledger.postMissingEntries(posting: Self.posting, actor: "test") == 2)
        #expect(try ledger.postMissingEntries(posting: Self.posting, actor: "test") == 0)
        // The next runs read the documents after the last one looked at ("v18 catch-up bounds").
        #expect(try ledger.engine.read { db in try ledger.catchUpBound("entries", db: db).invoice } == 2)
        let entries = try ledger.entries()
        #expect(entries.map(\.entry.number) == [1, 2])
        #expect(entries.map(\.entry.pieceReference) == ["FA-2026-000001", "FA-2026-000002"])
        #expect(entries.allSatisfy { $0.entry.isBalanced && $0.entry.totalDebit == Money(cents: 12000) })
    }
}
