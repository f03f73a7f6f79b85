import Foundation
@testable import Ledger
import TestSupport
import Testing

/// The number the web app keeps its pages under (`LedgerChanges`) moves with every commit that wrote, made through
/// any connection to the ledger (another `ardoise serve`, the scheduler, a command), and only then.
@Suite struct LedgerChangesTests {
    /// The ledger at `address` opened twice: as the server that keeps pages, and as another process writing.
    static func check(address: String) throws {
        let served = try LedgerDatabase(path: address)
        let other = try LedgerDatabase(path: address)
        let changes = try served.changes()
        let start = try changes.version()
        _ = try other.invoices()
        _ = try served.engine.read { s in try s.fetchValue(Int64.self, sql: "SELECT COUNT(*) FROM invoice") }
        #expect(try changes.version() == start, "reads move nothing")

        // A write by the other connection is seen with its new number, never the number without the write.
        try other.engine.write { s in
            try s.execute(sql: "INSERT INTO number_series (code, last_number) VALUES ('FA', 0)")
        }
        let written = try changes.version()
        #expect(written != start)
        #expect(
            try served.engine.read { s in
                try s.fetchValue(Int64.self, sql: "SELECT COUNT(*) FROM number_series WHERE code = 'FA'")
            } == 1)
        #expect(try changes.version() == written, "nothing since")

        // A transaction rolled back leaves the number as it was.
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try other.engine.write { s in
                try s.execute(sql: "UPDATE number_series SET last_number = 1 WHERE code = 'FA'")
                throw Abandon()
            }
        }
        #expect(try changes.version() == written)

        // The served ledger's own writes move it too.
        try served.engine.write { s in
            try s.execute(sql: "UPDATE number_series SET last_number = 1 WHERE code = 'FA'")
        }
        #expect(try changes.version() != written)
    }

    @Test func aCommitByAnotherConnectionMovesTheNumberOnThisRunsEngine() throws {
        try Self.check(address: try TestEngine.newLedgerAddress(in: Repository.temporaryDirectory("ledger-changes")))
    }

    @Test(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
    func aCommitByAnotherConnectionMovesTheNumberOnPostgreSQL() throws {
        try Self.check(address: try PostgresServer.require().createDatabase("changes"))
    }
}
