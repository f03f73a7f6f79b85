import Foundation
import Imports
@testable import Ledger
import Testing

/// The checks the kill campaigns run after each kill (`ardoise-dev bench faults`).
@Suite struct CrashConsistencyTests {
    @Test(arguments: testEngines)
    func aWholeImportIsConsistentAndAHalfImportedFileIsNamed(_ kind: SQLEngineKind) throws {
        let ledger = try freshLedger(on: kind)
        let result = RegisterImporter(ledger: ledger).importFile(
            at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
        #expect(result.status == .imported)
        let clean = try ledger.crashConsistency()
        #expect(clean.breaks == [])
        #expect(clean.fingerprint["imported files"] == 1)
        #expect(clean.fingerprint["ticket lines"] == Int64(result.rows))
        // What an import stopped halfway would leave were it not one transaction: a file row never finished, its lines missing.
        try ledger.engine.write { db in
            try db.execute(
                sql: """
                    INSERT INTO imported_file (name, kind, version, sha256, size, imported_at, status, site, day, row_count, rejected_count, warning_count)
                    VALUES ('PIE_LD01_20261006.csv', 'registers', 1, ?, 0, '2026-10-06T00:00:00Z', 'imported', 'LD01', 1, 3, 0, 0)
                    """, arguments: [String(repeating: "0", count: 64)])
        }
        #expect(
            try ledger.crashConsistency().breaks == [
                "PIE_LD01_20261006.csv (version 1) is half-imported: its hash was never written",
                "PIE_LD01_20261006.csv (version 1) is half-imported: 3 rows recorded, 0 ticket lines stored"
            ])
    }
}
