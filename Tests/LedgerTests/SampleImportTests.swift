import BillingModel
import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

@Suite struct SampleImportTests {
    @Test func registerSampleImportsEveryRowExactly() throws {
        let (ledger, _) = try freshLedger()
        let importer = RegisterImporter(ledger: ledger, knownClients: ["C0013", "C0014", "C0025"])
        let result = importer.importFile(at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
        #expect(result.status == .imported, "\(result)")
        #expect(result.rows == 40)
        #expect(result.rejected.isEmpty)
        #expect(result.warnings.isEmpty)
        #expect(result.unknownClients == ["C0027"])
        #expect(try count(ledger, "SELECT SUM(amount) FROM ticket_line") == 12_410)
        #expect(try count(ledger, "SELECT SUM(employer_share) FROM ticket_line") == 3_980)
        let label = try ledger.engine.read { db in
            try db.fetchValue(String.self, sql: "SELECT label FROM ticket_line WHERE line = 11")
        }
        #expect(label == "Formule entrée; plat")
        let again = importer.importFile(at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
        #expect(again.status == .unchanged)
        #expect(again.rows == 40)
        #expect(try count(ledger, "SELECT COUNT(*) FROM ticket_line") == 40)
    }

    @Test func recordsReadBackEveryColumn() throws {
        let (ledger, _) = try freshLedger()
        let result = RegisterImporter(ledger: ledger).importFile(
            at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
        let (lines, file) = try ledger.engine.read { db in
            (
                try db.fetchRecords(TicketLine.self, sql: "SELECT * FROM ticket_line ORDER BY line"),
                try db.fetchRecord(
                    ImportedFile.self, sql: "SELECT * FROM imported_file WHERE id = ?", arguments: [result.fileID])
            )
        }
        #expect(lines.count == 40)
        let first = try #require(lines.first)
        #expect(first.line == 2)
        #expect(first.ticket == "LD01-3-20261005-000001")
        #expect(first.register == 3)
        #expect(first.businessDay == Day(year: 2026, month: 10, day: 5))
        #expect(first.time == 7 * 3600 + 45 * 60 + 30)
        #expect(first.badge == nil && first.client == nil && first.category == nil)
        #expect(first.label == "Café expresso")
        #expect(first.rate == VATRate(whole: 10))
        #expect(first.amountTTC == Money(cents: 110))
        let cancelled = try #require(lines.first { $0.quantity < 0 && $0.article == "PLAT" })
        #expect(cancelled.amount == -700 && cancelled.employerShare == -435 && cancelled.unitPrice == 700)
        #expect(lines.first { $0.article == "FRUIT-E" }?.vatRate == 55_000)
        #expect(file?.kind == .registers)
        #expect(file?.status == .imported)
        #expect(file?.site == "LD01")
        #expect(file?.businessDay == Day(year: 2026, month: 10, day: 5))
        #expect(file?.rowCount == 40)
        #expect(file?.version == 1)
        #expect(file?.size == 4756)
    }
}

@Suite struct SampleAggregationTests {
    let day = Day(year: 2026, month: 10, day: 5) ?? Day(ordinal: 0)

    func importedSample() throws -> LedgerDatabase {
        let (ledger, _) = try freshLedger()
        let result = RegisterImporter(ledger: ledger).importFile(
            at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
        #expect(result.status == .imported)
        return ledger
    }

    @Test func revenueDaysGiveCoversSharesGuestsAndCafeteriaPerCategory() throws {
        let ledger = try importedSample()
        let october = try #require(Period(parsing: "2026-10"))
        let days = try ledger.revenueDays(period: october)
        let ten = VATRate(whole: 10), twenty = VATRate(whole: 20), reduced = VATRate(tenThousandths: 55_000)
        func row(_ client: String, _ category: String) -> RevenueDay? {
            days.first { $0.client == client && $0.category == category }
        }
        #expect(days.count == 8)
        #expect(days.allSatisfy { $0.site == "LD01" && $0.day == day })
        #expect(row("C0013", "A")?.covers == 2)
        #expect(row("C0013", "A")?.employerShare == [ten: Money(cents: 870)])
        #expect(row("C0013", "A")?.cafeteriaAmount == [ten: Money(cents: 190), reduced: Money(cents: 160)])
        #expect(row("C0014", "A")?.covers == 1)
        #expect(row("C0014", "A")?.cafeteriaAmount == [reduced: Money(cents: 630)])
        #expect(row("C0014", "B")?.employerShare == [ten: Money(cents: 360)])
        #expect(row("C0014", "INV")?.covers == 1)
        #expect(row("C0014", "INV")?.guestAmount == [ten: Money(cents: 1230)])
        #expect(row("C0025", "A")?.covers == 1)
        #expect(row("C0025", "STA")?.employerShare == [ten: Money(cents: 475)])
        // A ticket adding up to zero is valid data but no cover.
        #expect(row("C0027", "A")?.covers == 0)
        #expect(row("C0027", "A")?.employerShare == [:])
        #expect(row("C0027", "C")?.covers == 1)
        #expect(days.reduce(0) { $0 + $1.covers } == 8)
        #expect(!days.contains { $0.employerShare[twenty] != nil })
        #expect(try ledger.revenueDays(period: october, version: .billed).isEmpty)
    }

    @Test func siteDaysAndCappedTrays() throws {
        let ledger = try importedSample()
        let october = try #require(Period(parsing: "2026-10"))
        #expect(try ledger.siteDaysWithTickets(period: october) == [SiteDayKey(site: "LD01", day: day)])
        let totals = try ledger.cappedTrayTotals(
            period: october,
            caps: [
                ClientCategory(client: "C0013", category: "A"): Money(cents: 1000),
                ClientCategory(client: "C0014", category: "A"): Money(cents: 420),
                ClientCategory(client: "C0027", category: "A"): Money(cents: 420)
            ])
        #expect(
            totals == [
                CappedTrayTotal(client: "C0013", site: "LD01", category: "A", covers: 2, total: Money(cents: 2000)),
                CappedTrayTotal(client: "C0014", site: "LD01", category: "A", covers: 1, total: Money(cents: 420))
            ])
    }

    @Test(.sqliteOnly) func ledgerIsMigratedWithNamedMigrationsInWAL() throws {
        let ledger = try importedSample()
        #expect(
            try ledger.appliedMigrations() == [
                "v1 imports", "v2 invoices", "v3 event billing", "v4 outbox", "v5 order revisions",
                "v6 chronological numbering", "v7 issued documents", "v8 journal entries", "v9 closing",
                "v10 users and permissions", "v11 daily revenue", "v12 payments", "v13 reminders",
                "v14 login attempt address", "v15 import conflicts",
                "v15 ledger identity", "v15 ledger guards", "v15 billed once",
                "v15 amount bounds", "v15 mail claims", "v16 document period", "v16 line discounts",
                "v16 platform flows", "v16 platform e-reporting", "v16 audit parameters",
                "v16 line basis", "v17 vat on receipts",
                "v17 guarantee gaps", "v17 history bounds", "v18 payer breakdown",
                "v18 billing inputs", "v18 catch-up bounds", "v18 line facts",
                "v19 change counter", "v20 payment entry indexes", "v21 audit by document",
                "v22 entry lines checked in one statement", "v23 open invoices"
            ])
        let mode = try ledger.engine.read { db in try db.fetchValue(String.self, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let fk = try ledger.engine.read { db in try db.fetchValue(Int.self, sql: "PRAGMA foreign_keys") }
        #expect(fk == 1)
        // Reopening the same file migrates nothing and keeps the data.
        let again = try LedgerDatabase(path: ledger.path)
        #expect(try count(again, "SELECT COUNT(*) FROM ticket_line") == 40)
    }
}
