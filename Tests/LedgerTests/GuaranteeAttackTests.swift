import Foundation
import GRDB
import Ledger
import Testing
import TestSupport

/// The attacks of `GuaranteeAttacks` on a SQLite ledger file, through a connection opened as
/// `sqlite3` opens one (foreign keys off, no recursive triggers): the triggers alone refuse.
@Suite(.sqliteOnly) struct GuaranteeAttackTests {
    /// A migrated ledger with the attack scene written on it, and a raw connection to its file.
    static func sqliteScene() throws -> DatabaseQueue {
        let (ledger, dir) = try freshLedger()
        _ = ledger
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(
            path: dir.appendingPathComponent("ardoise.sqlite").path, configuration: configuration)
        try queue.inDatabase { db in
            try db.inTransaction {
                for sql in GuaranteeAttacks.scene(.sqlite) { try db.execute(sql: sql) }
                return .commit
            }
        }
        return queue
    }

    /// Runs `statements` in one transaction, always rolled back; where the first failure was.
    static func run(_ statements: [String], on queue: DatabaseQueue, keep: Bool = false) throws -> (
        failedAt: Int?, message: String
    ) {
        var outcome: (Int?, String) = (nil, "")
        try queue.inDatabase { db in
            try db.inTransaction {
                for (i, sql) in statements.enumerated() {
                    do { try db.execute(sql: sql) } catch let error as DatabaseError {
                        outcome = (i, error.message ?? "\(error)")
                        return .rollback
                    }
                }
                return keep ? .commit : .rollback
            }
        }
        return outcome
    }

    @Test func everyAttackIsRefusedByTheDatabase() throws {
        let queue = try Self.sqliteScene()
        var outcomes: [AttackOutcome] = []
        for attack in GuaranteeAttacks.all {
            if let reason = attack.sqliteDetectsOnly {
                print("SQLite detects, does not refuse: \(attack.name): \(reason)")
                continue
            }
            let statements = attack.statements(.sqlite)
            let r = try Self.run(statements, on: queue)
            outcomes.append(
                AttackOutcome(
                    name: attack.name, statements: statements.count, refusedAt: r.failedAt, message: r.message))
        }
        for o in outcomes { #expect(o.refused, "\(o)") }
        print(
            "SQLite: \(outcomes.filter(\.refused).count) of \(outcomes.count) attacks refused, \(GuaranteeAttacks.all.count - outcomes.count) detected only"
        )
    }

    @Test func theLegitimatePathStillIssuesAfterTheAttacks() throws {
        let queue = try Self.sqliteScene()
        for attack in GuaranteeAttacks.all { _ = try Self.run(attack.statements(.sqlite), on: queue) }
        let r = try Self.run(GuaranteeAttacks.legitimateIssue, on: queue, keep: true)
        #expect(r.failedAt == nil, "\(r.message)")
        let issued = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT number FROM invoice WHERE status = 'issued' ORDER BY number")
        }
        #expect(issued == ["FA-000001", "FA-000002"])
    }
}
