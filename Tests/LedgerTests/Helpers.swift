import BillingModel
import Foundation
import GRDB
import Imports
import Ledger
import TestSupport

/// A ledger in a fresh temporary file (tests use real files, WAL included).
func freshLedger() throws -> (Ledger, URL) {
    let dir = Repository.temporaryDirectory("ledger-test")
    let ledger = try Ledger(path: dir.appendingPathComponent("ardoise.sqlite").path)
    return (ledger, dir)
}

var samples: URL { Repository.samples }

func count(_ ledger: Ledger, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
    try ledger.pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
}
