import BillingModel
import Diagnostics
import Foundation
import GRDB

/// `ardoise migrate`: a whole SQLite ledger copied into an empty PostgreSQL database, in one transaction on
/// the target, then checked there (rows per table, totals, the hash chains).
///
/// Every row is inserted as it is in the source, never updated, table by table in the order of the target's
/// foreign keys, with one `COPY … FROM STDIN` per batch. The guarantees' triggers would refuse that copy:
/// an issued invoice is born a proforma (`invoice_born_proforma`), its lines only join a proforma, a series
/// and a journal are created at 0, an entry takes its journal's current number, where the audit and entry
/// chains start is written once by the migrations themselves (`record_chain_start`: the target's own rows, not
/// the source's, which a faithful copy must carry); and the triggers that act (a platform flow queued by an
/// allocation, a re-delivered site-day recorded) would add rows the copy brings anyway. So the target's user
/// triggers are disabled for this transaction only (`ALTER TABLE … DISABLE TRIGGER USER`, enabled again before
/// it commits). That is safe where a session setting read by the triggers would not be: the ALTER takes each
/// table's ACCESS EXCLUSIVE lock until the commit, so no other session reads or writes a table meanwhile; DDL
/// is transactional, so a failure leaves the database as it was, triggers on; the schema keeps no switch any
/// later connection could turn (a setting anyone may `SET`); and it only runs into an empty database. What the
/// triggers guard is then checked on the copy itself before anything is committed (rows of every table), and
/// after (issued totals, debit = credit, `verify`: every chain, number and stored file).
public enum LedgerMigration {
    /// A migration refused before anything was written (exit 2).
    public struct Refusal: CommandFailure, Sendable {
        public var message: String
        public var description: String { message + ": nothing done" }
        public var exitStatus: ExitStatus { .nothingDone }
    }

    /// The rows of one table in the source and in the target after the copy.
    public struct TableCount: Sendable, Hashable {
        public var table: String
        public var source: Int64
        public var target: Int64
    }

    /// The money a ledger holds: issued documents and their totals, the journal's debit and credit.
    public struct Totals: Sendable, Hashable {
        public var issuedDocuments: Int64
        public var totalHT: Int64
        public var totalTTC: Int64
        public var entries: Int64
        public var debit: Int64
        public var credit: Int64
    }

    public struct Report: Sendable {
        /// The source as given and the target without its password.
        public var source: String
        public var target: String
        public var tables: [TableCount]
        public var sourceTotals: Totals
        public var targetTotals: Totals
        /// `verify` of the target.
        public var chain: ChainReport
        /// `verify` of the source: a break there is carried over, not made by the copy.
        public var sourceChain: ChainReport
        public var seconds: Double
        /// Why the checks after the commit could not all run (the copy is committed).
        public var checkFailure: String?

        public var countsMatch: Bool { tables.allSatisfy { $0.source == $0.target } }
        /// Everything checks: the same rows and totals, debit = credit, the target's chains intact.
        public var intact: Bool {
            checkFailure == nil && countsMatch && sourceTotals == targetTotals
                && targetTotals.debit == targetTotals.credit && chain.intact
        }
    }

    /// Copies the ledger at `sqlitePath` into the PostgreSQL database at `address` (password from `PGPASSWORD`
    /// or the file `PGPASSFILE` names in `environment`), then checks it. Refused (`Refusal`, nothing written)
    /// when the source is missing or not a ledger, the schema histories differ, or the target is not empty.
    public static func run(
        sqlitePath: String, address: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Report {
        let start = Date()
        let source = try openSource(sqlitePath)
        guard LedgerDatabase.isPostgreSQL(address),
            let location = PostgresLocation(address, environment: environment)
        else {
            throw Refusal(message: "`--to` is not a PostgreSQL address of the form postgres://USER@HOST:PORT/DATABASE")
        }
        let target = try PostgresEngine(location)
        let (tables, sourceTotals) = try source.read { db -> ([TableCount], Totals) in
            let session = GRDBSession(db: db)
            try checkHistory(session, path: sqlitePath)
            let tables = try target.transaction { t in try copy(from: session, to: t, location: location) }
            return (tables, try totals(session))
        }
        var report = Report(
            source: sqlitePath, target: location.description, tables: tables, sourceTotals: sourceTotals,
            targetTotals: sourceTotals, chain: ChainReport(), sourceChain: ChainReport(), seconds: 0)
        // Committed: from here a failure is reported with the copy, not thrown as if nothing were done.
        do {
            // Checked through the ledger as every command opens it.
            let copied = try LedgerDatabase(path: address, creation: .mustExist, environment: environment)
            report.targetTotals = try copied.engine.read { try totals($0) }
            report.chain = try copied.verifyIssuedDocuments()
            report.sourceChain = try LedgerDatabase(path: sqlitePath, creation: .mustExist).verifyIssuedDocuments()
        } catch {
            report.checkFailure = "\(error)"
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// The source, opened without creating nor migrating it: a file that is a ledger.
    static func openSource(_ path: String) throws -> DatabaseQueue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw Refusal(message: "no ledger at `\(path)`")
        }
        do {
            let queue = try DatabaseQueue(path: path)
            let isLedger = try queue.read { db in
                try db.tableExists("grdb_migrations") && db.tableExists("invoice")
            }
            guard isLedger else { throw Refusal(message: "`\(path)` is a SQLite database but not a ledger") }
            return queue
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal(message: "`\(path)` is not a ledger (\(error))")
        }
    }

    /// The source's migrations are exactly this ardoise's: the target is made with the same history.
    static func checkHistory(_ db: GRDBSession, path: String) throws {
        let applied = Set(try db.fetchColumn(String.self, sql: "SELECT identifier FROM grdb_migrations"))
        let known = Schema.migrator.migrations
        if let unknown = applied.subtracting(known).sorted().first {
            throw Refusal(
                message:
                    "the schema histories differ: the ledger at `\(path)` has migration `\(unknown)`, which this ardoise does not know (it was made by a newer version)"
            )
        }
        if let pending = known.first(where: { !applied.contains($0) }) {
            throw Refusal(
                message:
                    "the schema histories differ: the ledger at `\(path)` lacks migration `\(pending)` (made by an older ardoise); "
                    + "any command of this ardoise on it (e.g. `ardoise verify`) brings it up to date, then migrate")
        }
    }

    /// What the target's migrations write themselves, replaced by the source's rows.
    static let writtenByMigrations: Set<String> = ["record_chain_start"]
    /// PostgreSQL's own bookkeeping, with no twin in SQLite, kept as the migrations made it ("v19 change counter").
    static let postgresOnly: Set<String> = ["ledger_change"]

    /// The copy, in the target's transaction `t`: the schema made when the database is empty, every table
    /// copied in foreign-key order with its triggers off, identities moved past the copied ids, triggers on,
    /// and every table's rows counted on both sides (a difference rolls everything back).
    static func copy(from source: GRDBSession, to t: any SQLSession, location: PostgresLocation) throws
        -> [TableCount]
    {
        guard let pg = t as? PostgresSession else { throw LedgerError.internalInconsistency("migrate into SQLite") }
        // One migrator at a time (as the migrations take it), and deferrable keys checked at the commit.
        try t.execute("SELECT pg_advisory_xact_lock(hashtext('ardoise migrations'))", [])
        try t.execute("SET CONSTRAINTS ALL DEFERRED", [])
        var targetTables = try tables(t)
        if !targetTables.contains("grdb_migrations") {
            guard targetTables.isEmpty else {
                throw Refusal(
                    message:
                        "the database \(location) is not empty: it holds \(listed(targetTables)), and no ledger; migrate only into an empty database"
                )
            }
            try t.execute("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)", [])
            for m in PostgresSchema.migrations(lineBasisKinds: LineBasis.Kind.allCases.map(\.rawValue)) {
                for sql in m.statements { try t.execute(sql, []) }
                try t.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", [.text(m.name)])
            }
            targetTables = try tables(t)
        } else {
            let applied = Set(try t.fetchColumn(String.self, sql: "SELECT identifier FROM grdb_migrations"))
            let known = Set(Schema.migrator.migrations)
            if applied != known {
                let differing = applied.symmetricDifference(known).sorted().prefix(3).map { "`\($0)`" }
                throw Refusal(
                    message:
                        "the schema histories differ: the ledger in \(location) and this ardoise differ by \(differing.joined(separator: ", "))"
                )
            }
            var filled: [String] = []
            for name in targetTables
            where name != "grdb_migrations" && !writtenByMigrations.contains(name) && !postgresOnly.contains(name) {
                let rows = try t.fetchValue(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM \(quoted(name)))")
                if rows == true { filled.append(name) }
            }
            if !filled.isEmpty {
                let sameChain = try lastHash(t, chain: "audit").map { $0 == (try lastHash(source, chain: "audit")) }
                throw Refusal(
                    message: sameChain == true
                        ? "the database \(location) was already migrated: it holds this ledger (the same audit chain)"
                        : "the database \(location) is not empty: its ledger has rows in \(listed(filled)); migrate only into an empty database"
                )
            }
        }
        targetTables.remove("grdb_migrations")
        targetTables.subtract(postgresOnly)
        let sourceTables = Set(
            try source.fetchColumn(
                String.self,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'"
            ))
        for name in sourceTables.subtracting(targetTables).sorted() {
            if try source.fetchValue(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM \(quoted(name)))") ?? false {
                throw Refusal(
                    message: "the schema histories differ: the source's table `\(name)` has no twin in the target")
            }
        }
        let order = try dependencyOrder(t, tables: targetTables)
        for name in order { try t.execute("ALTER TABLE \(quoted(name)) DISABLE TRIGGER USER", []) }
        for name in order where writtenByMigrations.contains(name) { try t.execute("DELETE FROM \(quoted(name))", []) }
        var counts: [TableCount] = []
        for name in order {
            let copied = try sourceTables.contains(name) ? copyTable(name, from: source, to: pg) : 0
            let inTarget = try t.fetchValue(Int64.self, sql: "SELECT COUNT(*) FROM \(quoted(name))") ?? 0
            guard inTarget == copied else {
                throw SQLEngineError(
                    message: "table \(name): \(copied) rows in the source, \(inTarget) in the target after the copy",
                    sql: "")
            }
            counts.append(TableCount(table: name, source: copied, target: inTarget))
        }
        // Identities continue after the copied ids, as they would have in the source.
        for r in try t.fetchAll(
            sql: """
                SELECT table_name::text, column_name::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1
                """)
        {
            let table: String = try r[0], column: String = try r[1]
            try t.execute(
                """
                SELECT setval(pg_get_serial_sequence('\(quoted(table))', '\(column)'), m) FROM
                  (SELECT MAX(\(quoted(column))) AS m FROM \(quoted(table))) AS x WHERE m IS NOT NULL
                """, [])
        }
        // The deferred keys checked now: their pending events would keep the tables from being altered.
        try t.execute("SET CONSTRAINTS ALL IMMEDIATE", [])
        for name in order { try t.execute("ALTER TABLE \(quoted(name)) ENABLE TRIGGER USER", []) }
        return counts
    }

    /// One table's rows, the target's columns read from the source by name, in the source's order (ids ascending).
    static func copyTable(_ table: String, from source: GRDBSession, to pg: PostgresSession) throws -> Int64 {
        let t: any SQLSession = pg
        let columns = try t.fetchAll(
            sql: """
                SELECT column_name::text, data_type::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name::text = ? ORDER BY ordinal_position
                """, arguments: [table]
        ).map { r -> (name: String, bytes: Bool) in (try r[0], (try r[1] as String) == "bytea") }
        let sourceColumns = Set(try source.db.columns(in: table).map(\.name))
        for c in sourceColumns.subtracting(columns.map(\.name)).sorted() {
            let filled = try source.fetchValue(
                Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM \(quoted(table)) WHERE \(quoted(c)) IS NOT NULL)")
            if filled ?? false {
                throw Refusal(
                    message:
                        "the schema histories differ: the source's column `\(table).\(c)` has no twin in the target")
            }
        }
        let read = columns.map { sourceColumns.contains($0.name) ? quoted($0.name) : "NULL" }
        var batch = CopyText(capacity: 1 << 20)
        var rows: Int64 = 0
        let statement = try source.db.makeStatement(
            sql: "SELECT \(read.joined(separator: ", ")) FROM \(quoted(table))")
        let cursor = try Row.fetchCursor(statement)
        while let row = try cursor.next() {
            for (i, column) in columns.enumerated() {
                let value: DatabaseValue = row[i]
                switch value.storage {
                case .null: batch.null()
                case .int64(let v): batch.integer(v)
                case .string(let s): column.bytes ? batch.bytes(Array(s.utf8)) : batch.text(s)
                case .blob(let d):
                    if column.bytes {
                        batch.bytes([UInt8](d))
                    } else {
                        [UInt8](d).withUnsafeBufferPointer { batch.text($0) }
                    }
                case .double(let v):
                    // The ledger stores no floating point: a REAL here is not the ledger's.
                    throw Refusal(message: "table \(table), column \(column.name): a floating-point value (\(v))")
                }
            }
            batch.endRow()
            rows += 1
            if batch.count >= 8 << 20 {
                try pg.copy(into: table, columns: columns.map(\.name), rows: batch)
                batch.clear()
            }
        }
        try pg.copy(into: table, columns: columns.map(\.name), rows: batch)
        return rows
    }

    /// The tables of the target's schema.
    static func tables(_ t: any SQLSession) throws -> Set<String> {
        Set(
            try t.fetchColumn(
                String.self, sql: "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"))
    }

    /// Parents before children along the target's foreign keys (deferrable keys, checked at the commit, and a
    /// table's keys to itself aside); among tables free to go, by name.
    static func dependencyOrder(_ t: any SQLSession, tables: Set<String>) throws -> [String] {
        var parents: [String: Set<String>] = [:]
        for r in try t.fetchAll(
            sql: """
                SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
                WHERE c.contype = 'f' AND NOT c.condeferrable AND c.connamespace = current_schema()::regnamespace
                """)
        {
            let child: String = try r[0], parent: String = try r[1]
            if child != parent, tables.contains(child), tables.contains(parent) {
                parents[child, default: []].insert(parent)
            }
        }
        var order: [String] = []
        var placed: Set<String> = []
        var left = tables.sorted()
        while !left.isEmpty {
            guard let next = left.first(where: { parents[$0, default: []].isSubset(of: placed) }) else {
                throw LedgerError.internalInconsistency("the target's foreign keys make a cycle among \(left)")
            }
            order.append(next)
            placed.insert(next)
            left.removeAll { $0 == next }
        }
        return order
    }

    /// The hash of a record chain's last link, nil when the chain is empty.
    static func lastHash(_ db: any SQLSession, chain: String) throws -> String? {
        try db.fetchValue(
            String.self, sql: "SELECT hash FROM record_chain WHERE chain = ? ORDER BY sequence DESC LIMIT 1",
            arguments: [chain])
    }

    /// Issued documents with their totals, and the journal's debit and credit: the same SQL on both engines.
    static func totals(_ db: any SQLSession) throws -> Totals {
        let documents = try db.fetchOne(
            sql: """
                SELECT COUNT(*), COALESCE(SUM(total_ht), 0), COALESCE(SUM(total_ttc), 0) FROM invoice WHERE status = 'issued'
                """)
        let entries = try db.fetchOne(
            sql: """
                SELECT (SELECT COUNT(*) FROM journal_entry), COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0)
                FROM journal_entry_line
                """)
        guard let documents, let entries else { throw LedgerError.internalInconsistency("a COUNT returned no row") }
        return try Totals(
            issuedDocuments: documents[0], totalHT: documents[1], totalTTC: documents[2], entries: entries[0],
            debit: entries[1], credit: entries[2])
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func listed(_ names: some Collection<String>) -> String {
        let sorted = names.sorted()
        let shown = sorted.prefix(5).map { "`\($0)`" }.joined(separator: ", ")
        return sorted.count > 5 ? "\(shown) and \(sorted.count - 5) more tables" : shown
    }
}
