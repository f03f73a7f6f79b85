import BillingEngine
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// What keeps a month's work reading its own period instead of the history ("v17 history bounds"): the
/// same answers as before, from summaries the writing transaction keeps.
@Suite struct HistoryBoundsTests {
    static let october = Period(parsing: "2026-10")!
    static let guests = Array(repeating: "13,00", count: 10)

    /// Late revenue is searched from the site-days whose file changed: the import that re-delivers a billed
    /// site-day records it in its own transaction, the search still finds the client's period, and the record
    /// cannot be removed to hide it.
    @Test func aReDeliveredSiteDayIsRecordedByItsImportAndLateRevenueIsStillFound() throws {
        let s = try Scratch()
        for d in ["05", "06"] {
            try s.write(
                "PIE_LD01_202610\(d).csv",
                EndToEndTests.registerFile(day: "2026-10-\(d)", a: 1000, b: 500, c: 250, guests: Self.guests))
        }
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let billed = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        try engine.validate(ids: billed.created, on: day("2026-11-02"))
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
        #expect(try count(ledger, "SELECT COUNT(*) FROM site_day_redelivered") == 0)

        // The 6th delivered again with one more category-A cover: late revenue for ACME's October.
        try s.write(
            "PIE_LD01_20261006.csv",
            EndToEndTests.registerFile(day: "2026-10-06", a: 1001, b: 500, c: 250, guests: Self.guests))
        _ = try s.workspace.importFiles([])
        let recorded = try ledger.engine.read { db in
            try db.fetchAll(sql: "SELECT site, day FROM site_day_redelivered").map {
                "\(try $0[0] as String) \(Day(ordinal: try $0[1] as Int))"
            }
        }
        #expect(recorded == ["LD01 2026-10-06"])
        let late = try ledger.periodsWithLateRevenue()
        #expect(late.map(\.client) == ["ACME"])
        #expect(late.first?.period == Self.october)
        #expect(late.first?.siteDays == [SiteDayKey(site: "LD01", day: day("2026-10-06"))])
        #expect(throws: (any Error).self) {
            try ledger.engine.transaction { db in try db.execute(sql: "DELETE FROM site_day_redelivered") }
        }
    }

    /// Billing a period reads the documents that overlap it: a period billed already is still said so,
    /// a period next to it is billed whole, and the discarded keys are found by the keys asked about.
    @Test func billedPeriodsAndDiscardedKeysAreReadForThePeriodsPlanned() throws {
        let s = try Scratch()
        try s.write(
            "PIE_LD01_20261005.csv",
            EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 5, c: 2, guests: Self.guests))
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let first = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        #expect(first.created.count == 1)
        let periods = try ledger.contractPeriods(
            clients: ["ACME"], overlapping: Period(start: day("2026-10-20"), end: day("2026-11-05")))
        #expect(periods["ACME"]?.map(\.period) == [Self.october])
        #expect(try ledger.contractPeriods(clients: ["ACME"], overlapping: Period(parsing: "2026-11")!).isEmpty)
        let again = try engine.generate(
            period: Period(start: day("2026-10-01"), end: day("2026-10-15")), explicitRange: true,
            issueDate: day("2026-11-02"), only: ["ACME"])
        #expect(again.created.isEmpty)
        #expect(again.billedAlready.first?.contains("already billed by proforma") == true, "\(again.billedAlready)")

        let key = try #require(try ledger.invoice(id: first.created[0])?.invoice.generationKey)
        try ledger.discard(id: first.created[0], reason: "test", actor: "test")
        #expect(try ledger.discardedGenerationKeys([key, "contract|none"]) == [key])
        _ = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        #expect(try ledger.discardedGenerationKeys([key]).isEmpty)
    }
}

extension HistoryBoundsTests {
    /// The site-days the daily run's search for late files looks at: those whose current file came after their
    /// period's first contract invoice and still has revenue no issued document recorded.
    static func lateFileCandidates(_ ledger: LedgerDatabase) throws -> [String] {
        try ledger.engine.read { db in
            try db.fetchAll(
                sql: LedgerDatabase.lateFileCandidates(db, bounded: false),
                arguments: ["{}"]
            ).map { "\(try $0[0] as String) \(Day(ordinal: try $0[1] as Int))" }
        }
    }

    /// A file that arrives after its period was invoiced is looked at by each daily run until what it adds is
    /// billed (a correction issued), then never again: a year of late files does not slow the daily run.
    @Test func aLateFileIsLookedAtUntilItsRevenueIsBilledThenNoMore() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "PIE_LD01_20261005.csv",
            EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 5, c: 2, guests: Self.guests),
            engineOn: day("2026-11-02"))
        let billed = try engine.generate(period: Self.october, issueDate: day("2026-11-02"), only: ["ACME"])
        try engine.validate(ids: billed.created, on: day("2026-11-02"))
        #expect(try Self.lateFileCandidates(ledger) == [])

        // The 7th arrives after October was invoiced: ACME's revenue of that day was billed by nothing.
        try s.write(
            "PIE_LD01_20261007.csv",
            EndToEndTests.registerFile(day: "2026-10-07", a: 3, b: 0, c: 0, guests: Self.guests))
        _ = try s.workspace.importFiles([])
        #expect(try Self.lateFileCandidates(ledger) == ["LD01 2026-10-07"])
        #expect(try ledger.periodsWithLateRevenue().map(\.client) == ["ACME"])

        let correction = try engine.correctLateRevenue(issueDate: day("2026-11-03"), only: ["ACME"])
        #expect(correction.created.count == 1, "\(correction)")
        try engine.validate(ids: correction.created, on: day("2026-11-03"))
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
        #expect(try Self.lateFileCandidates(ledger) == [])
    }
}

private func count(_ ledger: LedgerDatabase, _ sql: String) throws -> Int {
    try ledger.engine.read { db in try db.fetchValue(Int64.self, sql: sql) }.map { Int($0) } ?? -1
}
