import BillingModel
import Demo
import DemoMonthSupport
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// The closing's numbering check and the late files it asks about read their own month, not the history
/// before it (issue 23: a closing cost more with each month behind it), and still find what they found.
@Suite(.serialized) struct ClosingChecksReadTheirMonth {
    static let november = Period(parsing: "2026-11") ?? Period.month(of: day("2026-11-01"))
    static let december = Period(parsing: "2026-12") ?? Period.month(of: day("2026-12-01"))

    /// SQLite's plan for `sql`, one line per step; nil on PostgreSQL, whose planner picks by table statistics (a
    /// small test table is read whole whatever its indexes).
    static func plan(_ ledger: LedgerDatabase, _ sql: String, _ arguments: [any SQLArgument]) throws -> String? {
        guard ledger.engine.kind == .sqlite else { return nil }
        return try ledger.engine.read { db in
            try db.fetchAll(sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { try $0["detail"] as String }
                .joined(separator: "; ")
        }
    }

    /// Runs `statements` with every trigger of `table` off first (what someone with the database's own client can do).
    static func tamper(_ ledger: LedgerDatabase, table: String, _ statements: [String]) throws {
        try ledger.engine.write { db in
            if db.kind == .postgres {
                try db.execute(sql: "ALTER TABLE \(table) DISABLE TRIGGER USER")
            } else {
                for name in try db.fetchColumn(
                    String.self, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                    arguments: [table])
                {
                    try db.execute(sql: "DROP TRIGGER \"\(name)\"")
                }
            }
            for s in statements { try db.execute(sql: s) }
        }
    }

    @Test func theNumberingCheckReadsTheIssuedDocumentsFromItsMonthOnThroughTheIndex() throws {
        let month = try DemoMonth("numbering-bounds", sites: 2, clients: 8, seed: 11)
        _ = try month.bill(validateAll: true)
        if let from = try Self.plan(month.ledger, LedgerDatabase.numberingFrom, ["FA", "2026-11-01"]) {
            #expect(from.contains("USING INDEX invoice_series_issue_date (series=? AND issue_date>?)"), "\(from)")
            #expect(!from.contains("SCAN invoice"), "\(from)")
        }
        if let before = try Self.plan(month.ledger, LedgerDatabase.numberingPreviousDay, ["FA", "2026-11-01"]) {
            #expect(before.contains("invoice_series_issue_date (series=? AND issue_date<?)"), "\(before)")
        }
        // The month's documents intact: no break, in November nor in December (no document: it reads the last day).
        #expect(try month.ledger.monthFacts(Self.november).numberingBreaks.isEmpty)
        #expect(try month.ledger.monthFacts(Self.december).numberingBreaks.isEmpty)
    }

    @Test func theNumberingCheckStillNamesANumberOutOfPlaceAndACounterThatDiffers() throws {
        let month = try DemoMonth("numbering-breaks", sites: 2, clients: 8, seed: 11)
        _ = try month.bill(validateAll: true)
        let numbers = try month.ledger.invoices(status: .issued).compactMap(\.number).filter { $0.hasPrefix("FA") }
            .sorted()
        try #require(numbers.count >= 3)
        let moved = numbers[1], renamed = String(moved.dropLast(3)) + "900"
        try Self.tamper(
            month.ledger, table: "invoice", ["UPDATE invoice SET number = '\(renamed)' WHERE number = '\(moved)'"])
        let november = try month.ledger.monthFacts(Self.november).numberingBreaks
        #expect(november.contains(.outOfSequence(series: "FA", number: numbers[2], expected: 2)))
        #expect(november.contains(.outOfSequence(series: "FA", number: renamed, expected: numbers.count)))
        try Self.tamper(
            month.ledger, table: "number_series",
            ["UPDATE number_series SET last_number = last_number + 1 WHERE code = 'FA'"])
        let counted = try month.ledger.monthFacts(Self.november).numberingBreaks
        #expect(counted.contains(.countDiffers(series: "FA", issued: numbers.count, given: numbers.count + 1)))
        // The closing of the month after reads from the last day with documents: the counter still differs.
        #expect(
            try month.ledger.monthFacts(Self.december).numberingBreaks.contains(
                .countDiffers(series: "FA", issued: numbers.count, given: numbers.count + 1)))
    }

    @Test func theLateFilesOfAMonthAreLookedForInItsPeriodsDaysAndTheDailyAggregate() throws {
        let month = try DemoMonth("late-bounds", sites: 2, clients: 8, seed: 11)
        _ = try month.bill(validateAll: true)
        // Each period's days through the index of site-days by day, not every site-day ever delivered.
        let sql = try month.ledger.engine.read { db in LedgerDatabase.lateFileCandidates(db, bounded: false) }
        if let candidates = try Self.plan(month.ledger, sql, ["{}"]) {
            #expect(candidates.contains("USING COVERING INDEX site_day_by_day (day>? AND day<?)"), "\(candidates)")
        }
        // The closing asks about the periods overlapping its month: October's invoices for October, none for December.
        let all = try month.ledger.periodsWithLateRevenue()
        let october = try month.ledger.periodsWithLateRevenue(overlapping: DemoMonth.october)
        #expect(october.map(\.client) == all.filter { $0.period.intersection(DemoMonth.october) != nil }.map(\.client))
        #expect(try month.ledger.periodsWithLateRevenue(overlapping: Self.december).isEmpty)
    }

    /// The check of entries without a document reads each entry's payments through their indexes (one `OR` over
    /// both columns read every payment ever recorded, for each entry of the month: the closing of the seventh month
    /// of `bench year` took 38 s against 4 s for the first), and still tells a payment's entries from an orphan.
    @Test func theEntriesWithoutADocumentAreFoundThroughThePaymentsIndexes() throws {
        let month = try DemoMonth("orphan-bounds", sites: 2, clients: 8, seed: 11)
        _ = try month.bill(validateAll: true)
        if let plan = try Self.plan(month.ledger, LedgerDatabase.orphanEntries, ["2026-11-01", "2026-11-30"]) {
            #expect(plan.contains("USING COVERING INDEX payment_entry (entry_id=?)"), "\(plan)")
            #expect(plan.contains("USING COVERING INDEX payment_transfer_entry (transfer_entry_id=?)"), "\(plan)")
            #expect(!plan.contains("SCAN p"), "\(plan)")
        }
        // A month's payments post bank entries with no document: none of them is an orphan.
        var names: [String: String] = [:]
        for c in month.workspace.settings.clients { names[c.code] = c.legalName }
        let paid = day("2026-11-20")
        let credits = Camt053Writer.demoCredits(invoices: try month.ledger.openInvoices(), names: names, bookedOn: paid)
        let file = Repository.temporaryDirectory("orphan-bounds").appendingPathComponent("releve.xml")
        try Camt053Writer.xml(
            messageID: "S", created: paid, account: month.workspace.settings.seller.iban, opening: .zero,
            credits: credits
        ).write(to: file, atomically: true, encoding: .utf8)
        let imported = try #require(
            try month.workspace.importPayments(files: [file.path], actor: "test", today: paid).first?.result.get())
        #expect(imported.payments.contains { $0.status == "new" })
        #expect(try month.ledger.monthFacts(Self.november).entryBreaks.isEmpty)
        // An entry of the month that records nothing (written with `sqlite3` on the file) is named.
        try Self.tamper(
            month.ledger, table: "journal_entry",
            [
                "UPDATE journal SET last_number = last_number + 1 WHERE code = 'BQ'",
                """
                INSERT INTO journal_entry (journal, number, entry_date, piece_ref, piece_date, validation_date, created_at)
                SELECT 'BQ', last_number, '2026-11-21', 'X1', '2026-11-21', '2026-11-21', '2026-11-21T00:00:00Z'
                FROM journal WHERE code = 'BQ'
                """
            ])
        #expect(try month.ledger.monthFacts(Self.november).entryBreaks == [.orphans(count: 1)])
    }
}
