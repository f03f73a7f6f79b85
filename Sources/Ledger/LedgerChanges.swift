import Foundation
import GRDB

/// Tells cheaply whether anything changed in the ledger: a number that moves
/// whenever a transaction commits, from this process or any other (the
/// scheduler's `ardoise run`, an `import`, a `validate` in a terminal).
///
/// It is SQLite's `PRAGMA data_version`, read on a connection of its own
/// that never writes: that pragma changes when another connection commits,
/// so every writer, the pool's own included, is "another connection" here.
/// Reading it starts and ends a read transaction: a few microseconds, no
/// table read, no lock held. Any commit moves it (a sign-in too): a cache
/// keyed on it is thrown away more often than needed, never too late.
public final class LedgerChanges: Sendable {
    private let connection: DatabaseQueue

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(LedgerDatabase.defaultBusyTimeout)
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    /// The current version: equal values mean nothing was committed in between.
    public func version() throws -> Int {
        try connection.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}

extension LedgerDatabase {
    /// A watcher of this ledger's changes (its own connection to the file).
    public func changes() throws -> LedgerChanges { try LedgerChanges(path: path) }
}
