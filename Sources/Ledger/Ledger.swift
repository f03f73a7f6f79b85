import BillingModel
import Foundation
import GRDB

/// The ledger: one SQLite file (WAL, foreign keys on) holding imported files,
/// ticket lines, the quarantine, site-day versions, late revenue and event
/// orders. Opening it creates and migrates the database.
public final class Ledger: Sendable {
    /// The connection pool; writers run one at a time, readers in parallel.
    public let pool: DatabasePool
    public let path: String

    /// Opens (creating and migrating when needed) the ledger at `path`.
    public init(path: String) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // WAL with NORMAL sync is durable across crashes of the process
            // and never corrupts; only the last commits can be lost on power loss.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        self.path = path
        try Schema.migrator.migrate(pool)
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
