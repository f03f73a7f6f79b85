import Foundation
import GRDB

/// Tells cheaply whether anything changed in the ledger: a number that moves
/// whenever a transaction that wrote commits, from this process or any other
/// (the scheduler's `ardoise run`, another `ardoise serve`, an `import` or a
/// `validate` in a terminal). What the web app keeps is kept under it.
///
/// On SQLite it is SQLite's own commit counter, `PRAGMA data_version`, read on
/// a connection of its own that never writes: that pragma changes when another
/// connection commits, so every writer, the pool's own included, is "another
/// connection" here. On PostgreSQL it is the ledger's `ledger_change` row
/// ("v19 change counter"), moved by every writing transaction of the ledger in
/// that transaction (`PostgresEngine.countChange`), read on a connection of its
/// own: a commit and its new number are seen together, never one without the
/// other. Reading it is one statement, no lock held. Any commit that wrote moves
/// it (a sign-in too): a cache keyed on it is thrown away more often than
/// needed, never too late.
public final class LedgerChanges: Sendable {
    private enum Source: Sendable {
        case sqlite(DatabaseQueue)
        case postgres(PostgresEngine)
    }
    private let source: Source

    init(_ ledger: LedgerDatabase) throws {
        if let postgres = ledger.engine as? PostgresEngine {
            source = .postgres(try PostgresEngine(postgres.location))
        } else {
            var config = Configuration()
            config.busyMode = .timeout(LedgerDatabase.defaultBusyTimeout)
            source = .sqlite(try DatabaseQueue(path: ledger.path, configuration: config))
        }
    }

    /// The current version: equal values mean nothing was committed in between.
    public func version() throws -> Int {
        switch source {
        case .sqlite(let connection):
            return try connection.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        case .postgres(let engine):
            let version = try engine.autocommit { s in
                try s.fetchValue(Int64.self, sql: "SELECT version FROM ledger_change WHERE id = 1")
            }
            guard let version else { throw LedgerError.internalInconsistency("the ledger's change counter has no row") }
            return Int(truncatingIfNeeded: version)
        }
    }

    /// "v19 change counter": on PostgreSQL the `ledger_change` row (`PostgresSchema`). SQLite counts its commits
    /// itself (`PRAGMA data_version`): nothing to create; the name keeps one schema history for both engines.
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v19 change counter") { _ in }
    }
}

extension LedgerDatabase {
    /// A watcher of this ledger's changes (its own connection to the database).
    public func changes() throws -> LedgerChanges { try LedgerChanges(self) }
}
