import Accounting
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// On PostgreSQL every statement is a round trip to the server: what billing, a bank statement and a month's FEC
/// send must not grow with a document's lines, a statement's transfers beyond a fixed number each, or the
/// ledger's history. Counted by the engine (`PostgresEngine.statements`); the same rows on both engines.
@Suite(.enabled(if: PostgresServer.available, "needs PostgreSQL's server binaries"))
struct StatementsPerStage {
    let vat = VATIsDueWhenServicesArePaid()

    func statements(_ ledger: LedgerDatabase) throws -> Int {
        try #require(ledger.engine as? PostgresEngine).statements.value
    }

    /// The statements `work` sends.
    func counted(_ ledger: LedgerDatabase, _ work: () throws -> Void) throws -> Int {
        let before = try statements(ledger)
        try work()
        return try statements(ledger) - before
    }

    func proforma(lines: Int, client: String = "ACME") -> NewInvoice {
        NewInvoice(
            type: .invoice, series: "FA", client: client,
            period: Period.month(of: Day(iso: "2026-10-01") ?? VATIsDueWhenServicesArePaid.day),
            issueDate: VATIsDueWhenServicesArePaid.day, dueDate: VATIsDueWhenServicesArePaid.day,
            paymentTerms: .onReceipt, origin: .manual,
            lines: (1...lines).map { n in
                NewInvoiceLine(
                    label: "Ligne \(n)", quantity: 1, unitPrice: Price("1.00") ?? .zero, net: Money(cents: 100),
                    vat: VATRate(whole: 10), revenueType: "SUBV")
            })
    }

    @Test func aProformaTakesAsManyStatementsWithTwoLinesAsWithFiveHundred() throws {
        let ledger = try freshLedger(on: .postgres)
        _ = try ledger.createProforma(proforma(lines: 1), actor: "test")
        let two = try counted(ledger) {
            _ = try ledger.createProforma(proforma(lines: 2, client: "C0001"), actor: "test")
        }
        let many = try counted(ledger) {
            _ = try ledger.createProforma(proforma(lines: 500, client: "C0002"), actor: "test")
        }
        #expect(many == two, "\(two) statements for 2 lines, \(many) for 500")
        // Every line stored, in order, on PostgreSQL as on SQLite.
        let positions = try ledger.engine.read { db in
            try db.fetchColumn(
                Int64.self,
                sql: """
                    SELECT l.position FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id WHERE i.client = 'C0002'
                    ORDER BY l.position
                    """)
        }
        #expect(positions == (1...500).map(Int64.init))
    }

    @Test func aBankTransferTakesAFixedNumberOfStatements() throws {
        let ledger = try freshLedger(on: .postgres)
        var invoices: [(id: Int64, number: String)] = []
        for _ in 0..<4 { invoices.append(try vat.issuedInvoice(ledger)) }
        func credit(_ n: Int) -> BankCredit {
            BankCredit(
                reference: "REF\(n)", bookingDate: Day(iso: "2026-11-10") ?? VATIsDueWhenServicesArePaid.day,
                amount: Money(cents: 102_950), debtorName: "ACME", debtorIBAN: nil, remittance: invoices[n].number)
        }
        func importing(_ credits: [BankCredit], file: String) throws -> Int {
            try counted(ledger) {
                let imported = try ledger.importPayments(
                    credits, file: file, customers: [:], posting: VATIsDueWhenServicesArePaid.bank, actor: "test",
                    today: Day(iso: "2026-11-10") ?? VATIsDueWhenServicesArePaid.day)
                #expect(imported.allSatisfy { $0.status == "new" && $0.allocations.count == 1 })
            }
        }
        let one = try importing([credit(0)], file: "one.xml")
        let three = try importing([credit(1), credit(2), credit(3)], file: "three.xml")
        // Each transfer: its payment, allocation, VAT move entry and bank entry; it took 34 before they were batched.
        #expect((three - one) / 2 <= 18, "\(one) statements for one transfer, \(three) for three")
        // The chains the entries joined still verify: each link hashed the entry as it is stored.
        let breaks = try ledger.verifyIssuedDocuments().breaks.filter { $0.kind != "not stored" }
        #expect(breaks.isEmpty, "\(breaks.prefix(3))")
    }

    @Test func theFECLetteringTakesAsManyStatementsWhateverTheHistory() throws {
        let ledger = try freshLedger(on: .postgres)
        func payAll(_ count: Int, from start: Int) throws {
            for n in start..<(start + count) {
                let invoice = try vat.issuedInvoice(ledger)
                _ = try vat.pay(ledger, "R\(n)", 102_950, naming: invoice.number, on: "2026-11-10")
            }
        }
        try payAll(1, from: 0)
        let few = try counted(ledger) { _ = try ledger.lettering() }
        try payAll(6, from: 1)
        let lettered = try ledger.lettering()
        let more = try counted(ledger) { _ = try ledger.lettering() }
        #expect(more == few, "\(few) statements with one paid invoice, \(more) with seven")
        // Every sales and bank entry lettered, and a month's letters are the whole ledger's for its entries.
        #expect(lettered.count == 14)
        let november = try #require(Period(parsing: "2026-11"))
        let inNovember = Set(try ledger.entries(in: november).map(\.id))
        let month = try ledger.lettering(entriesIn: november)
        for id in inNovember { #expect(month[id]?.code == lettered[id]?.code) }
    }
}
