import BillingModel
import Foundation
import GRDB

/// The ledger: one SQLite file (WAL, foreign keys on) holding imported files,
/// ticket lines, the quarantine, site-day versions, late revenue and event
/// orders. Opening it migrates the database when a migration is pending.
public final class LedgerDatabase: Sendable {
    /// The database the ledger's queries run on: SQLite (GRDB) or PostgreSQL, through one seam (`SQLEngine`).
    /// Only this module writes SQL (`.ci/check-sql-boundary`): the others read and write through its named queries.
    let engine: any SQLEngine
    /// The SQLite connection pool (nil on PostgreSQL); writers run one at a time, readers in parallel.
    private let sqlitePool: DatabasePool?
    /// Where the ledger is: the SQLite file's path, or the PostgreSQL address without its password.
    public let path: String

    /// The SQLite connection pool, for the queries not yet written for both engines: on a PostgreSQL
    /// ledger they refuse (nothing done) instead of running. Tests read it through `@testable import LedgerDatabase`.
    var pool: DatabasePool {
        get throws {
            guard let sqlitePool else { throw LedgerError.notOnPostgreSQL }
            return sqlitePool
        }
    }

    /// Whether this ledger is on PostgreSQL.
    public var isPostgreSQL: Bool { engine.kind == .postgres }

    /// How long a statement waits for another process's write lock before
    /// failing with "database is locked" (the scheduler, the web app and a
    /// person's command share one ledger).
    public static let defaultBusyTimeout: TimeInterval = 30

    /// Whether opening may create a ledger that does not exist yet.
    public enum Creation: Sendable {
        /// Create an empty, migrated ledger when there is none (`init`, `demo`).
        case createIfMissing
        /// The ledger must exist: a mistyped `database:` path is an error, not a new empty ledger.
        case mustExist
    }

    /// Whether `database` (the `database:` of ardoise.yaml) is a PostgreSQL address (`postgres://…`).
    public static func isPostgreSQL(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }

    /// Whether a ledger is at `database`: the SQLite file exists, or the PostgreSQL database has the ledger's
    /// migrations (an empty database has none: `ardoise init` makes the ledger in it).
    public static func exists(at database: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> Bool
    {
        guard isPostgreSQL(database) else { return FileManager.default.fileExists(atPath: database) }
        let engine = try PostgresEngine(try postgresLocation(database, environment: environment))
        return try engine.hasLedger()
    }

    static func postgresLocation(_ database: String, environment: [String: String]) throws -> PostgresLocation {
        guard let location = PostgresLocation(database, environment: environment) else {
            throw LedgerError.badAddress
        }
        return location
    }

    /// Opens the ledger at `path` (a SQLite file, or a `postgres://USER@HOST:PORT/DATABASE` address whose
    /// password comes from `PGPASSWORD` or the file `PGPASSFILE` names), migrating only when a migration is
    /// pending, so that opening an up-to-date ledger to read it never takes the write lock.
    public init(
        path: String, creation: Creation = .createIfMissing,
        busyTimeout: TimeInterval = LedgerDatabase.defaultBusyTimeout,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        if LedgerDatabase.isPostgreSQL(path) {
            let location = try LedgerDatabase.postgresLocation(path, environment: environment)
            let engine = try PostgresEngine(location, countsChanges: true)
            let exists = try engine.hasLedger()
            if creation == .mustExist, !exists { throw LedgerError.missing(path: location.description) }
            // Migrated only when a migration is pending: opening an up-to-date ledger reads one table.
            if try !exists || engine.appliedMigrations() != Schema.migrator.migrations { try engine.migrate() }
            self.engine = engine
            sqlitePool = nil
            self.path = location.description
            return
        }
        if creation == .mustExist, !FileManager.default.fileExists(atPath: path) {
            throw LedgerError.missing(path: path)
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            // WAL with NORMAL sync is durable across crashes of the process
            // and never corrupts; only the last commits can be lost on power
            // loss. Transactions that issue documents are synced in full
            // (`durableWrite`).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        sqlitePool = pool
        engine = SQLiteEngine(writer: pool)
        self.path = path
        let current = try pool.read { db in try Schema.migrator.hasCompletedMigrations(db) }
        if !current { try Schema.migrator.migrate(pool) }
    }

    /// A write transaction that is on disk once it returns, power cut
    /// included (`synchronous = FULL`: the WAL is synced at commit). Used for
    /// the transactions that give documents their legal numbers; every other
    /// write keeps `NORMAL`, which can lose the last commits on power loss.
    func durableWrite<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            var result: T?
            try db.inTransaction {
                result = try updates(db)
                return .commit
            }
            guard let result else { throw LedgerError.internalInconsistency("durable write returned nothing") }
            return result
        }
    }

    /// The names of the applied migrations, in order.
    public func appliedMigrations() throws -> [String] {
        try engine.appliedMigrations()
    }

    /// The current UTC instant in ISO 8601, as stored in `imported_at` and friends.
    public static func timestamp(_ date: Date = Date()) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let day = Day(ordinal: Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400))
        let rest = Int(seconds - Int64(day.ordinal) * 86400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(day)T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }
}

/// A failure to open or use the ledger that is not SQLite's own.
public enum LedgerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The ledger file does not exist and the command may not create one.
    case missing(path: String)
    /// A state the code should never reach (a bug, not a user error).
    case internalInconsistency(String)
    /// An operation whose queries are not yet written for PostgreSQL, asked of a PostgreSQL ledger.
    case notOnPostgreSQL
    /// A `database:` that starts like a PostgreSQL address but is not one (not repeated: it may hold a password).
    case badAddress

    public var description: String {
        switch self {
        case .missing(let path):
            return
                "no ledger at `\(path)`: nothing done; check `database:` in ardoise.yaml, or create the ledger with `ardoise init` (`ardoise-dev demo` makes its own)"
        case .internalInconsistency(let what):
            return "internal error: \(what)"
        case .notOnPostgreSQL:
            return "this operation does not run on a PostgreSQL ledger yet: nothing done (it runs on a SQLite ledger)"
        case .badAddress:
            return
                "`database:` is not a PostgreSQL address of the form postgres://USER@HOST:PORT/DATABASE: nothing done"
        }
    }
}
