import BillingModel
import Foundation
import GRDB

/// The ledger: one SQLite file (WAL, foreign keys on) holding imported files,
/// ticket lines, the quarantine, site-day versions, late revenue and event
/// orders. Opening it migrates the database when a migration is pending.
public final class Ledger: Sendable {
    /// The connection pool; writers run one at a time, readers in parallel. Only this module writes SQL
    /// (`.ci/check-sql-boundary`): the others read and write through its named queries.
    /// Tests read it through `@testable import Ledger`.
    let pool: DatabasePool
    public let path: String

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

    /// Opens the ledger at `path`, migrating only when a migration is
    /// pending, so that opening an up-to-date ledger to read it never takes
    /// the write lock.
    public init(path: String, creation: Creation = .createIfMissing,
                busyTimeout: TimeInterval = Ledger.defaultBusyTimeout) throws {
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
        pool = try DatabasePool(path: path, configuration: config)
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
        try pool.read { db in try Schema.migrator.appliedMigrations(db) }
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

    public var description: String {
        switch self {
        case .missing(let path):
            return "no ledger at `\(path)`: nothing done; check `database:` in ardoise.yaml, or create the ledger with `ardoise init` (`ardoise demo` makes its own)"
        case .internalInconsistency(let what):
            return "internal error: \(what)"
        }
    }
}
