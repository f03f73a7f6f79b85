import Foundation
import Ledger
import Testing

/// A private PostgreSQL server for the tests of one test process: `initdb` in a
/// temporary folder, `postgres` listening on a free loopback port (no socket
/// elsewhere, trust authentication for its one user), started once on first use
/// and stopped when the test process ends — a watchdog shell beside it stops it
/// even when the process is killed. Each test makes its own database with
/// `createDatabase()`.
///
/// The binaries come from `$ARDOISE_POSTGRES_BIN`, else Debian's
/// `/usr/lib/postgresql/<version>/bin` (the highest version), else the PATH;
/// `.ci/setup` installs Debian's `postgresql`. PostgreSQL refuses to run as
/// root: as root, the server runs as the `postgres` user (Debian's package makes
/// it) through `setpriv`. Without the binaries the tests that need them are
/// skipped with that reason, and fail in CI (`Tools.inCI`), like the other tools.
public final class PostgresServer: Sendable {
    public let port: Int
    public let user = "ardoise"
    public let folder: URL
    let bin: URL

    /// The server of this test process, or why there is none.
    public static let shared: Result<PostgresServer, PostgresServerUnavailable> = {
        do { return .success(try PostgresServer()) } catch let e as PostgresServerUnavailable {
            return .failure(e)
        } catch {
            return .failure(PostgresServerUnavailable(reason: "\(error)"))
        }
    }()

    /// Whether tests needing the server run: its binaries are here, or this is CI (where their absence fails
    /// the tests). Binaries that are here but fail to start a server fail the tests with the reason.
    public static var available: Bool { binaries() != nil || Tools.inCI }

    /// Why tests needing the server are skipped.
    public static let skipReason =
        "no PostgreSQL server binaries (Debian `postgresql`, or ARDOISE_POSTGRES_BIN): run .ci/setup"

    /// The server, or a thrown reason (a test in CI fails with it).
    public static func require() throws -> PostgresServer { try shared.get() }

    /// The binaries' folder: `$ARDOISE_POSTGRES_BIN`, Debian's newest `/usr/lib/postgresql/N/bin`, or the PATH's.
    static func binaries() -> URL? {
        let fm = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["ARDOISE_POSTGRES_BIN"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        let debian = "/usr/lib/postgresql"
        if let versions = try? fm.contentsOfDirectory(atPath: debian) {
            let best = versions.compactMap { v in Int(v).map { ($0, v) } }.sorted { $0.0 > $1.0 }
                .first { fm.isExecutableFile(atPath: "\(debian)/\($0.1)/bin/initdb") }
            if let best { return URL(fileURLWithPath: "\(debian)/\(best.1)/bin") }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where fm.isExecutableFile(atPath: "\(dir)/initdb") && fm.isExecutableFile(atPath: "\(dir)/postgres") {
            return URL(fileURLWithPath: String(dir))
        }
        return nil
    }

    init() throws {
        guard let bin = Self.binaries() else {
            throw PostgresServerUnavailable(
                reason: "no initdb/postgres (Debian package `postgresql`, or set ARDOISE_POSTGRES_BIN)")
        }
        self.bin = bin
        folder = Repository.temporaryDirectory("ardoise-postgres")
        // As root, the server runs as `postgres`: the folder must be its own.
        let asRoot = getuid() == 0
        var prefix: [String] = []
        if asRoot {
            guard getpwnam("postgres") != nil else {
                throw PostgresServerUnavailable(reason: "running as root and no `postgres` user to run the server as")
            }
            try FileManager.default.setAttributes(
                [.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"],
                ofItemAtPath: folder.path)
            prefix = ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"]
        }
        let data = folder.appendingPathComponent("data").path
        let command =
            prefix + [
                bin.appendingPathComponent("initdb").path, "-D", data, "-U", user, "--auth=trust", "-E", "UTF8",
                "--locale=C", "--no-sync"
            ]
        let initdb = try Tools.run(command[0], Array(command.dropFirst()))
        guard initdb.status == 0 else {
            throw PostgresServerUnavailable(reason: "initdb failed: \(initdb.output.suffix(400))")
        }
        // A free port: the kernel's choice for a socket closed at once (the server binds it right after).
        var lastLog = ""
        var started: Int?
        attempts: for _ in 0..<5 {
            let port = LoopbackSMTP.closedPort()
            let postgres =
                ([
                    bin.appendingPathComponent("postgres").path, "-D", data, "-h", "127.0.0.1", "-p", "\(port)", "-k",
                    folder.path,
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
                    "max_connections=200"
                ])
                .map { "'\($0)'" }.joined(separator: " ")
            let log = folder.appendingPathComponent("server-\(port).log").path
            // The watchdog: the server runs while this test process lives, then is stopped (fast shutdown) and its folder removed.
            let script = """
                \(prefix.map { "'\($0)'" }.joined(separator: " ")) \(postgres) > '\(log)' 2>&1 &
                server=$!
                while kill -0 \(getpid()) 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done
                kill -INT $server 2>/dev/null; wait $server; rm -rf '\(folder.path)'
                """
            let watchdog = Process()
            watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
            watchdog.arguments = ["-c", script]
            watchdog.standardInput = FileHandle.nullDevice
            watchdog.standardOutput = FileHandle.nullDevice
            watchdog.standardError = FileHandle.nullDevice
            try watchdog.run()
            // Ready when pg_isready says so (at most 30 s).
            for _ in 0..<300 {
                let ready = try Tools.run(
                    bin.appendingPathComponent("pg_isready").path, ["-h", "127.0.0.1", "-p", "\(port)", "-q"])
                if ready.status == 0 { started = port; break attempts }
                if !watchdog.isRunning { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            lastLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if watchdog.isRunning { watchdog.terminate() }
        }
        guard let started else {
            throw PostgresServerUnavailable(reason: "postgres did not start: \(lastLog.suffix(400))")
        }
        port = started
    }

    /// A new empty database of this server; its address (`postgres://ardoise@127.0.0.1:PORT/NAME`).
    /// With `template` (a database of this server nobody is connected to), the new database is its copy.
    public func createDatabase(_ prefix: String = "ledger", template: String? = nil) throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let copy = template.map { ["-T", $0.split(separator: "/").last.map(String.init) ?? $0] } ?? []
        let r = try Tools.run(
            bin.appendingPathComponent("createdb").path,
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", user] + copy + [name])
        guard r.status == 0 else { throw PostgresServerUnavailable(reason: "createdb \(name) failed: \(r.output)") }
        return "postgres://\(user)@127.0.0.1:\(port)/\(name)"
    }

    /// Runs `sql` with psql on database `name`; its output (unaligned, tuples only) and status.
    public func psql(_ database: String, _ sql: String) throws -> (status: Int32, output: String) {
        try Tools.run(
            bin.appendingPathComponent("psql").path,
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d",
                database, "-c", sql
            ])
    }
}

extension Trait where Self == ConditionTrait {
    /// A test about SQLite itself (the file, WAL, power-cut images, the sqlite3 CLI, GRDB, triggers in SQLite's
    /// syntax): skipped, with this reason shown, when the suite runs on PostgreSQL (`ARDOISE_TEST_ENGINE=postgres`).
    public static var sqliteOnly: Self {
        .disabled(if: TestEngine.postgres, "about SQLite itself: not run on PostgreSQL (ARDOISE_TEST_ENGINE=postgres)")
    }
}

public struct PostgresServerUnavailable: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
}

/// Which engine the tests keep their ledgers on: SQLite (the default), or, with `ARDOISE_TEST_ENGINE=postgres`, a
/// new database of this test process's private PostgreSQL server for each ledger (one server per test process), so
/// that the whole suite runs on both (`ARDOISE_TEST_ENGINE=postgres swift test`, as `.ci/run` does after the SQLite
/// pass). Every test that makes a ledger goes through here: `newLedger(in:)` for a bare ledger, `follow(workspace:)`
/// for a workspace whose ardoise.yaml was just written; a test about SQLite itself is marked `.sqliteOnly`.
public enum TestEngine {
    public static var postgres: Bool { ProcessInfo.processInfo.environment["ARDOISE_TEST_ENGINE"] == "postgres" }

    /// Where a test's new ledger goes on this run's engine: the SQLite file `file` in `folder`, or on PostgreSQL the
    /// address of a new empty database of the private server (the folder then holds no ledger).
    public static func newLedgerAddress(in folder: URL, file: String = "ardoise.sqlite") throws -> String {
        postgres ? try PostgresServer.require().createDatabase("test") : folder.appendingPathComponent(file).path
    }

    /// A new, migrated ledger for a test on this run's engine (`newLedgerAddress`).
    public static func newLedger(
        in folder: URL = Repository.temporaryDirectory("ledger-test"), file: String = "ardoise.sqlite"
    ) throws -> LedgerDatabase {
        try LedgerDatabase(path: try newLedgerAddress(in: folder, file: file))
    }

    /// Points a workspace whose ardoise.yaml was just written (`database:` a SQLite file) at a new database of the
    /// private server when this run is on PostgreSQL; leaves it alone on SQLite.
    public static func follow(workspace: URL) throws {
        if postgres { try usePostgres(in: workspace) }
    }

    /// Copies a workspace folder made once for many tests to `copy` (which must not exist); on PostgreSQL the copy
    /// gets its own database, a copy of the template's (a folder's copy alone would share the template's ledger).
    public static func copy(workspace template: URL, to copy: URL) throws {
        try FileManager.default.copyItem(at: template, to: copy)
        if postgres { try usePostgres(in: copy, copying: try database(of: template)) }
    }

    /// The ledger of a workspace (the `database:` of its ardoise.yaml), which must exist.
    public static func ledger(of workspace: URL) throws -> LedgerDatabase {
        try LedgerDatabase(path: try database(of: workspace), creation: .mustExist)
    }

    /// The `database:` the workspace's ardoise.yaml names: an address as written, a path resolved against the workspace.
    public static func database(of workspace: URL) throws -> String {
        let text = try String(contentsOf: workspace.appendingPathComponent("ardoise.yaml"), encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("database:") }
        let value =
            line.map { $0.dropFirst("database:".count).trimmingCharacters(in: .whitespaces) } ?? "ardoise.sqlite"
        if value.hasPrefix("postgres://") || value.hasPrefix("/") { return value }
        return workspace.appendingPathComponent(value).path
    }

    /// Points the workspace's ardoise.yaml at a new database of the private server, a copy of `template` when given.
    @discardableResult
    public static func usePostgres(in workspace: URL, copying template: String? = nil) throws -> String {
        let address = try PostgresServer.require().createDatabase("ws", template: template)
        let config = workspace.appendingPathComponent("ardoise.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("database:") ? "database: \(address)" : String(line)
        }
        try lines.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
        return address
    }
}
