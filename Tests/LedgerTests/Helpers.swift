import Accounting
import BillingModel
import Foundation
import GRDB
import Imports
@testable import Ledger
import TestSupport

/// A ledger in a fresh temporary file (tests use real files, WAL included).
func freshLedger() throws -> (LedgerDatabase, URL) {
    let dir = Repository.temporaryDirectory("ledger-test")
    let ledger = try LedgerDatabase(path: dir.appendingPathComponent("ardoise.sqlite").path)
    return (ledger, dir)
}

/// The engines a test given an engine runs on: PostgreSQL too when this machine has its server's binaries (or in CI).
let testEngines: [SQLEngineKind] = PostgresServer.available ? [.sqlite, .postgres] : [.sqlite]

/// A new empty ledger on `kind`: a SQLite file in a temporary folder, or a new database of this test process's
/// PostgreSQL server.
func freshLedger(on kind: SQLEngineKind) throws -> LedgerDatabase {
    switch kind {
    case .sqlite: return try freshLedger().0
    case .postgres: return try LedgerDatabase(path: try PostgresServer.require().createDatabase())
    }
}

var samples: URL { Repository.samples }

func count(_ ledger: LedgerDatabase, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
    try ledger.pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
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
