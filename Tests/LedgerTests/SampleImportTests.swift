import BillingModel
import Foundation
import GRDB
import Imports
import Ledger
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
        let label = try ledger.pool.read { db in
            try String.fetchOne(db, sql: "SELECT label FROM ticket_line WHERE line = 11")
        }
        #expect(label == "Formule entrée; plat")
        let again = importer.importFile(at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
        #expect(again.status == .unchanged)
        #expect(again.rows == 40)
        #expect(try count(ledger, "SELECT COUNT(*) FROM ticket_line") == 40)
    }
}
