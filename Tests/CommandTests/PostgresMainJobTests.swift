import Foundation
import Ledger
import Testing
import TestSupport

/// The README's main job (init, import a month, bill, validate, post the entries, close, verify) run through the
/// real `ardoise` binary on a PostgreSQL ledger (`database: postgres://…` in ardoise.yaml) and on the SQLite
/// default, from the same generated workspace: both issue the same documents, numbers and totals.
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
struct PostgresMainJobTests {
    /// One generated month (2 sites, 12 clients), copied for each engine.
    static func workspaces() throws -> (sqlite: URL, postgres: URL, address: String) {
        let root = Repository.temporaryDirectory("ardoise-main-job")
        let generate = try Executable.run(
            ["demo", "generate", "--out", "ws", "--sites", "2", "--clients", "12"], in: root, tool: .ardoiseDev)
        guard generate.status == 0 else { throw HarnessError("demo generate failed: \(generate)") }
        let sqlite = root.appendingPathComponent("ws")
        let postgres = root.appendingPathComponent("ws-postgres")
        try FileManager.default.copyItem(at: sqlite, to: postgres)
        let address = try PostgresServer.require().createDatabase("mainjob")
        let config = postgres.appendingPathComponent("ardoise.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        guard text.contains("database: ardoise.sqlite") else {
            throw HarnessError("no `database:` line in \(config.path)")
        }
        try text.replacingOccurrences(of: "database: ardoise.sqlite", with: "database: \(address)")
            .write(to: config, atomically: true, encoding: .utf8)
        return (sqlite, postgres, address)
    }

    /// The main job in `ws`; the issued documents as `number client HT TTC` lines and each step's output.
    static func mainJob(in ws: URL) throws -> (documents: [String], steps: [String: Execution]) {
        var steps: [String: Execution] = [:]
        let date = ["--date", "2026-11-02"]
        for (name, arguments) in [
            ("init", ["init"]), ("import", ["import"]), ("bill", ["bill", "--period", "2026-10"] + date),
            ("validate", ["validate", "--all", "--period", "2026-10"] + date), ("entries", ["entries", "post"]),
            ("close", ["close", "2026-10", "--force", "--reason", "no e-mail in a test"] + date),
            ("verify", ["verify"])
        ] {
            steps[name] = try Executable.run(arguments, in: ws)
        }
        let list = try Executable.run(["invoices", "list", "--status", "issued", "--format", "json"], in: ws)
        steps["list"] = list
        guard let data = list.stdout.data(using: .utf8),
            let documents = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else {
            return ([], steps)
        }
        let lines = documents.map { d in
            ["number", "client", "total_ht", "total_ttc", "issue_date"].map { "\(d[$0] ?? "-")" }.joined(separator: " ")
        }
        return (lines.sorted(), steps)
    }

    @Test func theMainJobIssuesTheSameDocumentsOnPostgreSQLAsOnSQLite() throws {
        let (sqlite, postgres, address) = try Self.workspaces()
        let onSQLite = try Self.mainJob(in: sqlite)
        let onPostgres = try Self.mainJob(in: postgres)
        for step in ["init", "import", "bill", "validate", "entries", "close", "verify", "list"] {
            let s = try #require(onSQLite.steps[step]), p = try #require(onPostgres.steps[step])
            #expect(p.status == s.status, "\(step) on PostgreSQL: \(p)\non SQLite: \(s)")
            #expect(!p.output.contains("does not run on a PostgreSQL ledger"), "\(step): \(p)")
        }
        #expect(!onSQLite.documents.isEmpty)
        #expect(onPostgres.documents == onSQLite.documents)
        // Nothing of the ledger is in the workspace folder: it is in the database, and its password is never printed.
        #expect(!FileManager.default.fileExists(atPath: postgres.appendingPathComponent("ardoise.sqlite").path))
        #expect(
            onPostgres.steps["init"]?.output.contains(address.replacingOccurrences(of: "postgres://", with: ""))
                ?? false)
    }

    @Test func anEmptyPostgreSQLDatabaseIsNoLedgerUntilInit() throws {
        let (_, postgres, _) = try Self.workspaces()
        let imported = try Executable.run(["import"], in: postgres)
        #expect(imported.status == 2, "\(imported)")
        #expect(imported.output.contains("no ledger at"), "\(imported)")
        #expect(try Executable.run(["init"], in: postgres).status == 0)
        let again = try Executable.run(["init"], in: postgres)
        #expect(again.status == 2, "\(again)")
        #expect(again.output.contains("already"), "\(again)")
    }

    @Test func theDailyRunsLockIsTheDatabasesOnPostgreSQL() throws {
        let (_, postgres, address) = try Self.workspaces()
        expectRuns(try Executable.run(["init"], in: postgres))
        // Another scheduler (here this test process, as another machine would) holds the database's lock.
        var other: DatabaseRunLock? = try #require(try DatabaseRunLock(address: address))
        let refused = try Executable.run(["run", "--date", "2026-11-02", "--no-send"], in: postgres)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.output.contains("holds the lock of the database"), "\(refused)")
        #expect(!refused.output.contains("imported"), "\(refused)")
        #expect(try DatabaseRunLock(address: address) == nil, "the lock is held once")
        other = nil
        _ = other
        // Released: the next run takes it (the run's own outcome aside, it is not refused for the lock).
        let ran = try Executable.run(["run", "--date", "2026-11-02", "--no-send"], in: postgres)
        #expect(!ran.output.contains("holds the lock"), "\(ran)")
        #expect(try DatabaseRunLock(address: address) != nil, "released when the run ended")
    }

    @Test func aPasswordInTheAddressIsRefusedInTheConfiguration() throws {
        let (_, postgres, address) = try Self.workspaces()
        let config = postgres.appendingPathComponent("ardoise.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        let withPassword = address.replacingOccurrences(of: "ardoise@", with: "ardoise:hunter2@")
        try text.replacingOccurrences(of: address, with: withPassword).write(
            to: config, atomically: true, encoding: .utf8)
        let r = try Executable.run(["init"], in: postgres)
        #expect(r.status == 2, "\(r)")
        #expect(r.output.contains("holds a password"), "\(r)")
        #expect(!r.output.contains("hunter2"), "\(r)")
    }
}

private extension Execution {
    var output: String { stdout + stderr }
}
