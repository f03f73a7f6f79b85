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
        let address = try TestEngine.usePostgres(in: postgres)
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

    /// Getting paid, reminding, the web app's users and the mail queue in `ws` after its month is billed and
    /// validated: each step's output (the workspace's folder written `$WS`) and exit code.
    static func moneyJob(in ws: URL, smtp: LoopbackSMTP?) throws -> [(step: String, status: Int32, output: String)] {
        if let smtp {
            try Data(
                "smtp:\n  host: 127.0.0.1\n  port: \(smtp.port)\n  starttls: false\n  from: facturation@serenest.fr\n"
                    .utf8
            ).write(to: ws.appendingPathComponent("smtp.yaml"))
            let config = ws.appendingPathComponent("ardoise.yaml")
            let text = try String(contentsOf: config, encoding: .utf8)
            try text.replacingOccurrences(of: "  - settings.yaml\n", with: "  - settings.yaml\n  - smtp.yaml\n")
                .write(to: config, atomically: true, encoding: .utf8)
        }
        var steps: [(String, [String], String?, Tool)] = [
            ("init", ["init"], nil, .ardoise), ("import", ["import"], nil, .ardoise),
            ("bill", ["bill", "--period", "2026-10", "--date", "2026-11-02"], nil, .ardoise),
            ("validate", ["validate", "--all", "--period", "2026-10", "--date", "2026-11-02"], nil, .ardoise),
            ("outbox queued", ["outbox", "list"], nil, .ardoise)
        ]
        if smtp != nil {
            steps += [
                ("outbox send", ["outbox", "send", "--date", "2026-11-02"], nil, .ardoise),
                ("outbox sent", ["outbox", "list"], nil, .ardoise)
            ]
        }
        let statement = ["payments", "import", "documents/releve-2026-11-20.xml", "--date", "2026-11-20"]
        steps += [
            ("statement", ["demo", "statement", "--date", "2026-11-20"], nil, .ardoiseDev),
            ("payments import", statement, nil, .ardoise), ("payments import again", statement, nil, .ardoise),
            ("payments list", ["payments", "list"], nil, .ardoise),
            ("unallocated", ["payments", "list", "--unallocated"], nil, .ardoise),
            ("receivables", ["receivables", "--as-of", "2026-12-31", "--invoices"], nil, .ardoise),
            ("pause", ["reminders", "pause", "C0002", "--reason", "litige"], nil, .ardoise),
            ("planned", ["reminders", "list", "--date", "2026-11-20", "--until", "2027-01-31"], nil, .ardoise),
            ("daily run", ["run", "--date", "2026-12-20", "--no-send"], nil, .ardoise),
            ("reminders queued", ["reminders", "list"], nil, .ardoise),
            ("resume", ["reminders", "resume", "C0002"], nil, .ardoise),
            (
                "add admin", ["users", "add", "marie", "--name", "Marie Martin", "--admin", "--password-stdin"],
                "a-long-password\n", .ardoise
            ),
            ("add user", ["users", "add", "paul", "--name", "Paul Durand"], nil, .ardoise),
            ("grant", ["users", "grant", "paul", "invoices", "read"], nil, .ardoise),
            ("scope", ["users", "scope", "paul", "--clients", "C0001,C0002"], nil, .ardoise),
            ("disable", ["users", "disable", "paul"], nil, .ardoise), ("users", ["users", "list"], nil, .ardoise),
            ("last admin", ["users", "disable", "marie"], nil, .ardoise)
        ]
        return try steps.map { name, arguments, input, tool in
            let r = try Executable.run(arguments, in: ws, input: input, tool: tool)
            // Instants are the clock's (a message queued at validation): the same shape on both engines. The daily
            // run's log lines (standard error) name the database and are left out: its report says the same.
            let output = (r.stdout + r.stderr).replacingOccurrences(of: ws.standardizedFileURL.path, with: "$WS")
                .replacingOccurrences(of: ws.path, with: "$WS")
                .replacing(#/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/#, with: "<instant>")
                .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("<instant> ") }
                .joined(separator: "\n")
            return (name, r.status, output)
        }
    }

    @Test func paymentsRemindersUsersAndTheMailQueueGiveTheSameResultsOnPostgreSQLAsOnSQLite() throws {
        let (sqlite, postgres, _) = try Self.workspaces()
        // A mail server for each (with aiosmtpd): the outbox is sent, one claim at a time, on both engines.
        var servers: (LoopbackSMTP, LoopbackSMTP)?
        if LoopbackSMTP.available { servers = (try LoopbackSMTP(mode: "accept"), try LoopbackSMTP(mode: "accept")) }
        defer {
            servers?.0.stop()
            servers?.1.stop()
        }
        let onSQLite = try Self.moneyJob(in: sqlite, smtp: servers?.0)
        let onPostgres = try Self.moneyJob(in: postgres, smtp: servers?.1)
        #expect(onPostgres.map(\.step) == onSQLite.map(\.step))
        for (s, p) in zip(onSQLite, onPostgres) {
            #expect(!p.output.contains("does not run on a PostgreSQL ledger"), "\(p.step): \(p.output)")
            #expect(p.status == s.status, "\(p.step) on PostgreSQL: \(p.output)\non SQLite: \(s.output)")
            // `init` names the ledger (a file, a database); every other output is the same.
            if s.step != "init" {
                #expect(p.output == s.output, "\(p.step) on PostgreSQL: \(p.output)\non SQLite: \(s.output)")
            }
        }
        let step = Dictionary(onSQLite.map { ($0.step, $0) }, uniquingKeysWith: { a, _ in a })
        // What the steps did, on SQLite (and so on PostgreSQL): a statement matched in part, its duplicate entry
        // skipped, reminders queued, users kept, the last administrator kept.
        #expect(step["payments import"]?.status == 1, "an unmatched credit: a person must look")
        #expect(step["payments import"]?.output.contains("[invoice number]") ?? false)
        #expect(step["payments import again"]?.output.contains("0 new (0 matched, 0 unmatched)") ?? false)
        #expect(
            step["reminders queued"]?.output.contains("reminder") ?? false, "\(step["reminders queued"] ?? ("", 0, ""))"
        )
        #expect(
            step["users"]?.output
                == "marie\tMarie Martin\tactive\tadmin\tall clients\npaul\tPaul Durand\tdisabled\tinvoices=read\tC0001,C0002\n"
        )
        #expect(step["last admin"]?.status == 2)
        // Both statements were written from each engine's own open invoices: the same file.
        let file = "documents/releve-2026-11-20.xml"
        #expect(
            try Data(contentsOf: sqlite.appendingPathComponent(file))
                == Data(contentsOf: postgres.appendingPathComponent(file)))
        if let servers {
            #expect(servers.1.receivedCount == servers.0.receivedCount && servers.0.receivedCount > 0)
        }
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

    /// `bench year --postgres`: the year's ledger is a database of the benchmark's own on the server given (the
    /// generated workspace's SQLite file is never made), and every month closes there as on SQLite.
    @Test func theYearBenchmarkRunsItsLedgerOnTheServerGiven() throws {
        let server = try PostgresServer.require()
        let address = try server.createDatabase("benchyear")
        let root = Repository.temporaryDirectory("ardoise-bench-year-postgres")
        let year = try Executable.run(
            [
                "bench", "year", "--directory", "year", "--months", "2", "--sites", "1", "--clients", "3",
                "--postgres", address
            ], in: root, tool: .ardoiseDev)
        #expect(year.status == 0, "\(year)")
        let scratch = address.components(separatedBy: "/").dropLast().joined(separator: "/") + "/ardoise_bench_year"
        #expect(year.stdout.contains("ledger: \(scratch) (made for this run)"), "\(year)")
        let rows = year.stdout.split(separator: "\n").filter { $0.hasPrefix("2026-10 ") || $0.hasPrefix("2026-11 ") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.hasSuffix(" | 0") }, "\(year)")
        #expect(year.stdout.contains("verify (every chain, content and stored file): intact"), "\(year)")
        let issued = try server.psql("ardoise_bench_year", "SELECT count(*) FROM invoice WHERE status = 'issued'")
        #expect(issued.status == 0 && (Int(issued.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0)
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("year").path)
        #expect(
            folders.allSatisfy {
                !FileManager.default.fileExists(atPath: root.appendingPathComponent("year/\($0)/ardoise.sqlite").path)
            }, "no SQLite ledger beside the generated months")
        let refused = try Executable.run(
            ["bench", "year", "--directory", "year", "--sites", "1", "--clients", "3", "--postgres", "mysql://nowhere"],
            in: root,
            tool: .ardoiseDev)
        #expect(refused.status == 2 && refused.stdout.isEmpty, "\(refused)")
        #expect(refused.stderr.contains("--postgres: `mysql://nowhere` is not a PostgreSQL address"), "\(refused)")
    }
}

private extension Execution {
    var output: String { stdout + stderr }
}
