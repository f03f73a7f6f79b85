import BillingModel
import Demo
import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

/// The import stores the same ticket lines on PostgreSQL as on SQLite from the same files: the rows stored are the
/// rows SQLite stores from the same file, text that COPY would read as escapes included.
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
struct PostgresImportTests {
    static let columns = """
        SELECT line, ticket, site, register, day, time, badge, client, category, activity, article, label,
          quantity, unit_price, vat_rate, amount, employer_share FROM ticket_line ORDER BY line
        """

    @Test func ticketLinesCopiedIntoPostgreSQLAreTheRowsSQLiteStores() throws {
        let dir = Repository.temporaryDirectory("copy-import")
        let sample = try String(
            contentsOf: samples.appendingPathComponent("PIE_LD01_20261005.csv"), encoding: .utf8)
        // Backslashes COPY's text format reads as escapes (`\N` is its NULL) unless the writer escapes them.
        let hostile = #"Café \N ex\tpresso \\ \."#
        #expect(sample.contains("Café expresso"))
        let file = dir.appendingPathComponent("PIE_LD01_20261005.csv")
        try sample.replacingOccurrences(of: "Café expresso", with: hostile)
            .write(to: file, atomically: true, encoding: .utf8)
        let (sqlite, _) = try freshLedger()
        let postgres = try LedgerDatabase(path: try migratedPostgres().address)
        for ledger in [sqlite, postgres] {
            let r = RegisterImporter(ledger: ledger, knownClients: ["C0013", "C0014", "C0025"]).importFile(at: file)
            #expect(r.status == .imported && r.rows == 40, "\(r)")
            // Again: unchanged, nothing written twice.
            #expect(
                RegisterImporter(ledger: ledger, knownClients: ["C0013", "C0014", "C0025"]).importFile(at: file)
                    .status == .unchanged)
        }
        let onSQLite = try sqlite.engine.read { try $0.fetch(Self.columns, []) }
        let onPostgres = try postgres.engine.read { try $0.fetch(Self.columns, []) }
        #expect(onSQLite.count == 40)
        #expect(onPostgres == onSQLite)
        #expect(onPostgres.contains { $0.contains(.text(hostile)) })
        #expect(onPostgres.contains { $0[6] == .null && $0[7] == .null })
    }

    /// A generated month of `sites` sites and 6 clients: its clients and its register files, in name order.
    static func registerFiles(_ name: String, sites siteCount: Int, month: String, seed: UInt64) throws
        -> (clients: [DemoClient], files: [URL])
    {
        let dir = Repository.temporaryDirectory(name)
        let sites = DemoGenerator.sites(count: siteCount)
        let clients = DemoGenerator.clients(count: 6, sites: sites, seed: seed)
        let period = try #require(Period(parsing: month))
        _ = try DemoGenerator(clients: clients, sites: sites, month: period, seed: seed).write(to: dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("PIE_") }
            .sorted().map { dir.appendingPathComponent($0) }
        return (clients, files)
    }

    @Test func aMonthOfFilesImportsTheSameRowsOnBothEngines() throws {
        let (clients, files) = try Self.registerFiles("copy-import-month", sites: 2, month: "2026-10", seed: 3)
        let (sqlite, _) = try freshLedger()
        let postgres = try LedgerDatabase(path: try migratedPostgres().address)
        var rows: [Int] = []
        for ledger in [sqlite, postgres] {
            let results = Importer(ledger: ledger, knownClients: Set(clients.map(\.code))).importPaths(files)
            #expect(results.allSatisfy { $0.status == .imported }, "\(results.filter { $0.status != .imported })")
            rows.append(results.reduce(0) { $0 + $1.rows })
        }
        #expect(rows[0] > 1_000 && rows[0] == rows[1])
        let sums = """
            SELECT COUNT(*), SUM(amount), SUM(employer_share), SUM(quantity), COUNT(badge), COUNT(client),
              SUM(LENGTH(label)) FROM ticket_line
            """
        let onSQLite = try sqlite.engine.read { try $0.fetch(sums, []) }
        #expect(try postgres.engine.read { try $0.fetch(sums, []) } == onSQLite)
    }

    /// The import's COPY waits for an async task of the driver: it must finish whatever thread calls it. Here
    /// more tasks than the machine has cores (the width of Swift's cooperative pool) each block their thread of
    /// that pool on a synchronous import into the same PostgreSQL database (three connections, so the tasks also
    /// queue on each connection's lock): a COPY whose task needed a thread of the pool would wait forever, as it
    /// did. Every file is imported, and the rows are the rows SQLite stores from the same files.
    @Test func importsBlockingEveryThreadOfTheCooperativePoolFinishWithSQLitesRows() async throws {
        let (clients, files) = try Self.registerFiles("copy-import-concurrent", sites: 3, month: "2026-11", seed: 5)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(files.count > cores, "\(files.count) files for \(cores) cores")
        let known = Set(clients.map(\.code))
        let address = try migratedPostgres().address
        let connections = try (0..<3).map { _ in try LedgerDatabase(path: address) }
        let results = await withTaskGroup(of: ImportResult.self) { group in
            for (i, file) in files.enumerated() {
                let ledger = connections[i % connections.count]
                group.addTask { RegisterImporter(ledger: ledger, knownClients: known).importFile(at: file) }
            }
            var results: [ImportResult] = []
            for await r in group { results.append(r) }
            return results
        }
        #expect(results.count == files.count)
        #expect(results.allSatisfy { $0.status == .imported }, "\(results.filter { $0.status != .imported })")

        let sqlite = try freshLedger(on: .sqlite)
        let importer = RegisterImporter(ledger: sqlite, knownClients: known)
        for file in files { #expect(importer.importFile(at: file).status == .imported) }
        let lines = """
            SELECT f.name, t.line, t.ticket, t.site, t.register, t.day, t.time, t.badge, t.client, t.category,
              t.activity, t.article, t.label, t.quantity, t.unit_price, t.vat_rate, t.amount, t.employer_share
            FROM ticket_line t JOIN imported_file f ON f.id = t.file_id ORDER BY f.name, t.line
            """
        let onSQLite = try sqlite.engine.read { try $0.fetch(lines, []) }
        let onPostgres = try connections[0].engine.read { try $0.fetch(lines, []) }
        #expect(onSQLite.count > 1_000)
        #expect(onPostgres == onSQLite)
    }
}
