import BillingEngine
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// From register files to issued invoices, on the real SQLite ledger.
@Suite struct EndToEndTests {
    /// A register file for ACME at LD01 on `day`: `a` covers of category A, `b` of B, `c` of C, and guests.
    static func registerFile(day: String, a: Int, b: Int, c: Int, guests: [String]) -> String {
        var rows = [
            "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"
        ]
        let parts = day.split(separator: "-")
        let french = "\(parts[2])/\(parts[1])/\(parts[0])"
        var n = 0
        func ticket(_ category: String, _ amount: String, share: String) {
            n += 1
            rows.append(
                "LD01-1-\(parts.joined())-\(String(format: "%06d", n));LD01;1;\(french);12:00:00;0001;ACME;\(category);SELF;PLAT;Plat du jour;1;\(amount);10,0;\(amount);\(share)"
            )
        }
        for _ in 0..<a { ticket("A", "7,00", share: "4,20") }
        for _ in 0..<b { ticket("B", "7,00", share: "3,10") }
        for _ in 0..<c { ticket("C", "7,00", share: "0,00") }
        for g in guests { ticket("INV", g, share: g) }
        return rows.joined(separator: "\r\n") + "\r\n"
    }

    init() {}

    func workspace() throws -> (Installation, URL) {
        let dir = Repository.temporaryDirectory("engine")
        let root = Repository.root.path
        try """
        settings: [\(root)/examples/settings.yaml]
        rules: \(root)/rules
        database: \(try TestEngine.newLedgerAddress(in: dir))
        inbox: \(dir.path)/inbox
        """.write(to: dir.appendingPathComponent("ardoise.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        return (try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path), dir)
    }

    @Test func acmeOctoberBillsTheWorkedExampleFromRegisterFiles() throws {
        let (ws, dir) = try workspace()
        // 2,000 A, 1,000 B, 500 C and 20 guests (260.00 TTC) over two days.
        let inbox = dir.appendingPathComponent("inbox")
        try Self.registerFile(day: "2026-10-05", a: 1000, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10))
            .write(to: inbox.appendingPathComponent("PIE_LD01_20261005.csv"), atomically: true, encoding: .utf8)
        try Self.registerFile(day: "2026-10-06", a: 1000, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10))
            .write(to: inbox.appendingPathComponent("PIE_LD01_20261006.csv"), atomically: true, encoding: .utf8)
        let ledger = try ws.openLedger(creating: true)
        let results = try ws.importFiles([])
        #expect(results.map(\.status.rawValue) == ["imported", "imported"])

        let day = try #require(Day(iso: "2026-11-02"))
        let engine = try ws.engine(today: day)
        let report = try engine.generate(
            period: try #require(Period(parsing: "2026-10")), issueDate: day, only: ["ACME"])
        #expect(report.failures.isEmpty)
        #expect(report.created.count == 1)
        let id = try #require(report.created.first)
        let proforma = try #require(try ledger.invoice(id: id))
        #expect(proforma.invoice.status == .proforma)
        #expect(proforma.invoice.totalTtc == 2_391_000)
        #expect(proforma.lines.map(\.net) == [840_000, 310_000, 23_636, 827_200, 158_400])

        // Generating again changes nothing.
        let again = try engine.generate(
            period: try #require(Period(parsing: "2026-10")), issueDate: day, only: ["ACME"])
        #expect(again.created.isEmpty && again.unchanged == 1)

        let numbers = try engine.validate(ids: [id], on: day)
        #expect(numbers == ["FA-2026-000001"])
        let issued = try #require(try ledger.invoice(id: id)).invoice
        #expect(issued.dueDate == Day(iso: "2026-12-17"))  // `payment 45 days`: 2 November + 45 days

        // The database itself refuses to change or delete an issued invoice.
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in
                try db.execute(
                    sql: "UPDATE invoice SET total_ttc = 0, total_ht = 0, total_vat = 0 WHERE id = ?", arguments: [id])
            }
        }
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in
                try db.execute(sql: "DELETE FROM invoice_line WHERE invoice_id = ?", arguments: [id])
            }
        }
        // A period already issued is not billed again.
        let third = try engine.generate(
            period: try #require(Period(parsing: "2026-10")), issueDate: day, only: ["ACME"])
        #expect(third.created.isEmpty && third.alreadyIssued == 1)
        #expect(try ledger.auditLog(invoiceID: id).map(\.action) == ["generate", "validate"])
    }

    @Test func concurrentValidationsLeaveNoGapInNumbers() async throws {
        let (ws, _) = try workspace()
        let ledger = try ws.openLedger(creating: true)
        let day = try #require(Day(iso: "2026-11-02"))
        var ids: [Int64] = []
        for i in 0..<40 {
            let line = NewInvoiceLine(
                label: "Ligne \(i)", quantity: 1, unitPrice: Price("10.00")!, net: Money(cents: 1000),
                vat: VATRate(whole: 20))
            let new = NewInvoice(
                type: .invoice, series: "FA", client: "ACME", period: Period(start: day, end: day), issueDate: day,
                dueDate: day,
                paymentTerms: .onReceipt, origin: .manual, lines: [line])
            ids.append(try #require(try ledger.createProforma(new, actor: "test")))
        }
        let format = SeriesFormat(prefix: "FA-", width: 4)
        let posting = ws.settings.salesPosting
        let numbers = try await withThrowingTaskGroup(of: String.self) { group in
            for id in ids {
                group.addTask {
                    try ledger.issue(id: id, on: day, dueDate: day, format: format, actor: "test", posting: posting)
                }
            }
            var out: [String] = []
            for try await n in group { out.append(n) }
            return out
        }
        #expect(numbers.sorted() == (1...40).map { format.number(Int64($0)) })
        // Entries follow the same order: one per document, numbered 1…40 without a gap.
        let entries = try ledger.entries()
        #expect(entries.map(\.entry.number).sorted() == Array(1...40))
        #expect(entries.allSatisfy { $0.entry.isBalanced })
    }

    @Test func nothingIsIssuedInAClosedMonth() throws {
        let (ws, _) = try workspace()
        let ledger = try ws.openLedger(creating: true)
        let day = try #require(Day(iso: "2026-10-20"))
        let line = NewInvoiceLine(
            label: "Ligne", quantity: 1, unitPrice: Price("10.00")!, net: Money(cents: 1000), vat: VATRate(whole: 20))
        let id = try #require(
            try ledger.createProforma(
                NewInvoice(
                    type: .invoice, series: "FA", client: "ACME", period: Period(start: day, end: day),
                    issueDate: day, dueDate: day, paymentTerms: .onReceipt, origin: .manual,
                    lines: [line]), actor: "test"))
        try ledger.discard(id: id, reason: "test", actor: "test")
        try ledger.closeMonth("2026-10", by: "controller")
        let id2 = try #require(
            try ledger.createProforma(
                NewInvoice(
                    type: .invoice, series: "FA", client: "ACME", period: Period(start: day, end: day),
                    issueDate: day, dueDate: day, paymentTerms: .onReceipt, origin: .manual,
                    lines: [line]), actor: "test"))
        #expect(throws: InvoiceError.self) {
            try ledger.issue(
                id: id2, on: day, dueDate: day, format: SeriesFormat(prefix: "FA-", width: 4), actor: "test",
                posting: ws.settings.salesPosting)
        }
    }
}

@Suite struct ConflictTests {
    @Test func aCorrectedFileOfBilledRevenueNamesTheInvoice() throws {
        let (ws, dir) = try EndToEndTests().workspace()
        let file = dir.appendingPathComponent("inbox/PIE_LD01_20261005.csv")
        try EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 0, c: 0, guests: []).write(
            to: file, atomically: true, encoding: .utf8)
        let ledger = try ws.openLedger(creating: true)
        _ = try ws.importFiles([])
        let day = try #require(Day(iso: "2026-11-02"))
        let engine = try ws.engine(today: day)
        let report = try engine.generate(
            period: try #require(Period(parsing: "2026-10")), issueDate: day, only: ["ACME"])
        let numbers = try engine.validate(ids: report.created, on: day)
        let before = try #require(try ledger.invoice(number: numbers[0]))
        try EndToEndTests.registerFile(day: "2026-10-05", a: 11, b: 0, c: 0, guests: []).write(
            to: file, atomically: true, encoding: .utf8)
        let results = try ws.importFiles([])
        #expect(results.map(\.status) == [.conflict])
        #expect(try ledger.invoiceNumbers(billedFrom: results[0].billedFileIDs) == numbers)
        // The issued invoice is untouched; the period now has late revenue to correct.
        #expect(try ledger.invoice(number: numbers[0]) == before)
        #expect(try ledger.periodsWithLateRevenue().map(\.client) == ["ACME"])
    }
}

@Suite struct UnbilledReportTests {
    @Test func unknownClientsAndRevenueOutsideTheContractAreReported() throws {
        let (ws, dir) = try EndToEndTests().workspace()
        // C0027's contract starts on 2026-10-15: its tickets of the 5th bill nothing and are reported.
        var text = EndToEndTests.registerFile(day: "2026-10-05", a: 2, b: 0, c: 0, guests: [])
        text += "LD01-9-20261005-000001;LD01;9;05/10/2026;12:00:00;0009;ZZZ;A;SELF;PLAT;Plat;1;7,00;10,0;7,00;4,20\r\n"
        text +=
            "LD01-9-20261005-000002;LD01;9;05/10/2026;12:01:00;0010;C0027;A;SELF;PLAT;Plat;1;7,00;10,0;7,00;4,35\r\n"
        try text.write(to: dir.appendingPathComponent("inbox/PIE_LD01_20261005.csv"), atomically: true, encoding: .utf8)
        let ledger = try ws.openLedger(creating: true)
        _ = try ws.importFiles([])
        let day = try #require(Day(iso: "2026-11-02"))
        let report = try ws.engine(today: day).unbilled(
            period: try #require(Period(parsing: "2026-10")), issueDate: day)
        #expect(report.items.contains { $0.client == "ZZZ" && $0.amountTTC == Money(cents: 420) })
        #expect(
            report.items.contains {
                $0.client == "C0027" && $0.reason == "outside the contract's validity"
                    && $0.amountTTC == Money(cents: 435)
            })
        #expect(!report.items.contains { $0.client == "ACME" })
    }
}
