import BillingModel
import Demo
import Foundation
import GRDB
import Imports
@testable import Ledger
import Testing
import TestSupport

/// `Importer.importPaths` parses the next register file on another core while the ledger writes the one
/// before: what it stores, refuses and reports is what importing each file alone stores, refuses and reports.
@Suite struct ParseAheadImportTests {
    let sites = DemoGenerator.sites(count: 2)
    let day = Day(year: 2026, month: 10, day: 6) ?? Day(ordinal: 0)
    var clients: [DemoClient] { DemoGenerator.clients(count: 12, sites: sites) }
    var generator: DemoGenerator {
        DemoGenerator(clients: clients, sites: sites, month: Period.month(of: day), seed: 7)
    }

    /// Every row of the tables an import writes, in a stable order, times of import left out.
    func contents(_ ledger: LedgerDatabase) throws -> [String: [String]] {
        let tables = [
            "imported_file":
                "name, kind, version, sha256, size, status, site, day, row_count, rejected_count, warning_count, message",
            "ticket_line": "*", "rejected_row": "file_id, line, raw, reason", "import_warning": "*", "site_day": "*",
            "daily_revenue": "*", "late_revenue": "site, day, billed_file_id, file_id, reason"
        ]
        var out: [String: [String]] = [:]
        for (table, columns) in tables {
            out[table] = try ledger.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table)").map { "\(Array($0.databaseValues))" }
                    .sorted()
            }
        }
        return out
    }

    @Test func importingAFolderStoresWhatImportingEachFileAloneStores() throws {
        let (together, dir) = try freshLedger()
        let (alone, _) = try freshLedger()
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for site in sites {
            for d in 0..<3 {
                let day = day.adding(days: d)
                try Data(DemoGenerator.csv(generator.registerRows(site: site, day: day)))
                    .write(to: inbox.appendingPathComponent("PIE_\(site)_\(day.compact).csv"))
            }
        }
        // Rejected rows, a warning, an unknown client; a refused file between good ones.
        let faulty = try generator.writeFaultyRegisterFile(site: sites[0], day: day.adding(days: 3), to: inbox)
        try "ticket;site\r\nX;Y\r\n".write(
            to: inbox.appendingPathComponent("PIE_\(sites[1])_\(day.adding(days: 1).compact)x.csv"),
            atomically: true, encoding: .utf8)
        try "ticket;site\r\nX;Y\r\n".write(
            to: inbox.appendingPathComponent("PIE_\(sites[0])_\(day.adding(days: 4).compact).csv"),
            atomically: true, encoding: .utf8)
        let known = Set(clients.map(\.code))
        let files = try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted().map {
            inbox.appendingPathComponent($0)
        }

        let ahead = Importer(ledger: together, knownClients: known).importPaths([inbox])
        let oneByOne = files.map { RegisterImporter(ledger: alone, knownClients: known).importFile(at: $0) }
        func comparable(_ r: ImportResult) -> ImportResult {
            var r = r
            r.fileID = nil
            return r
        }
        #expect(ahead.map(comparable) == oneByOne.map(comparable))
        #expect(ahead.filter { $0.status == .refused }.count == 2, "\(ahead)")
        let faultyResult = try #require(ahead.first { $0.file == faulty.url.path })
        #expect(
            faultyResult.rows == faulty.validRows && !faultyResult.rejected.isEmpty && !faultyResult.warnings.isEmpty)
        #expect(faultyResult.unknownClients == [faulty.unknownClient])
        #expect(try contents(together) == contents(alone))

        // Again: every file unchanged, nothing written; a corrected file replaces its version, the same file twice in
        // one call is imported once.
        let again = Importer(ledger: together, knownClients: known).importPaths([inbox])
        #expect(again.filter { $0.status != .refused }.allSatisfy { $0.status == .unchanged }, "\(again)")
        #expect(try contents(together) == contents(alone))
        let corrected = inbox.appendingPathComponent("PIE_\(sites[1])_\(day.compact).csv")
        try Data(DemoGenerator.csv(Array(generator.registerRows(site: sites[1], day: day).dropLast()))).write(
            to: corrected)
        let twice = Importer(ledger: together, knownClients: known).importPaths([corrected, corrected])
        #expect(twice.map(\.status) == [.replaced, .unchanged], "\(twice)")
        #expect(RegisterImporter(ledger: alone, knownClients: known).importFile(at: corrected).status == .replaced)
        #expect(try contents(together) == contents(alone))
    }
}
