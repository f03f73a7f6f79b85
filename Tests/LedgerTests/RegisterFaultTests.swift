import BillingModel
import Demo
import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

struct Interrupted: Error {}

@Suite struct RegisterFaultTests {
    let sites = DemoGenerator.sites(count: 3)
    let day = Day(year: 2026, month: 10, day: 6) ?? Day(ordinal: 0)
    var clients: [DemoClient] { DemoGenerator.clients(count: 30, sites: sites) }
    var generator: DemoGenerator {
        DemoGenerator(clients: clients, sites: sites, month: Period.month(of: day), seed: 42)
    }

    func sum(_ ledger: LedgerDatabase, fileID: Int64?) throws -> Int {
        try count(ledger, "SELECT COALESCE(SUM(amount), 0) FROM ticket_line WHERE file_id = ?", [fileID])
    }

    @Test func everyFaultIsReportedAtItsLineAndEveryValidRowKept() throws {
        let (ledger, dir) = try freshLedger()
        let faulty = try generator.writeFaultyRegisterFile(site: "LD01", day: day, to: dir)
        let importer = RegisterImporter(ledger: ledger, knownClients: Set(clients.map(\.code)))
        let result = importer.importFile(at: faulty.url)
        #expect(result.status == .imported, "\(result)")
        #expect(result.rows == faulty.validRows)
        #expect(try sum(ledger, fileID: result.fileID) == Int(faulty.validAmount))
        #expect(try count(ledger, "SELECT SUM(employer_share) FROM ticket_line") == Int(faulty.validEmployerShare))

        let rejected = Dictionary(uniqueKeysWithValues: result.rejected.map { ($0.line, $0.reason) })
        let expectations: [(RegisterFault, String)] = [
            (.invalidUTF8, "not valid UTF-8"), (.wrongSite, "`site` is `ZZ99`"), (.wrongDate, "`date` is `07/10/2026`"),
            (.wrongFieldCount, "expected 16 fields, found 15"), (.unparseableAmount, "unreadable `pu_ttc` `7,0O`"),
            (.unparseableDate, "unreadable `date` `32/10/2026`")
        ]
        for (fault, words) in expectations {
            let line = try #require(faulty.lines[fault])
            #expect(
                rejected[line]?.contains(words) == true, "\(fault) at line \(line): \(rejected[line] ?? "not rejected")"
            )
        }
        #expect(rejected.count == expectations.count)
        #expect(result.warnings.map(\.line) == [faulty.lines[.oneCentMismatch]])
        #expect(result.warnings.first?.reason.contains("one cent") == true)
        #expect(result.unknownClients == [faulty.unknownClient])
        // The quarantine keeps raw bytes: the Latin-1 row is stored as written.
        let raw = try ledger.engine.read { db in
            try db.fetchRecord(
                RejectedRow.self, sql: "SELECT * FROM rejected_row WHERE line = ?",
                arguments: [faulty.lines[.invalidUTF8]])
        }
        #expect(raw?.rawText == nil)
        #expect(raw?.raw.contains(0xE9) == true)
        // A record spanning two physical lines keeps the line it starts on.
        let label = try ledger.engine.read { db in
            try db.fetchValue(
                String.self, sql: "SELECT label FROM ticket_line WHERE line = ?",
                arguments: [faulty.multilineRecordLine])
        }
        #expect(label == "Menu du jour\nservi en salle")
        #expect(
            try count(ledger, "SELECT COUNT(*) FROM ticket_line WHERE line = ?", [faulty.multilineRecordLine + 1]) == 0)
        // The one-cent row keeps the amount as written.
        let oneCent = try ledger.engine.read { db in
            try db.fetchOne(
                sql: "SELECT quantity * unit_price, amount FROM ticket_line WHERE line = ?",
                arguments: [faulty.lines[.oneCentMismatch]]
            ).map { (try $0[1] as Int64) - (try $0[0] as Int64) }
        }
        #expect(oneCent == 1)
    }

    @Test func sameFileAgainIsUnchangedCorrectionReplacesBilledCorrectionConflicts() throws {
        let (ledger, dir) = try freshLedger()
        let faulty = try generator.writeFaultyRegisterFile(site: "LD01", day: day, to: dir)
        let importer = RegisterImporter(ledger: ledger)
        let first = importer.importFile(at: faulty.url)
        #expect(first.status == .imported)
        let before = try count(ledger, "SELECT SUM(amount) FROM ticket_line")

        let again = importer.importFile(at: faulty.url)
        #expect(again.status == .unchanged)
        #expect(again.rows == first.rows)
        #expect(again.rejected == first.rejected)
        #expect(try count(ledger, "SELECT SUM(amount) FROM ticket_line") == before)
        #expect(try count(ledger, "SELECT COUNT(*) FROM imported_file") == 1)

        // The register corrects the file: the site-day is not billed, so it is replaced.
        let corrected = generator.registerRows(site: "LD01", day: day)
        try Data(DemoGenerator.csv(corrected)).write(to: faulty.url)
        let replaced = importer.importFile(at: faulty.url)
        #expect(replaced.status == .replaced, "\(replaced)")
        #expect(replaced.rows == corrected.count)
        #expect(replaced.rejected.isEmpty)
        let siteDay = try #require(try ledger.siteDay(site: "LD01", day: day))
        #expect(siteDay.currentFileId == replaced.fileID)
        let period = Period.month(of: day)
        let share = corrected.filter { !$0.client.isEmpty }.reduce(Int64(0)) { $0 + $1.employerShare }
        let reported = try ledger.revenueDays(period: period).flatMap(\.employerShare.values).reduce(Int64(0)) {
            $0 + $1.cents
        }
        #expect(reported == share)

        // An invoice uses it; a later re-delivery is a conflict, stored beside, late revenue recorded.
        #expect(try ledger.markSiteDaysBilled([SiteDayKey(site: "LD01", day: day)]) == 1)
        try Data(DemoGenerator.csv(Array(corrected.dropLast()))).write(to: faulty.url)
        let conflict = importer.importFile(at: faulty.url)
        #expect(conflict.status == .conflict, "\(conflict)")
        #expect(conflict.billedFileIDs == [replaced.fileID].compactMap { $0 })
        let late = try ledger.openLateRevenue()
        #expect(late.count == 1)
        #expect(late.first?.billedFileId == replaced.fileID)
        #expect(late.first?.fileId == conflict.fileID)
        #expect(try ledger.siteDaysBilledOnOtherVersion().count == 1)
        // The billed version reads exactly as billed; the current one is the correction.
        let billedShare = try ledger.revenueDays(period: period, version: .billed)
            .flatMap(\.employerShare.values).reduce(Int64(0)) { $0 + $1.cents }
        #expect(billedShare == share)
        #expect(try count(ledger, "SELECT version FROM imported_file WHERE id = ?", [conflict.fileID]) == 3)
        // Billing the correction settles the late revenue.
        try ledger.markSiteDaysBilled([SiteDayKey(site: "LD01", day: day)])
        #expect(try ledger.openLateRevenue().isEmpty)
        #expect(try ledger.siteDaysBilledOnOtherVersion().isEmpty)
    }

    @Test func anInterruptedImportLeavesNothing() throws {
        let (ledger, dir) = try freshLedger()
        let faulty = try generator.writeFaultyRegisterFile(site: "LD01", day: day, to: dir)
        var importer = RegisterImporter(ledger: ledger)
        importer.interruption = { line in if line >= 200 { throw Interrupted() } }
        let result = importer.importFile(at: faulty.url)
        #expect(result.status == .refused)
        #expect(result.message?.contains("nothing written") == true)
        for table in ["imported_file", "ticket_line", "rejected_row", "import_warning", "site_day"] {
            #expect(try count(ledger, "SELECT COUNT(*) FROM \(table)") == 0, "\(table)")
        }
        importer.interruption = nil
        #expect(importer.importFile(at: faulty.url).status == .imported)
    }

    @Test func unreadableFilesAreRefusedAndNothingWritten() throws {
        let (ledger, dir) = try freshLedger()
        let importer = Importer(ledger: ledger)
        let badHeader = dir.appendingPathComponent("PIE_LD01_20261006.csv")
        try "ticket;site;caisse\r\nX;LD01;1\r\n".write(to: badHeader, atomically: true, encoding: .utf8)
        let empty = dir.appendingPathComponent("PIE_LD02_20261006.csv")
        try Data().write(to: empty)
        let badName = dir.appendingPathComponent("PIE_LD01_20261332.csv")
        try "x".write(to: badName, atomically: true, encoding: .utf8)
        let folder = dir.appendingPathComponent("PIE_LD03_20261006.csv")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let results = [badHeader, empty, badName, folder, dir.appendingPathComponent("notes.txt")].map(
            importer.importFile)
        #expect(results.allSatisfy { $0.status == .refused }, "\(results)")
        #expect(results[0].message?.contains("header") == true)
        #expect(results[1].message?.contains("empty") == true)
        #expect(try count(ledger, "SELECT COUNT(*) FROM imported_file") == 0)
        #expect(results[0].diagnostics.first?.code == "E1201")
    }

    @Test func headerOnlyLFOnlyNoBOMAndNoFinalNewlineAreRead() throws {
        let (ledger, dir) = try freshLedger()
        let importer = RegisterImporter(ledger: ledger)
        let closed = dir.appendingPathComponent("PIE_LD01_20261010.csv")
        try (DemoGenerator.csvHeader + "\r\n").write(to: closed, atomically: true, encoding: .utf8)
        let closedResult = importer.importFile(at: closed)
        #expect(closedResult.status == .imported)
        #expect(closedResult.rows == 0)
        let plain = dir.appendingPathComponent("PIE_LD02_20261010.csv")
        try
            (DemoGenerator.csvHeader + "\n"
            + "T1;LD02;1;10/10/2026;12:00:00;01;C0001;A;SELF;PLAT;\"Plat \"\"maison\"\"; frites\";2;7,00;10,0;14,00;4,20\n"
            + "T1;LD02;1;10/10/2026;12:00:00;01;C0001;A;SELF;PAIN;Pain;1;0,30;10,0;0,30;0")
            .write(to: plain, atomically: true, encoding: .utf8)
        let result = importer.importFile(at: plain)
        #expect(result.rows == 2, "\(result)")
        #expect(result.rejected.isEmpty)
        let label = try ledger.engine.read { db in
            try db.fetchValue(String.self, sql: "SELECT label FROM ticket_line WHERE line = 2")
        }
        #expect(label == "Plat \"maison\"; frites")
        #expect(try count(ledger, "SELECT SUM(amount) FROM ticket_line") == 1430)
        let october = try #require(Period(parsing: "2026-10"))
        #expect(
            try ledger.siteDaysWithTickets(period: october) == [
                SiteDayKey(site: "LD02", day: Day(year: 2026, month: 10, day: 10) ?? Day(ordinal: 0))
            ])
    }
}
