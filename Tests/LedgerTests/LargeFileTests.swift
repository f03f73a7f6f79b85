import BillingModel
import Demo
import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

@Suite struct LargeFileTests {
    func sha256sum(_ url: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: out, as: UTF8.self).prefix(64))
    }

    @Test func contentHashesAreSHA256() throws {
        let (ledger, _) = try freshLedger()
        let importer = Importer(ledger: ledger)
        for name in ["PIE_LD01_20261005.csv", "EVT_20261014.jsonl"] {
            let url = samples.appendingPathComponent(name)
            let result = importer.importFile(at: url)
            let stored = try ledger.engine.read { db in
                try db.fetchValue(
                    String.self, sql: "SELECT sha256 FROM imported_file WHERE id = ?", arguments: [result.fileID])
            }
            #expect(stored == (try sha256sum(url)))
        }
    }

    /// A file of several chunks: records straddle chunk boundaries, the hash
    /// spans reads of odd sizes.
    @Test func aFileLargerThanOneChunkIsReadWhole() throws {
        let day = Day(year: 2026, month: 10, day: 7) ?? Day(ordinal: 0)
        var generator = DemoGenerator(
            clients: DemoGenerator.clients(count: 10, sites: ["LD01"]), sites: ["LD01"],
            month: Period.month(of: day), seed: 5)
        generator.ticketsPerSiteDay = 12_000
        let rows = generator.registerRows(site: "LD01", day: day)
        let dir = Repository.temporaryDirectory("large")
        let url = dir.appendingPathComponent("PIE_LD01_20261007.csv")
        try Data(DemoGenerator.csv(rows)).write(to: url)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(size > 3 << 20)
        let (ledger, _) = try freshLedger()
        let result = RegisterImporter(ledger: ledger).importFile(at: url)
        #expect(result.status == .imported)
        #expect(result.rows == rows.count)
        #expect(result.rejected.isEmpty)
        #expect(
            try count(ledger, "SELECT SUM(amount) FROM ticket_line") == Int(rows.reduce(Int64(0)) { $0 + $1.amount }))
        #expect(try count(ledger, "SELECT MAX(line) FROM ticket_line") == rows.count + 1)
        let stored = try ledger.engine.read { db in
            try db.fetchValue(String.self, sql: "SELECT sha256 FROM imported_file")
        }
        #expect(stored == (try sha256sum(url)))
        #expect(RegisterImporter(ledger: ledger).importFile(at: url).status == .unchanged)
    }
}
