import Foundation
import GRDB
import Ledger
import Testing
import TestSupport

/// `ardoise migrate` through the real binary: a billed, validated, closed month copied from SQLite into a
/// database of the private PostgreSQL server, the same documents, entries and chains read back there; refused,
/// nothing written, into a database that is not empty or already migrated, from a source that is not a ledger
/// or has another schema history, and on wrong arguments.
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
struct MigrateCommandTests {
    /// The main job done once on SQLite (init, import, bill, validate, entries, close 2026-10), copied per test.
    private static let billedMonth: Result<URL, HarnessError> = {
        do {
            let (sqlite, _, _) = try PostgresMainJobTests.workspaces()
            let job = try PostgresMainJobTests.mainJob(in: sqlite)
            guard job.steps["verify"]?.status == 0, !job.documents.isEmpty else {
                return .failure(HarnessError("the main job failed: \(job.steps)"))
            }
            return .success(sqlite)
        } catch {
            return .failure(HarnessError("\(error)"))
        }
    }()

    /// A copy of the billed month's workspace, and a new empty database of the server.
    static func source() throws -> (ws: URL, ledger: String, address: String) {
        let ws = Repository.temporaryDirectory("ardoise-migrate")
        try FileManager.default.removeItem(at: ws)
        try FileManager.default.copyItem(at: try billedMonth.get(), to: ws)
        let address = try PostgresServer.require().createDatabase("migrate")
        return (ws, ws.appendingPathComponent("ardoise.sqlite").path, address)
    }

    /// A copy of `ws` whose ardoise.yaml names `address`.
    static func workspace(_ ws: URL, on address: String) throws -> URL {
        let copy = ws.deletingLastPathComponent().appendingPathComponent(ws.lastPathComponent + "-postgres")
        try FileManager.default.copyItem(at: ws, to: copy)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(at: copy.appendingPathComponent("ardoise.sqlite" + suffix))
        }
        let config = copy.appendingPathComponent("ardoise.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        guard text.contains("database: ardoise.sqlite") else { throw HarnessError("no database line in \(config)") }
        try text.replacingOccurrences(of: "database: ardoise.sqlite", with: "database: \(address)")
            .write(to: config, atomically: true, encoding: .utf8)
        return copy
    }

    static func psql(_ address: String, _ sql: String) throws -> (status: Int32, output: String) {
        try PostgresServer.require().psql(String(address.split(separator: "/").last ?? ""), sql)
    }

    @Test func aBilledValidatedClosedMonthIsCopiedWholeAndReadsTheSame() throws {
        let (ws, ledger, address) = try Self.source()
        let migrated = try Executable.run(["migrate", "--from", "sqlite:\(ledger)", "--to", address], in: ws)
        #expect(migrated.status == 0, "\(migrated)")
        #expect(migrated.stdout.contains("migrated sqlite:\(ledger) to \(address)"), "\(migrated)")
        for table in ["ticket_line", "invoice", "issued_document", "journal_entry", "audit_log", "closed_month"] {
            let row = migrated.stdout.split(separator: "\n").first { $0.hasPrefix(table + " ") }
            let counts = row.map { $0.split(separator: " ").dropFirst().map(String.init) } ?? []
            #expect(counts.count == 2 && counts[0] == counts[1] && counts[0] != "0", "\(table): \(migrated)")
        }
        #expect(!migrated.stdout.contains("DIFFERS"), "\(migrated)")
        #expect(migrated.stdout.contains("(the source's)"), "\(migrated)")
        #expect(migrated.stdout.contains("intact: every chain"), "\(migrated)")

        // The target read through the commands says what the source says.
        let target = try Self.workspace(ws, on: address)
        for command in [
            ["verify"], ["invoices", "list", "--format", "json"],
            ["entries", "export", "--period", "2026-10", "--format", "csv", "--output", "-"]
        ] {
            let s = try Executable.run(command, in: ws), p = try Executable.run(command, in: target)
            #expect(s.status == 0, "\(s)")
            #expect(p.status == s.status && p.stdout == s.stdout, "\(command): on PostgreSQL \(p)\non SQLite \(s)")
        }
        // The guarantees are on again: an issued document, a closed month and the audit log refuse changes.
        for (sql, refusal) in [
            ("UPDATE invoice SET total_ht = 0 WHERE status = 'issued'", "an issued invoice never changes"),
            ("DELETE FROM closed_month", "a closed month is never reopened"),
            ("UPDATE audit_log SET actor = 'someone'", "the audit log is append-only")
        ] {
            let r = try Self.psql(address, sql)
            #expect(r.status != 0 && r.output.contains(refusal), "\(sql): \(r.output)")
        }
        // And the ledger goes on from where it was: new ids, the next number, the chains extended.
        let manual = try Executable.run(
            ["manual", "--client", "C0001", "--line", "Frais de dossier|1|10.00|20", "--reason", "after migrate"],
            in: target)
        #expect(manual.status == 0, "\(manual)")
        let id = try #require(manual.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        let validated = try Executable.run(["validate", id], in: target)
        #expect(validated.status == 0, "\(validated)")
        let verify = try Executable.run(["verify"], in: target)
        #expect(verify.status == 0 && verify.stdout.contains("intact"), "\(verify)")
    }

    @Test func refusedTwiceAndIntoADatabaseThatIsNotEmpty() throws {
        let (ws, ledger, address) = try Self.source()
        let arguments = ["migrate", "--from", "sqlite:\(ledger)", "--to", address]
        #expect(try Executable.run(arguments, in: ws).status == 0)
        let rows = try Self.psql(address, "SELECT COUNT(*) FROM ticket_line").output
        let again = try Executable.run(arguments, in: ws)
        #expect(again.status == 2, "\(again)")
        #expect(again.stderr.contains("already migrated") && again.stderr.contains("nothing done"), "\(again)")
        #expect(try Self.psql(address, "SELECT COUNT(*) FROM ticket_line").output == rows)

        // A database holding other tables: refused, left as it was, no ledger made in it.
        let other = try PostgresServer.require().createDatabase("other")
        #expect(try Self.psql(other, "CREATE TABLE notes (x BIGINT); INSERT INTO notes VALUES (1)").status == 0)
        let intoOther = try Executable.run(["migrate", "--from", "sqlite:\(ledger)", "--to", other], in: ws)
        #expect(intoOther.status == 2, "\(intoOther)")
        #expect(intoOther.stderr.contains("is not empty") && intoOther.stderr.contains("`notes`"), "\(intoOther)")
        #expect(try Self.psql(other, "SELECT to_regclass('invoice') IS NULL, COUNT(*) FROM notes").output == "t|1\n")

        // A database where `ardoise init` made a ledger: not empty either.
        let initialised = try PostgresServer.require().createDatabase("init")
        let fresh = try Self.workspace(ws, on: initialised)
        #expect(try Executable.run(["init"], in: fresh).status == 0)
        let intoLedger = try Executable.run(["migrate", "--from", "sqlite:\(ledger)", "--to", initialised], in: ws)
        #expect(intoLedger.status == 2, "\(intoLedger)")
        #expect(intoLedger.stderr.contains("is not empty: its ledger has rows in"), "\(intoLedger)")
        #expect(try Self.psql(initialised, "SELECT COUNT(*) FROM invoice").output == "0\n")
    }

    @Test func sourcesThatAreNoLedgerOrOfAnotherHistoryAreRefused() throws {
        let dir = Repository.temporaryDirectory("ardoise-migrate-sources")
        let address = try PostgresServer.require().createDatabase("sources")
        func migrate(_ path: String) throws -> Execution {
            try Executable.run(["migrate", "--from", "sqlite:\(path)", "--to", address], in: dir)
        }
        let missing = try migrate(dir.appendingPathComponent("nope.sqlite").path)
        #expect(missing.status == 2 && missing.stderr.contains("no ledger at"), "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nope.sqlite").path))
        let text = dir.appendingPathComponent("notes.txt")
        try "not a database\n".write(to: text, atomically: true, encoding: .utf8)
        let notLedger = try migrate(text.path)
        #expect(notLedger.status == 2 && notLedger.stderr.contains("is not a ledger"), "\(notLedger)")
        let other = dir.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
        let otherDatabase = try migrate(other)
        #expect(otherDatabase.status == 2 && otherDatabase.stderr.contains("not a ledger"), "\(otherDatabase)")
        // A ledger one migration behind this ardoise.
        let older = dir.appendingPathComponent("older.sqlite").path
        let last = try #require(try LedgerDatabase(path: older).appliedMigrations().last)
        try DatabaseQueue(path: older).write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last])
        }
        let behind = try migrate(older)
        #expect(behind.status == 2, "\(behind)")
        #expect(behind.stderr.contains("the schema histories differ") && behind.stderr.contains(last), "\(behind)")
        // Nothing was written to the target by any of them.
        #expect(try Self.psql(address, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'").output == "0\n")
    }

    @Test func wrongArgumentsAreRefusedAndThePasswordNeverPrinted() throws {
        let dir = Repository.temporaryDirectory("ardoise-migrate-arguments")
        for arguments in [
            ["migrate"], ["migrate", "--from", "sqlite:a.sqlite"], ["migrate", "--to", "postgres://u@h:5432/d"],
            ["migrate", "--from", "a.sqlite", "--to", "postgres://u@h:5432/d"],
            ["migrate", "--from", "sqlite:a.sqlite", "--to", "mysql://u@h/d"],
            ["migrate", "--from", "sqlite:a.sqlite", "--to", "postgres://u@h:5432/"],
            ["migrate", "--from", "sqlite:a.sqlite", "--to", "postgres://u@h:5432/d", "--password-file", "nope"]
        ] {
            let r = try Executable.run(arguments, in: dir)
            #expect(r.status == 2, "\(r)")
        }
        let withPassword = try Executable.run(
            ["migrate", "--from", "sqlite:a.sqlite", "--to", "postgres://u:hunter2@h:5432/d"], in: dir)
        #expect(withPassword.status == 2, "\(withPassword)")
        #expect(withPassword.stderr.contains("holds a password"), "\(withPassword)")
        #expect(!(withPassword.stdout + withPassword.stderr).contains("hunter2"), "\(withPassword)")
    }
}
