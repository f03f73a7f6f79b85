import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

/// A register file's revenue hashed once for every client in it gives each client's hash as asking for that
/// client alone does: the hashes issuing records, and that `verify` compares, do not depend on the way.
@Suite struct RevenueFileHashesTests {
    @Test(arguments: testEngines)
    func everyClientsHashOfAFileIsTheHashOfThatClientAlone(on kind: SQLEngineKind) throws {
        let ledger = try freshLedger(on: kind)
        let result = RegisterImporter(ledger: ledger).importFile(
            at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
        #expect(result.status == .imported, "\(result)")
        let file = try #require(result.fileID)
        let billedLines = try count(ledger, "SELECT COUNT(*) FROM ticket_line WHERE client IS NOT NULL")
        try ledger.engine.read { db in
            let all = try RevenueFileHashes.hashEveryClient(of: file, db)
            let wanted = try db.fetchAll(
                sql: "SELECT DISTINCT site, day, client FROM ticket_line WHERE file_id = ? AND client IS NOT NULL",
                arguments: [file]
            ).map { try LedgerGuards.RevenueWanted(site: $0[0], day: $0[1], client: $0[2]) }
            #expect(wanted.count >= 3, "the sample bills several clients")
            #expect(Set(all.keys) == Set(wanted))
            var lines = 0
            for w in wanted {
                let alone = try LedgerGuards.revenueHash(db, fileID: file, site: w.site, day: w.day, client: w.client)
                #expect(all[w]?.lines == alone.lines && all[w]?.hash == alone.hash, "\(w)")
                lines += alone.lines
            }
            #expect(lines == billedLines)
            // A client with no line in the file: the hash of no line, as asked alone.
            let none = try LedgerGuards.revenueHash(db, fileID: file, site: "LD01", day: wanted[0].day, client: "C9999")
            #expect(none.lines == 0 && none.hash == RevenueFileHashes.noLines)
            // Asked again through a run's memo: the same figures.
            let run = RevenueFileHashes()
            let first = try run.hashes(of: file, db), again = try run.hashes(of: file, db)
            #expect(
                first.mapValues(\.hash) == all.mapValues(\.hash) && again.mapValues(\.hash) == all.mapValues(\.hash))
        }
    }

    /// PostgreSQL hashes the revenue itself (`sha256` of the same text), SQLite's lines are hashed in Swift: the same
    /// file gives every client the same hash on both engines, accented labels included.
    @Test(.enabled(if: testEngines.count > 1)) func bothEnginesHashAFilesRevenueAlike() throws {
        var byEngine: [SQLEngineKind: [String: String]] = [:]
        for kind in testEngines {
            let ledger = try freshLedger(on: kind)
            let result = RegisterImporter(ledger: ledger).importFile(
                at: samples.appendingPathComponent("PIE_LD01_20261005.csv"))
            let file = try #require(result.fileID)
            byEngine[kind] = try ledger.engine.read { db in
                var out: [String: String] = [:]
                for (w, h) in try RevenueFileHashes.hashEveryClient(of: file, db) {
                    out["\(w.site) \(w.day) \(w.client)"] = "\(h.lines) \(h.hash)"
                    let alone = try LedgerGuards.revenueHash(
                        db, fileID: file, site: w.site, day: w.day, client: w.client)
                    #expect(alone.hash == h.hash, "\(kind) \(w)")
                }
                return out
            }
        }
        let labels = try String(contentsOf: samples.appendingPathComponent("PIE_LD01_20261005.csv"), encoding: .utf8)
        #expect(labels.unicodeScalars.contains { $0.value > 0x7F }, "the sample has accented labels")
        #expect(byEngine[.sqlite]?.isEmpty == false)
        #expect(byEngine[.sqlite] == byEngine[.postgres])
    }
}
