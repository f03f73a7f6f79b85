import Foundation
import Ledger
import Testing
import TestSupport

/// The built `ardoise` run where the machine works against it: a disk that
/// fills up mid-write, a read-only or missing ledger, a ledger another
/// program keeps locked. Each time: a clear error, nothing half-done (the
/// ledger's crash checks and `verify`), nothing sent twice, and the same
/// command run again afterwards ends as if nothing had happened.
@Suite(.sqliteOnly) struct HostileEnvironmentTests {
    static let database = "ardoise.sqlite"

    /// The ledger as a crash must leave it: SQLite's checks, no half-imported file, no issued document without its rows, `verify` intact.
    func expectConsistent(_ ws: ScratchWorkspace, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ledger = try ws.ledger()
        #expect(try ledger.crashConsistency().breaks == [], sourceLocation: sourceLocation)
        #expect(try ledger.verifyIssuedDocuments().breaks.map(\.detail) == [], sourceLocation: sourceLocation)
    }

    /// Empties the WAL into the database, so that the next writes grow the WAL from nothing.
    func checkpoint(_ ws: ScratchWorkspace) throws {
        let r = try HostileEnvironment.run(
            tool: "/usr/bin/env", ["sqlite3", Self.database, "PRAGMA wal_checkpoint(TRUNCATE);"], in: ws.dir)
        #expect(r.status == 0, "\(r)")
    }

    func fingerprint(_ ws: ScratchWorkspace) throws -> [String: Int64] {
        try ws.ledger().crashConsistency().fingerprint
    }

    /// November's register files and event orders of the same workspace, put in its inbox.
    func newMonthInInbox(_ ws: ScratchWorkspace) throws {
        let generate = try ws.dev(
            "demo", "generate", "--out", "november", "--sites", "2", "--clients", "12", "--month", "2026-11")
        #expect(generate.status == 0, "\(generate)")
        let fm = FileManager.default
        let from = ws.dir.appendingPathComponent("november/inbox")
        for name in try fm.contentsOfDirectory(atPath: from.path) {
            try fm.moveItem(at: from.appendingPathComponent(name), to: ws.dir.appendingPathComponent("inbox/\(name)"))
        }
        try fm.removeItem(at: ws.dir.appendingPathComponent("november"))
    }

    @Test func aDiskFullDuringImportKeepsWholeFilesAndTheRerunImportsTheRest() throws {
        let ws = try ScratchWorkspace()
        try newMonthInInbox(ws)
        let clean = try ScratchWorkspace()
        try newMonthInInbox(clean)
        #expect(try clean.run("import").status == 0)
        try checkpoint(ws)
        let full = try HostileEnvironment.run(["import"], in: ws.dir, fileSizeLimitKB: 1024)
        #expect(full.status != 0, "\(full)")
        // A file-size limit fails writes with EFBIG, which SQLite reports as an I/O error (ENOSPC as "disk is full").
        #expect(full.stdout.contains("disk I/O error - while executing `COMMIT TRANSACTION`"), "\(full)")
        try expectConsistent(ws)
        let rerun = try ws.run("import")
        #expect(rerun.status == 0, "\(rerun)")
        try expectConsistent(ws)
        #expect(try fingerprint(ws) == fingerprint(clean))
    }

    @Test func aDiskFullDuringBillingIssuesNothingHalfWayAndTheRerunBillsOnce() throws {
        let ws = try ScratchWorkspace()
        let clean = try ScratchWorkspace()
        #expect(try clean.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        try checkpoint(ws)
        // The limit lets the proformas be written and not their validations (320 KB since "v21 audit by document"
        // indexes each proforma's audit rows: 256 KB stopped the proformas' own transaction).
        let full = try HostileEnvironment.run(
            ["bill", "--period", "2026-10", "--date", "2026-11-02"], in: ws.dir, fileSizeLimitKB: 320)
        // The proformas are made; each automatic validation that cannot be written is named, left waiting: exit 1.
        #expect(full.status == 1, "\(full)")
        #expect(full.stderr.contains("not validated automatically: SQLite error 10: disk I/O error"), "\(full)")
        try expectConsistent(ws)
        let rerun = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(rerun.status == 0, "\(rerun)")
        try expectConsistent(ws)
        #expect(try fingerprint(ws) == fingerprint(clean))
    }

    @Test(.enabled(if: LoopbackSMTP.available || Tools.inCI))
    func aDiskFullDuringSendingSendsNothingTwice() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let ws = try ScratchWorkspace { dir in
            try Data(
                "smtp:\n  host: 127.0.0.1\n  port: \(server.port)\n  starttls: false\n  from: facturation@serenest.fr\n"
                    .utf8
            )
            .write(to: dir.appendingPathComponent("smtp.yaml"))
        }
        try ws.replace("  - settings.yaml\n", with: "  - settings.yaml\n  - smtp.yaml\n", in: "ardoise.yaml")
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        #expect(try ws.run("validate", "--all", "--date", "2026-11-02").status == 0)
        let issued = try ws.ledger().invoices(status: .issued).count
        try checkpoint(ws)
        let full = try HostileEnvironment.run(
            ["outbox", "send", "--date", "2026-11-02"], in: ws.dir, fileSizeLimitKB: 64)
        #expect(full.status != 0, "\(full)")
        try expectConsistent(ws)
        let rerun = try ws.run("outbox", "send", "--date", "2026-11-02")
        #expect(rerun.status == 0, "\(rerun)")
        let ids = try (0..<server.receivedCount).map { try server.received($0 + 1)["message_id"] as? String ?? "" }
        #expect(Set(ids).count == ids.count, "sent twice: \(ids.sorted())")
        #expect(ids.count == issued)
        #expect(try ws.ledger().outbox(status: nil).allSatisfy { $0.message.status == .sent })
    }

    /// A file or folder made read-only: bind-mounted read-only as root (whom permissions do not stop), else its mode.
    func makeReadOnly(_ url: URL) throws -> () -> Void {
        if geteuid() == 0 {
            for args in [["mount", "--bind", url.path, url.path], ["mount", "-o", "remount,bind,ro", url.path]] {
                let r = try HostileEnvironment.run(tool: "/usr/bin/env", args, in: url.deletingLastPathComponent())
                guard r.status == 0 else { throw HarnessError("cannot make \(url.path) read-only: \(r)") }
            }
            return {
                _ = try? HostileEnvironment.run(
                    tool: "/usr/bin/env", ["umount", url.path], in: url.deletingLastPathComponent())
            }
        }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        try FileManager.default.setAttributes(
            [.posixPermissions: isDirectory.boolValue ? 0o555 : 0o444], ofItemAtPath: url.path)
        return {
            try? FileManager.default.setAttributes(
                [.posixPermissions: isDirectory.boolValue ? 0o755 : 0o644], ofItemAtPath: url.path)
        }
    }

    @Test func aReadOnlyDatabaseOrFolderIsRefusedWithExit2AndNothingChanges() throws {
        for target in ["file", "folder"] {
            let ws = try ScratchWorkspace()
            try checkpoint(ws)
            let before = try ws.ledgerState()
            let restore = try makeReadOnly(target == "file" ? ws.dir.appendingPathComponent(Self.database) : ws.dir)
            defer { restore() }
            // Run from elsewhere: the command's outputs are written beside the test, not in the read-only folder.
            let elsewhere = Repository.temporaryDirectory("ardoise-cwd")
            for args in [
                ["bill", "--period", "2026-10", "--date", "2026-11-02"],
                ["close", "2026-10", "--force", "--reason", "r", "--date", "2026-11-03"]
            ] {
                let r = try Executable.run(
                    args + ["--config", ws.dir.appendingPathComponent("ardoise.yaml").path], in: elsewhere)
                #expect(r.status == 2, "read-only \(target): \(r)")
                #expect(
                    r.stderr.contains("readonly") || r.stderr.contains("read-only")
                        || r.stderr.contains("cannot be opened"),
                    "read-only \(target): \(r)")
            }
            restore()
            #expect(try ws.ledgerState() == before, "read-only \(target)")
            try expectConsistent(ws)
        }
    }

    @Test func aMissingDatabaseIsNamedAndNoLedgerIsCreated() throws {
        let ws = try ScratchWorkspace { dir in
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent(Self.database + suffix))
            }
        }
        try Data("reference;date;amount;debtor;iban;remittance\nVIR-1;2026-11-20;10.00;;;FA-2026-000001\n".utf8)
            .write(to: ws.dir.appendingPathComponent("paiements.csv"))
        for args in [
            ["bill", "--period", "2026-10", "--date", "2026-11-02"], ["validate", "--all", "--date", "2026-11-02"],
            ["outbox", "send"], ["credit", "FA-2026-000001", "--reason", "r", "--date", "2026-11-02"],
            ["payments", "import", "paiements.csv"], ["close", "2026-10", "--date", "2026-11-03"], ["verify"]
        ] {
            let r = try ws.run(args)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains(Self.database), "\(r)")
            #expect(!FileManager.default.fileExists(atPath: ws.dir.appendingPathComponent(Self.database).path), "\(r)")
        }
    }

    @Test func aDatabaseLockedLongerThanTheBusyTimeoutStopsEachWriterWithExit2() throws {
        let ws = try ScratchWorkspace()
        try newMonthInInbox(ws)
        try Data("reference;date;amount;debtor;iban;remittance\nVIR-1;2026-11-20;10.00;;;\n".utf8)
            .write(to: ws.dir.appendingPathComponent("paiements.csv"))
        let before = try ws.ledgerState(), figures = try fingerprint(ws)
        let lock = try HostileEnvironment.Lock(database: ws.dir.appendingPathComponent(Self.database))
        // The writers wait for the lock together (the ledger's busy timeout, 30 s), then give up.
        let commands = [
            ["import"], ["bill", "--period", "2026-10", "--date", "2026-11-02"], ["payments", "import", "paiements.csv"]
        ]
        let results = Results(count: commands.count)
        DispatchQueue.concurrentPerform(iterations: commands.count) { i in
            results.set(i, Result { try ws.run(commands[i]) })
        }
        lock.release()
        for r in results.all {
            let r = try r.get()
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains("locked"), "\(r)")
        }
        #expect(try ws.ledgerState() == before)
        #expect(try fingerprint(ws) == figures)
        try expectConsistent(ws)
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
    }
}

/// Results written by concurrent iterations.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<Execution, Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<Execution, Error>) { lock.withLock { values[i] = value } }
    var all: [Result<Execution, Error>] { lock.withLock { values.compactMap { $0 } } }
}

/// Inputs `.ci/fuzz` crashed a reader on, as a person would import them (the input committed in `Tests/FuzzCorpus/`).
@Suite struct InputsTheFuzzerFoundTests {
    @Test func aStatementWithAnElementNameThatIsNotUTF8IsRefusedAtItsLineNotACrash() throws {
        let ws = try ScratchWorkspace()
        let file = Repository.root.appendingPathComponent("Tests/FuzzCorpus/camt/crash-element-name-not-utf8.xml")
        let before = try ws.ledgerState()
        let r = try ws.run("payments", "import", file.path, "--date", "2026-11-20")
        #expect(r.status == 1, "\(r)")
        #expect((r.stdout + r.stderr).contains("line 12: not UTF-8"), "\(r)")
        #expect(try ws.ledger().payments().isEmpty)
        #expect(try ws.ledgerState() == before)
    }

    @Test func aStatementWithAProcessingInstructionIsRefusedAtItsLineNotACrash() throws {
        let ws = try ScratchWorkspace()
        // `<?xenc?>` (a processing instruction without data) made FoundationXML read a null pointer.
        let file = Repository.root.appendingPathComponent(
            "Tests/FuzzCorpus/camt/crash-processing-instruction-without-data.xml")
        let before = try ws.ledgerState()
        let r = try ws.run("payments", "import", file.path, "--date", "2026-11-20")
        #expect(r.status == 1, "\(r)")
        #expect((r.stdout + r.stderr).contains("line 1: a processing instruction"), "\(r)")
        #expect(try ws.ledgerState() == before)
        // The XML declaration is not one: a statement that starts with it is still read.
        let declared = ws.dir.appendingPathComponent("declared.xml")
        try Data("\u{FEFF}  <?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?pi data?><Document/>".utf8).write(
            to: declared)
        let again = try ws.run("payments", "import", declared.path, "--date", "2026-11-20")
        #expect((again.stdout + again.stderr).contains("line 2: a processing instruction"), "\(again)")
    }
}
