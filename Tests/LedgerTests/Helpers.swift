import Accounting
import BillingModel
import Foundation
import GRDB
import Imports
@testable import Ledger
import TestSupport

/// A new ledger on this run's engine (`TestEngine`): a fresh temporary SQLite file (WAL included), or a new
/// PostgreSQL database under `ARDOISE_TEST_ENGINE=postgres`; and a temporary folder of the test's own.
func freshLedger() throws -> (LedgerDatabase, URL) {
    let dir = Repository.temporaryDirectory("ledger-test")
    return (try TestEngine.newLedger(in: dir), dir)
}

/// The engines a test given an engine runs on: PostgreSQL too when this machine has its server's binaries (or in CI).
let testEngines: [SQLEngineKind] = PostgresServer.available ? [.sqlite, .postgres] : [.sqlite]

/// A new empty ledger on `kind`: a SQLite file in a temporary folder, or a new database of this test process's
/// PostgreSQL server.
func freshLedger(on kind: SQLEngineKind) throws -> LedgerDatabase {
    switch kind {
    // SQLite whatever this run's engine (`freshLedger()` follows `ARDOISE_TEST_ENGINE`).
    case .sqlite:
        return try LedgerDatabase(
            path: Repository.temporaryDirectory("ledger-test").appendingPathComponent("ardoise.sqlite").path)
    case .postgres: return try LedgerDatabase(path: try PostgresServer.require().createDatabase())
    }
}

var samples: URL { Repository.samples }

/// The first column of the first row of one query (a count), on either engine; -1 when there is no row.
func count(_ ledger: LedgerDatabase, _ sql: String, _ arguments: [any SQLArgument] = []) throws -> Int {
    try ledger.engine.read { s in try s.fetchValue(Int64.self, sql: sql, arguments: arguments) }.map { Int($0) } ?? -1
}

/// Drops trigger `name` of `table` in this transaction (what someone with the database's own client can do).
func dropTrigger(_ db: any SQLSession, _ name: String, on table: String) throws {
    try db.execute(sql: db.sql(sqlite: "DROP TRIGGER \(name)", postgres: "DROP TRIGGER \(name) ON \(table)"))
}

/// Posting for documents of the test customers (ACME, C0001…C0020), with the usual accounts.
let testPosting: SalesPosting = {
    var customers: [String: SalesPosting.Customer] = ["ACME": .init(account: "411ACME", name: "ACME Industries SA")]
    for n in 1...20 {
        let code = "C" + String(repeating: "0", count: 4 - String(n).count) + String(n)
        customers[code] = .init(account: "411" + code, name: "Client \(code)")
    }
    return SalesPosting(
        accounts: SalesAccounts(
            customerCollective: "411000",
            outputVAT: [
                VATRate(whole: 20): "445711", VATRate(whole: 10): "445712",
                VATRate(tenThousandths: 55_000): "445713", VATRate(tenThousandths: 21_000): "445714"
            ],
            revenue: [:], defaultRevenue: ("706000", "Prestations de services")),
        journal: "VT", journalLabel: "Ventes", customers: customers)
}()
