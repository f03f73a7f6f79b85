import Foundation
import GRDB
@testable import Ledger
import TestSupport
import Testing

/// A PostgreSQL engine on a new, migrated database of this test process's server.
func migratedPostgres() throws -> (engine: PostgresEngine, address: String) {
    let address = try PostgresServer.require().createDatabase()
    let location = try #require(PostgresLocation(address))
    let engine = try PostgresEngine(location)
    try engine.migrate()
    return (engine, address)
}

/// Runs `statements` in one transaction of `engine`, rolled back unless `keep`; where the first failure was.
func runStatements(_ statements: [String], on engine: any SQLEngine, keep: Bool = false) -> (
    failedAt: Int?, message: String
) {
    struct Rollback: Error {}
    var failedAt: Int?
    var message = ""
    do {
        try engine.transaction { s in
            for (i, sql) in statements.enumerated() {
                do { try s.execute(sql, []) } catch {
                    failedAt = i
                    message = "\(error)"
                    throw error
                }
            }
            if !keep { throw Rollback() }
        }
    } catch {}
    return (failedAt, message)
}

/// One schema history for both engines: the same names, in the same order.
@Suite struct SchemaHistoryTests {
    @Test func postgreSQLHasEveryNamedMigrationOfSQLiteInTheSameOrder() {
        let postgres = PostgresSchema.migrations(lineBasisKinds: []).map(\.name)
        #expect(postgres == Schema.migrator.migrations)
    }

    @Test func placeholdersAreNumberedOutsideQuotesAndBodies() {
        #expect(SQLPlaceholders.numbered("SELECT '?', \"a?\", ? -- ?\n, ?") == "SELECT '?', \"a?\", $1 -- ?\n, $2")
        #expect(SQLPlaceholders.numbered("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1")
        #expect(
            SQLPlaceholders.numbered("DO $$ BEGIN PERFORM '?'; END $$; SELECT ?")
                == "DO $$ BEGIN PERFORM '?'; END $$; SELECT $1")
        #expect(SQLPlaceholders.numbered("SELECT $1, $tag$ ? $tag$, ?") == "SELECT $1, $tag$ ? $tag$, $1")
    }

    @Test func addressesOfPostgreSQLLedgers() {
        let l = PostgresLocation("postgres://ardoise:secret@db.example:6543/ledger", environment: [:])
        #expect(
            l
                == PostgresLocation(
                    host: "db.example", port: 6543, user: "ardoise", password: "secret", database: "ledger"))
        #expect(l?.description == "postgres://ardoise@db.example:6543/ledger")
        #expect(
            PostgresLocation("postgres://ardoise@localhost/ledger", environment: ["PGPASSWORD": "env"])?.password
                == "env")
        #expect(PostgresLocation("postgres://localhost/ledger", environment: [:]) == nil)
        #expect(PostgresLocation("sqlite:ardoise.sqlite", environment: [:]) == nil)
    }
}

@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
struct PostgresLedgerTests {
    @Test func migratesOnceAndRecordsTheNamesAsGRDBDoes() throws {
        let (engine, _) = try migratedPostgres()
        #expect(try engine.appliedMigrations() == Schema.migrator.migrations)
        #expect(try engine.migrate() == [])
        let names = try engine.transaction { s in
            try s.fetch("SELECT identifier FROM grdb_migrations ORDER BY identifier", [])
        }
        #expect(names.count == Schema.migrator.migrations.count)
    }

    /// A statement that failed aborts PostgreSQL's transaction, which then answers COMMIT with ROLLBACK and no error:
    /// a write whose failure was swallowed is reported as not written, never as done.
    @Test func aTransactionPostgreSQLRolledBackIsNeverReportedWritten() throws {
        let (engine, _) = try migratedPostgres()
        #expect(throws: SQLEngineError.self) {
            try engine.write { s in
                _ = try s.execute(
                    "INSERT INTO closed_month(month, closed_at, closed_by) VALUES ('2026-01', 'x', 'test')", [])
                _ = try? s.execute("SELECT 1 / 0", [])
            }
        }
        #expect(try engine.read { s in try s.fetchValue(Int64.self, sql: "SELECT COUNT(*) FROM closed_month") } == 0)
        try engine.write { s in _ = try s.execute("SELECT 1", []) }
    }

    @Test func everyAttackIsRefusedByTheDatabase() throws {
        let (engine, _) = try migratedPostgres()
        #expect(runStatements(GuaranteeAttacks.scene(.postgres), on: engine, keep: true).failedAt == nil)
        var outcomes: [AttackOutcome] = []
        for attack in GuaranteeAttacks.all {
            let statements = attack.statements(.postgres)
            let r = runStatements(statements, on: engine)
            outcomes.append(
                AttackOutcome(
                    name: attack.name, statements: statements.count, refusedAt: r.failedAt, message: r.message))
        }
        for o in outcomes { #expect(o.refused, "\(o)") }
        print("PostgreSQL: \(outcomes.filter(\.refused).count) of \(outcomes.count) attacks refused")
        let legit = runStatements(GuaranteeAttacks.legitimateIssue, on: engine, keep: true)
        #expect(legit.failedAt == nil, "\(legit.message)")
        let issued = try engine.transaction { s in
            try s.fetch("SELECT number FROM invoice WHERE status = 'issued' ORDER BY number", []).compactMap {
                $0.first?.text
            }
        }
        #expect(issued == ["FA-000001", "FA-000002"])
    }

    /// The same statements through the seam on both engines: bound values read back as written.
    @Test(arguments: [SQLEngineKind.sqlite, .postgres])
    func statementsBindAndReadBackTheSameValuesOnBothEngines(_ kind: SQLEngineKind) throws {
        let engine: any SQLEngine
        switch kind {
        case .sqlite: engine = try freshLedger(on: .sqlite).engine
        case .postgres: engine = try migratedPostgres().engine
        }
        let blob = kind == .sqlite ? "BLOB" : "BYTEA"
        try engine.transaction { s in
            try s.execute("CREATE TABLE probe (id BIGINT PRIMARY KEY, name TEXT, data \(blob), n BIGINT)", [])
            try s.execute(
                "INSERT INTO probe (id, name, data, n) VALUES (?, ?, ?, ?)",
                [.integer(1), .text("Café l'« ? »"), .bytes([0, 255, 1]), .null])
            try s.execute(
                "INSERT INTO probe (id, name, data, n) VALUES (?, ?, ?, ?)",
                [.integer(2), .text("?"), .bytes([7]), .integer(Int64.max)])
        }
        let rows = try engine.transaction { s in
            try s.fetch("SELECT id, name, data, n, '?' FROM probe WHERE id >= ? ORDER BY id", [.integer(1)])
        }
        #expect(
            rows == [
                [.integer(1), .text("Café l'« ? »"), .bytes([0, 255, 1]), .null, .text("?")],
                [.integer(2), .text("?"), .bytes([7]), .integer(Int64.max), .text("?")]
            ])
        // A sum of cents is a whole number on both (NUMERIC on PostgreSQL).
        let sum = try engine.transaction { s in try s.fetch("SELECT SUM(id) FROM probe", []) }
        #expect(sum == [[.integer(3)]])
        // A transaction that throws leaves nothing.
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try engine.transaction { s in
                try s.execute("INSERT INTO probe (id) VALUES (?)", [.integer(3)])
                throw Abandon()
            }
        }
        #expect(try engine.transaction { s in try s.fetch("SELECT COUNT(*) FROM probe", []) } == [[.integer(2)]])
        // The database's refusal reaches the caller in its own words.
        let refused = runStatements(["INSERT INTO number_series (code, last_number) VALUES ('FA', 5)"], on: engine)
        #expect(refused.message.contains("a number series is created once, at 0"), "\(refused.message)")
    }
}
