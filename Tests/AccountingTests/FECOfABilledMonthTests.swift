import Accounting
import BillingEngine
import BillingModel
import Demo
import DemoMonthSupport
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// The FEC of a month billed for real (a small demo workspace: import, bill,
/// validate, credit), read back by the independent checker and re-totalled
/// against the ledger's documents.
@Suite(.serialized) struct FECOfABilledMonth {
    static let issueDay = Day(iso: "2026-11-02") ?? Day(ordinal: 0)

    /// A small month, billed and validated, with one credit note.
    static func billedMonth() throws -> (Installation, LedgerDatabase) {
        let month = try DemoMonth("fec-month", sites: 2, clients: 8, seed: 7)
        let (workspace, ledger) = (month.workspace, month.ledger)
        let engine = try month.bill(validateAll: true)
        let first = try #require(try ledger.invoices(status: .issued).first)
        _ = try engine.credit(
            invoice: try #require(first.number), reason: "geste commercial", on: issueDay.adding(days: 3))
        return (workspace, ledger)
    }

    @Test func theFECPassesTheCheckerAndEqualsTheDocuments() throws {
        let (workspace, ledger) = try Self.billedMonth()
        let november = try #require(Period(parsing: "2026-11"))
        let export = try workspace.exportEntries(period: november, format: .fec)
        #expect(export.fileName == "\(workspace.settings.seller.siren)FEC20261130.txt")
        let check = FECChecker(text: export.text, firstDay: "20261101", lastDay: "20261130")
        #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")

        // Re-totalled against the ledger: per document, the customer line is its TTC, on the right side.
        let issued = try ledger.invoices(status: .issued)
        #expect(issued.count > 5)
        #expect(Set(check.rows.compactMap { $0.fields["PieceRef"] }) == Set(issued.compactMap(\.number)))
        for invoice in issued {
            let rows = check.rows.filter { $0.fields["PieceRef"] == invoice.number }
            let customer = rows.filter { ($0.fields["CompteNum"] ?? "").hasPrefix("411") }
            #expect(customer.count == 1)
            let signed = (customer.first?.debitCents ?? 0) - (customer.first?.creditCents ?? 0)
            #expect(
                Int64(signed) == (invoice.type == .creditNote ? -invoice.totalTtc : invoice.totalTtc),
                "\(invoice.number ?? "")")
            // The VAT credited is the document's VAT.
            let vat = rows.filter { ($0.fields["CompteNum"] ?? "").hasPrefix("4457") }.reduce(0) {
                $0 + $1.creditCents - $1.debitCents
            }
            #expect(Int64(vat) == (invoice.type == .creditNote ? -invoice.totalVat : invoice.totalVat))
        }
        let ttc = issued.reduce(Int64(0)) { $0 + ($1.type == .creditNote ? -$1.totalTtc : $1.totalTtc) }
        #expect(Int64(check.balance(accountPrefix: "411")) == ttc)
        // Revenue per VAT rate equals the documents' bases per rate.
        let bases = try ledger.engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT v.rate, SUM(CASE i.type WHEN 'credit_note' THEN -v.base ELSE v.base END) AS base
                    FROM invoice_vat v JOIN invoice i ON i.id = v.invoice_id WHERE i.status = 'issued' GROUP BY v.rate
                    """
            ).map { (rate: try $0["rate"] as Int64, base: try $0["base"] as Int64) }
        }
        let entries = try ledger.entries(in: november)
        for b in bases {
            let revenue = entries.flatMap(\.entry.lines).filter {
                $0.vatRate?.tenThousandths == b.rate && $0.account.hasPrefix("7")
            }
            .reduce(Int64(0)) { $0 + $1.credit.cents - $1.debit.cents }
            #expect(revenue == b.base, "rate \(b.rate)")
        }
    }

    @Test func theCSVHasOneRowPerLineAndBalances() throws {
        let (workspace, ledger) = try Self.billedMonth()
        let export = try workspace.exportEntries(period: try #require(Period(parsing: "2026-11")), format: .csv)
        let rows = export.text.split(separator: "\r\n")
        #expect(rows.count == export.lines + 1)
        #expect(export.debit == export.credit)
        #expect(export.fileName == "ecritures-20261101-20261130.csv")
    }
}

/// Payments in the books: the bank journal's entries pass the checker beside
/// the sales journal's, and a paid invoice's customer lines are lettered together.
@Suite(.serialized) struct FECWithPayments {
    @Test func bankEntriesPassTheCheckerAndPaidInvoicesAreLettered() throws {
        let (workspace, ledger) = try FECOfABilledMonth.billedMonth()
        var names: [String: String] = [:]
        for c in workspace.settings.clients {
            names[c.code] = c.legalName
            for p in c.payers { names[p.code] = p.legalName }
        }
        let day = try #require(Day(iso: "2026-11-20"))
        let credits = Camt053Writer.demoCredits(invoices: try ledger.openInvoices(), names: names, bookedOn: day)
        let file = Repository.temporaryDirectory("fec-payments").appendingPathComponent("releve.xml")
        try Camt053Writer.xml(
            messageID: "S", created: day, account: workspace.settings.seller.iban, opening: .zero, credits: credits
        )
        .write(to: file, atomically: true, encoding: .utf8)
        let imported = try workspace.importPayments(files: [file.path], actor: "test", today: day).first?.result.get()
        let new = try #require(imported).payments.filter { $0.status == "new" }
        let november = try #require(Period(parsing: "2026-11"))
        let export = try workspace.exportEntries(period: november, format: .fec)
        let check = FECChecker(text: export.text, firstDay: "20261101", lastDay: "20261130")
        #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")
        let bank = check.rows.filter { $0.fields["JournalCode"] == "BQ" }
        #expect(bank.count == 2 * new.count)
        #expect(check.balance(accountPrefix: "512") == Int(new.map(\.amount.cents).reduce(0, +)))
        // Every lettering code groups lines that balance: the invoice's debit, its payments' credits.
        let lettered = check.rows.filter { !($0.fields["EcritureLet"] ?? "").isEmpty }
        #expect(!lettered.isEmpty)
        for (code, rows) in Dictionary(grouping: lettered, by: { $0.fields["EcritureLet"] ?? "" }) {
            #expect(rows.reduce(0) { $0 + $1.debitCents - $1.creditCents } == 0, "lettering \(code)")
            #expect(rows.allSatisfy { $0.fields["DateLet"] == "20261120" })
        }
    }

    /// VAT on receipts in the books: each payment of a service invoice moves its VAT share from the pending
    /// account (44574x) to the output VAT account (44571x) in the OD journal; the FEC carries those entries
    /// (ISO 8859-15), and the closing check finds the pending balance equal to the VAT of what is unpaid.
    @Test func paymentsMoveVATOnReceiptsAndTheFECAndTheClosingFollow() throws {
        let (workspace, ledger) = try FECOfABilledMonth.billedMonth()
        var names: [String: String] = [:]
        for c in workspace.settings.clients {
            names[c.code] = c.legalName
            for p in c.payers { names[p.code] = p.legalName }
        }
        let pendingBefore = try ledger.pendingVATBalances(asOf: try #require(Day(iso: "2026-11-19")))
        #expect(
            pendingBefore.contains { $0.account.hasPrefix("44574") && $0.balance.cents > 0 },
            "the month's services put VAT pending")
        let day = try #require(Day(iso: "2026-11-20"))
        let credits = Camt053Writer.demoCredits(invoices: try ledger.openInvoices(), names: names, bookedOn: day)
        let file = Repository.temporaryDirectory("fec-vat-receipts").appendingPathComponent("releve.xml")
        try Camt053Writer.xml(
            messageID: "S", created: day, account: workspace.settings.seller.iban, opening: .zero, credits: credits
        )
        .write(to: file, atomically: true, encoding: .utf8)
        _ = try workspace.importPayments(files: [file.path], actor: "test", today: day).first?.result.get()
        let november = try #require(Period(parsing: "2026-11"))
        let export = try workspace.exportEntries(period: november, format: .fec)
        let check = FECChecker(text: export.text, firstDay: "20261101", lastDay: "20261130")
        #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")
        let od = check.rows.filter { $0.fields["JournalCode"] == "OD" }
        #expect(!od.isEmpty)
        // Each move debits a pending account and credits an output VAT account by the same amount.
        #expect(od.filter { ($0.fields["CompteNum"] ?? "").hasPrefix("44574") }.allSatisfy { $0.debitCents > 0 })
        #expect(od.filter { ($0.fields["CompteNum"] ?? "").hasPrefix("44571") }.allSatisfy { $0.creditCents > 0 })
        #expect(od.reduce(0) { $0 + $1.debitCents - $1.creditCents } == 0)
        // A fully paid invoice has nothing pending: its sales entry's pending VAT equals its moves.
        let paid = try ledger.openInvoices(includePaid: true).filter {
            $0.balance == .zero && $0.paid.cents > 0 && $0.credited == .zero
        }
        #expect(!paid.isEmpty)
        for invoice in paid {
            let put = check.rows.filter {
                $0.fields["PieceRef"] == invoice.number && $0.fields["JournalCode"] == "VT"
                    && ($0.fields["CompteNum"] ?? "").hasPrefix("44574")
            }.reduce(0) { $0 + $1.creditCents - $1.debitCents }
            let moved = od.filter {
                $0.fields["PieceRef"] == invoice.number && ($0.fields["CompteNum"] ?? "").hasPrefix("44574")
            }
            .reduce(0) { $0 + $1.debitCents - $1.creditCents }
            #expect(put == moved, "\(invoice.number)")
        }
        // The FEC's bytes are ISO 8859-15: `é` of "TVA collectée en attente" is one byte, 0xE9.
        let label = Array("TVA collect".utf8) + [0xE9] + Array("e en attente".utf8)
        #expect(
            export.bytes.count > label.count
                && (0...(export.bytes.count - label.count)).contains {
                    Array(export.bytes[$0..<($0 + label.count)]) == label
                })
        let engine = try workspace.engine(today: try #require(Day(iso: "2026-12-02")), actor: "test")
        let report = try engine.closingReport(month: november, today: try #require(Day(iso: "2026-12-02")))
        let vat = try #require(report.checks.first { $0.name.hasPrefix("VAT on receipts") })
        #expect(vat.passed, "\(vat.details)")
    }
}
