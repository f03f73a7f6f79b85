import Accounting
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// VAT on receipts ("TVA sur les encaissements"): invoicing a service puts its VAT on the pending account, each
/// payment moves its share (pro rata of the TTC, to the cent) to the output VAT account, an unmatch moves it
/// back, a credit note takes its part off; goods keep their VAT at invoicing. Real ledger, real payments.
@Suite struct VATIsDueWhenServicesArePaid {
    static let day = Day(iso: "2026-11-02") ?? Day(ordinal: 0)
    static let ten = VATRate(whole: 10), reduced = VATRate(tenThousandths: 55_000)

    /// The test posting with VAT on receipts: services (SUBV) at 10 % pending on 445742, goods (SNACK) at 5.5 % at invoicing.
    static var posting: SalesPosting {
        var p = testPosting
        p.accounts.revenue = ["SUBV": ("706100", "Subventions"), "SNACK": ("707100", "Ventes à emporter")]
        p.accounts.pendingVAT = [VATRate(whole: 20): "445741", ten: "445742", reduced: "445743"]
        p.accounts.goodsRevenueTypes = ["SNACK"]
        return p
    }

    static var bank: BankPosting {
        BankPosting(
            bankAccount: "512000", journal: "BQ", journalLabel: "Banque", customerAccount: "411000",
            suspenseAccount: "471000",
            customers: testPosting.customers)
    }

    /// FA: 840.00 HT of subsidy at 10 % (84.00 VAT, services) and 100.00 HT of snacks at 5.5 % (5.50, goods): 1,029.50 TTC.
    /// A payment of the whole invoice allocated to it without its VAT move, as a ledger paid before VAT on
    /// receipts moved anything recorded it.
    func allocateWithoutMove(_ ledger: LedgerDatabase, _ invoiceID: Int64) throws {
        try ledger.engine.write { db in
            let payment = try db.fetchValue(
                Int64.self,
                sql: """
                    INSERT INTO payment (bank_ref, source_file, booking_date, amount, imported_at)
                    VALUES ('OLD', 'old.csv', '2026-11-10', 102950, 'now') RETURNING id
                    """)
            try db.execute(
                sql: """
                    INSERT INTO payment_allocation (payment_id, invoice_id, amount, allocated_on, allocated_at, allocated_by)
                    VALUES (?, ?, 102950, '2026-11-10', 'now', 'test')
                    """, arguments: [payment, invoiceID])
        }
    }

    func issuedInvoice(_ ledger: LedgerDatabase) throws -> (id: Int64, number: String) {
        let lines = [
            NewInvoiceLine(
                label: "Subvention", quantity: 200, unitPrice: Price("4.20") ?? .zero, net: Money(cents: 84_000),
                vat: Self.ten,
                revenueType: "SUBV"),
            NewInvoiceLine(
                label: "Snacks", quantity: 50, unitPrice: Price("2.00") ?? .zero, net: Money(cents: 10_000),
                vat: Self.reduced,
                revenueType: "SNACK")
        ]
        let new = NewInvoice(
            type: .invoice, series: "FA", client: "ACME", period: Period.month(of: Day(iso: "2026-10-01") ?? Self.day),
            issueDate: Self.day, dueDate: Self.day, paymentTerms: .onReceipt, origin: .manual, lines: lines)
        let id = try #require(try ledger.createProforma(new, actor: "test"))
        let number = try ledger.issue(
            id: id, on: Self.day, dueDate: Self.day, format: SeriesFormat(prefix: "FA-2026-", width: 6),
            actor: "test", posting: Self.posting)
        return (id, number)
    }

    /// A credit note of 100.00 HT of subsidy (10.00 VAT, 110.00 TTC) against invoice `id`.
    func creditNote(_ ledger: LedgerDatabase, of id: Int64, on day: Day) throws {
        let new = NewInvoice(
            type: .creditNote, series: "AV", client: "ACME",
            period: Period.month(of: Day(iso: "2026-10-01") ?? Self.day),
            issueDate: day, dueDate: day, paymentTerms: .onReceipt, creditedInvoiceId: id, origin: .manual,
            lines: [
                NewInvoiceLine(
                    label: "Subvention", quantity: 1, unitPrice: Price("100.00") ?? .zero,
                    net: Money(cents: 10_000), vat: Self.ten, revenueType: "SUBV")
            ])
        let cn = try #require(try ledger.createProforma(new, actor: "test"))
        _ = try ledger.issue(
            id: cn, on: day, dueDate: day, format: SeriesFormat(prefix: "AV-2026-", width: 6), actor: "test",
            posting: Self.posting)
    }

    func pay(_ ledger: LedgerDatabase, _ reference: String, _ cents: Int64, naming number: String, on day: String)
        throws -> Int64
    {
        let credit = BankCredit(
            reference: reference, bookingDate: Day(iso: day) ?? Self.day, amount: Money(cents: cents),
            debtorName: "ACME", debtorIBAN: nil, remittance: number)
        let imported = try ledger.importPayments(
            [credit], file: "releve.xml", customers: [:], posting: Self.bank, actor: "test",
            today: Day(iso: day) ?? Self.day)
        return try #require(imported.first?.id)
    }

    /// Credit less debit of `account` over every entry.
    func balance(_ ledger: LedgerDatabase, _ account: String) throws -> Int64 {
        try ledger.engine.read { db in
            try db.fetchValue(
                Int64.self, sql: "SELECT COALESCE(SUM(credit - debit), 0) FROM journal_entry_line WHERE account = ?",
                arguments: [account]) ?? 0
        }
    }

    /// The amounts moved from pending to collected for invoice `id`, in order (negative: moved back).
    func moves(_ ledger: LedgerDatabase, _ id: Int64) throws -> [Int64] {
        try ledger.engine.read { db in
            try db.fetchColumn(
                Int64.self, sql: "SELECT amount FROM vat_receipt_move WHERE invoice_id = ? ORDER BY id", arguments: [id]
            )
        }
    }

    @Test func invoicingPutsTheVATOfServicesOnThePendingAccountAndGoodsKeepTheirs() throws {
        let (ledger, _) = try freshLedger()
        _ = try issuedInvoice(ledger)
        let entry = try #require(try ledger.entries().first?.entry)
        #expect(entry.isBalanced)
        #expect(entry.lines.first { $0.account == "445742" }?.credit == Money(cents: 8_400))
        #expect(entry.lines.first { $0.account == "445742" }?.accountLabel == "TVA collectée en attente 10,0 %")
        #expect(
            !entry.lines.contains { $0.account == "445712" }, "nothing of the services' VAT is collected at invoicing")
        #expect(entry.lines.first { $0.account == "445713" }?.credit == Money(cents: 550), "goods: VAT at invoicing")
        #expect(!entry.lines.contains { $0.account == "445743" })
    }

    @Test(arguments: testEngines)
    func eachPaymentMovesItsShareAnUnmatchMovesItBackTheLastClearsTheRest(_ kind: SQLEngineKind) throws {
        let ledger = try freshLedger(on: kind)
        let invoice = try issuedInvoice(ledger)
        // A partial payment: 84.00 × 300.00 / 1,029.50 = 24.477… → 24.48.
        _ = try pay(ledger, "VIR-1", 30_000, naming: invoice.number, on: "2026-11-10")
        #expect(try moves(ledger, invoice.id) == [2_448])
        #expect(try balance(ledger, "445742") == 8_400 - 2_448 && balance(ledger, "445712") == 2_448)
        // A second one: 84.00 × 800.00 / 1,029.50 = 65.27 in all, so 40.79 more.
        let second = try pay(ledger, "VIR-2", 50_000, naming: invoice.number, on: "2026-11-12")
        #expect(try moves(ledger, invoice.id) == [2_448, 4_079])
        // Unmatched: its 40.79 goes back to pending, in an entry of the VAT journal.
        #expect(
            try ledger.unmatchPayment(
                id: second, invoiceIDs: nil, actor: "test", posting: Self.bank, today: Day(iso: "2026-11-13")) == 1)
        #expect(try moves(ledger, invoice.id) == [2_448, 4_079, -4_079])
        #expect(try balance(ledger, "445742") == 8_400 - 2_448)
        // Matched again by a person, then the rest paid: the last payment clears what is pending, 84.00 in all.
        _ = try ledger.matchPayment(
            id: second, invoiceIDs: [invoice.id], posting: Self.bank, actor: "test",
            today: Day(iso: "2026-11-14") ?? Self.day)
        _ = try pay(ledger, "VIR-3", 22_950, naming: invoice.number, on: "2026-11-20")
        #expect(try moves(ledger, invoice.id) == [2_448, 4_079, -4_079, 4_079, 1_873])
        #expect(try balance(ledger, "445742") == 0 && balance(ledger, "445712") == 8_400)
        #expect(try balance(ledger, "445713") == 550, "goods never move")
        // Every move is a balanced entry of the OD journal, numbered continuously, dated the payment's day.
        let od = try ledger.entries().filter { $0.entry.journal == "OD" }.map(\.entry)
        #expect(od.map(\.number) == [1, 2, 3, 4, 5])
        #expect(od.allSatisfy { $0.isBalanced && $0.pieceReference == invoice.number })
        #expect(od.map(\.date.description) == ["2026-11-10", "2026-11-12", "2026-11-13", "2026-11-14", "2026-11-20"])
        #expect(od[2].lines.first?.account == "445712" && od[2].lines.first?.debit == Money(cents: 4_079))
        // Nothing is pending on a fully paid invoice: the closing check agrees.
        #expect(
            try ledger.pendingVATBalances(asOf: Day(iso: "2026-11-30") ?? Self.day)
                .allSatisfy { $0.balance == $0.expected })
        // Moving again changes nothing (idempotent), and the database refuses moving more than was pending.
        #expect(
            try ledger.postMissingVATMoves(journal: ("OD", "Opérations diverses"), today: Self.day, actor: "test") == 0)
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in
                try db.execute(
                    sql: """
                        INSERT INTO vat_receipt_move (invoice_id, rate, amount, cause, entry_id, created_at)
                        VALUES (?, 100000, 1, 'catch-up', (SELECT MAX(id) FROM journal_entry), 'now')
                        """, arguments: [invoice.id])
            }
        }
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in try db.execute(sql: "DELETE FROM vat_receipt_move") }
        }
    }

    @Test(arguments: testEngines)
    func aCreditNoteTakesItsVATOffThePendingPart(_ kind: SQLEngineKind) throws {
        let ledger = try freshLedger(on: kind)
        // Before any payment: the credit note's 10.00 leaves 74.00 pending; half of what is owed then collects 37.00.
        let a = try issuedInvoice(ledger)
        try creditNote(ledger, of: a.id, on: Self.day.adding(days: 1))
        #expect(try balance(ledger, "445742") == 7_400)
        _ = try pay(ledger, "VIR-A", 45_975, naming: a.number, on: "2026-11-10")
        #expect(try moves(ledger, a.id) == [3_700])
        #expect(try balance(ledger, "445742") == 3_700 && balance(ledger, "445712") == 3_700)

        // After a full payment: the credit note's VAT comes back from collected, nothing stays pending.
        let ledger2 = try freshLedger(on: kind)
        let b = try issuedInvoice(ledger2)
        _ = try pay(ledger2, "VIR-B", 102_950, naming: b.number, on: "2026-11-10")
        #expect(try moves(ledger2, b.id) == [8_400])
        try creditNote(ledger2, of: b.id, on: Day(iso: "2026-11-15") ?? Self.day)
        #expect(try moves(ledger2, b.id) == [8_400, -1_000])
        #expect(try balance(ledger2, "445742") == 0 && balance(ledger2, "445712") == 7_400)
        #expect(
            try ledger2.pendingVATBalances(asOf: Day(iso: "2026-11-30") ?? Self.day).allSatisfy {
                $0.balance == $0.expected
            })
    }

    @Test func theClosingCheckFindsAPendingBalanceThePaymentsDoNotExplain() throws {
        let (ledger, _) = try freshLedger()
        let invoice = try issuedInvoice(ledger)
        // An allocation recorded without its move (as by a ledger paid before VAT on receipts moved anything).
        try allocateWithoutMove(ledger, invoice.id)
        let before = try #require(
            try ledger.pendingVATBalances(asOf: Day(iso: "2026-11-30") ?? Self.day).first { $0.account == "445742" })
        #expect(before.balance == Money(cents: 8_400) && before.expected == .zero)
        // `entries post` (the daily run) posts the missing move, once.
        #expect(
            try ledger.postMissingVATMoves(
                journal: ("OD", "Opérations diverses"), today: Day(iso: "2026-11-20") ?? Self.day, actor: "test") == 1)
        #expect(
            try ledger.postMissingVATMoves(
                journal: ("OD", "Opérations diverses"), today: Day(iso: "2026-11-20") ?? Self.day, actor: "test") == 0)
        #expect(
            try ledger.pendingVATBalances(asOf: Day(iso: "2026-11-30") ?? Self.day).allSatisfy {
                $0.balance == $0.expected
            })
    }

    /// The catch-up reads what changed since its last run ("v18 catch-up bounds"), not every invoice with
    /// pending VAT: an allocation recorded after it without its move, and an allocation it had settled removed
    /// without moving back, are both still caught, once.
    @Test func theCatchUpStillFindsWhatChangedSinceItsLastRun() throws {
        let (ledger, _) = try freshLedger()
        let invoice = try issuedInvoice(ledger)
        let journal = (code: "OD", label: "Opérations diverses"), day = Day(iso: "2026-11-20") ?? Self.day
        #expect(try ledger.postMissingVATMoves(journal: journal, today: day, actor: "test") == 0)
        let bound = try ledger.engine.read { db in try ledger.catchUpBound("vat on receipts", db: db) }
        #expect(bound.invoice == invoice.id)
        try allocateWithoutMove(ledger, invoice.id)
        #expect(try ledger.postMissingVATMoves(journal: journal, today: day, actor: "test") == 1)
        #expect(try moves(ledger, invoice.id) == [8_400])
        #expect(try ledger.postMissingVATMoves(journal: journal, today: day, actor: "test") == 0)
        // Removed behind the catch-up's back (before its bound): the removed allocations are always read.
        try ledger.engine.write { db in
            try db.execute(
                sql:
                    "UPDATE payment_allocation SET removed_at = '2026-11-15T10:00:00Z', removed_by = 'test' WHERE invoice_id = ?",
                arguments: [invoice.id])
        }
        #expect(try ledger.postMissingVATMoves(journal: journal, today: day, actor: "test") == 1)
        #expect(try moves(ledger, invoice.id) == [8_400, -8_400])
        #expect(try ledger.postMissingVATMoves(journal: journal, today: day, actor: "test") == 0)
    }

    @Test func theSharesAreExact() {
        #expect(
            VATOnReceipts.collected(
                pending: Money(cents: 8_400), paid: Money(cents: 30_000), due: Money(cents: 102_950))
                == Money(cents: 2_448))
        #expect(
            VATOnReceipts.collected(
                pending: Money(cents: 8_400), paid: Money(cents: 102_950), due: Money(cents: 102_950))
                == Money(cents: 8_400))
        #expect(
            VATOnReceipts.collected(
                pending: Money(cents: 8_400), paid: Money(cents: 200_000), due: Money(cents: 102_950))
                == Money(cents: 8_400))
        #expect(VATOnReceipts.collected(pending: Money(cents: 8_400), paid: .zero, due: Money(cents: 102_950)) == .zero)
        // Goods and services at one rate: the services' share of the rate's VAT, half away from zero.
        #expect(
            VATOnReceipts.pendingPart(
                vat: Money(cents: 1_001), base: Money(cents: 10_010), servicesNet: Money(cents: 5_005))
                == Money(cents: 501))
        #expect(
            VATOnReceipts.pendingPart(vat: Money(cents: 1_000), base: Money(cents: 10_000), servicesNet: .zero) == .zero
        )
    }
}
