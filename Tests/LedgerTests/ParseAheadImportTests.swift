import BillingModel
import Demo
import Foundation
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

    /// Every row of the tables an import writes, in a stable order, times of import left out; a file is named by
    /// its name and version, not its id, in columns and messages (PostgreSQL's sequences are not given back by a
    /// refused import's rollback).
    func contents(_ ledger: LedgerDatabase) throws -> [String: [String]] {
        let tables = [
            "imported_file":
                "name, kind, version, sha256, size, status, site, day, row_count, rejected_count, warning_count, message",
            "ticket_line": "*", "rejected_row": "file_id, line, raw, reason", "import_warning": "*", "site_day": "*",
            "daily_revenue": "*", "late_revenue": "site, day, billed_file_id, file_id, reason"
        ]
        var out: [String: [String]] = [:]
        try ledger.engine.read { db in
            var files: [Int64: String] = [:]
            for row in try db.fetchAll(sql: "SELECT id, name, version FROM imported_file") {
                files[try row["id"]] = "\(try row["name"] as String)#\(try row["version"] as Int64)"
            }
            for (table, columns) in tables {
                out[table] = try db.fetchAll(sql: "SELECT \(columns) FROM \(table)").map { row in
                    zip(row.columns.names, row.values).map { name, value in
                        if name.hasSuffix("file_id"), let id = value.integer {
                            return files[id] ?? "unknown file \(id)"
                        }
                        // A message naming a file by its id ("replaces file #5"): by its name instead.
                        var text = "\(value)"
                        for (id, file) in files.sorted(by: { $0.key > $1.key }) {
                            text = text.replacingOccurrences(of: "file #\(id)", with: "file \(file)")
                        }
                        return text
                    }
                    .joined(separator: ", ")
                }
                .sorted()
            }
        }
        return out
    }

    /// Both ledgers hold the same rows; else the rows one has and the other has not, per table.
    func expectSameContents(
        _ a: LedgerDatabase, _ b: LedgerDatabase, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (x, y) = (try contents(a), try contents(b))
        #expect(x == y, "\(difference(x, y))", sourceLocation: sourceLocation)
    }

    /// The rows one ledger has and the other has not, per table.
    func difference(_ a: [String: [String]], _ b: [String: [String]]) -> String {
        a.keys.sorted().compactMap { table in
            let only = Set(a[table] ?? []).symmetricDifference(b[table] ?? [])
            return only.isEmpty ? nil : "\(table): \(only.sorted().prefix(6))"
        }
        .joined(separator: "\n")
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
        try expectSameContents(together, alone)

        // Again: every file unchanged, nothing written; a corrected file replaces its version, the same file twice in
        // one call is imported once.
        let again = Importer(ledger: together, knownClients: known).importPaths([inbox])
        #expect(again.filter { $0.status != .refused }.allSatisfy { $0.status == .unchanged }, "\(again)")
        try expectSameContents(together, alone)
        let corrected = inbox.appendingPathComponent("PIE_\(sites[1])_\(day.compact).csv")
        try Data(DemoGenerator.csv(Array(generator.registerRows(site: sites[1], day: day).dropLast()))).write(
            to: corrected)
        let twice = Importer(ledger: together, knownClients: known).importPaths([corrected, corrected])
        #expect(twice.map(\.status) == [.replaced, .unchanged], "\(twice)")
        #expect(RegisterImporter(ledger: alone, knownClients: known).importFile(at: corrected).status == .replaced)
        try expectSameContents(together, alone)
    }
}
