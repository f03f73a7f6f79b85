import BillingModel
import Foundation
import GRDB

/// What the benchmarks need of the ledger beyond its product API: copies, counts, and the SQL of the plain
/// `sqlite3` runs they compare Ardoise with. Kept here so that no other module writes SQL.
public enum PlainSQLite {
    /// A `sqlite3` shell script that imports register files into a bare table of 16 text columns, validating
    /// nothing, and prints its row count.
    public static func bareImportScript(files: [String]) -> String {
        let columns = (1...16).map { "c\($0) TEXT" }.joined(separator: ", ")
        var script = "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\nCREATE TABLE bare (\(columns));\n"
        script += ".mode csv\n.separator ;\n"
        for path in files { script += ".import --skip 1 '\(path)' bare\n" }
        script += "SELECT count(*) FROM bare;\n"
        return script
    }

    /// A `sqlite3` shell script summing the current revenue of `period` by client and category.
    public static func revenueByClientAndCategory(period: Period) -> String {
        """
        SELECT client, category, SUM(amount), SUM(employer_share), COUNT(*) FROM ticket_line
        WHERE file_id IN (SELECT current_file_id FROM site_day WHERE day BETWEEN \(period.start.ordinal) AND \(period.end.ordinal))
          AND client IS NOT NULL
        GROUP BY client, category;
        """
    }
}

extension LedgerDatabase {
    /// Writes a copy of this ledger at `path` whose sales journal is empty (its append-only and no-gap triggers
    /// dropped in the copy only): `bench entries` posts a month into it. Never used on a real ledger.
    /// SQLite only (a copy of the file, `VACUUM INTO`): on a PostgreSQL ledger it refuses, nothing done.
    public func benchmarkCopyWithEmptyJournal(to path: String) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for trigger in [
                "journal_entry_append_only_delete", "journal_entry_line_append_only_delete", "journal_no_gap",
                "vat_pending_append_only_delete", "vat_receipt_move_append_only_delete", "record_chain_frozen_delete"
            ] {
                try db.execute(sql: "DROP TRIGGER \(trigger)")
            }
            // VAT on receipts' records and the entries' hash chain go with the entries (posting again writes them again).
            try db.execute(
                sql: """
                    DELETE FROM vat_receipt_move; DELETE FROM vat_pending; DELETE FROM record_chain WHERE chain = 'entries';
                    DELETE FROM journal_entry_line; DELETE FROM journal_entry; UPDATE journal SET last_number = 0
                    """)
        }
        try queue.close()
    }

    /// One small write transaction (an audit row `sync` with `i`), synced in full (`durableWrite`) or not:
    /// what the sync of an issuing transaction costs.
    public func benchmarkSmallWrite(_ i: Int, durable: Bool) throws {
        let sql = "INSERT INTO audit_log (at, actor, action, details) VALUES ('now', 'bench', 'sync', ?)"
        if durable {
            try engine.durableWrite { db in try db.execute(sql: sql, arguments: [i]) }
        } else {
            try engine.write { db in try db.execute(sql: sql, arguments: [i]) }
        }
    }

    /// The number of stored documents and the bytes of their PDF, XML and canonical content.
    public func issuedDocumentStorage() throws -> (count: Int, bytes: Int64) {
        try engine.read { db in
            let row = try db.fetchOne(
                sql:
                    "SELECT COUNT(*), COALESCE(SUM(length(pdf) + length(xml) + length(content)), 0) FROM issued_document"
            )
            return (try row?[0] ?? 0, try row?[1] ?? 0)
        }
    }

    /// The bytes the ledger takes on its server (PostgreSQL's `pg_database_size`, tables, indexes and TOAST);
    /// nil on SQLite, whose files the benchmarks measure themselves (the database and its WAL).
    public func serverDatabaseBytes() throws -> Int64? {
        guard isPostgreSQL else { return nil }
        return try engine.read { db in
            try db.fetchValue(Int64.self, sql: "SELECT pg_database_size(current_database())")
        }
    }
}

/// The PostgreSQL side of the benchmarks: a scratch database of their own on a server, and the `psql` run of
/// the same files that the import is compared with.
public enum PlainPostgreSQL {
    /// Makes the database `name` on the server of `address` (dropped first when it is there: it is the
    /// benchmark's own, never the one `address` names) and returns its address.
    public static func scratchDatabase(
        _ name: String, on address: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        guard var location = PostgresLocation(address, environment: environment) else { throw LedgerError.badAddress }
        guard location.database != name else {
            throw LedgerError.internalInconsistency("the benchmark's scratch database is the one given: \(name)")
        }
        let server = try PostgresEngine(location)
        try server.executeOutsideTransaction("DROP DATABASE IF EXISTS \(name)")
        try server.executeOutsideTransaction("CREATE DATABASE \(name)")
        location.database = name
        location.password = nil
        return location.description
    }

    /// Whether `address` is a PostgreSQL address (`postgres://USER@HOST:PORT/DATABASE`, no password in it).
    public static func isServerAddress(_ address: String) -> Bool {
        PostgresLocation(address, environment: [:]) != nil
    }

    /// `psql`'s arguments to reach the database of `address` (the password from `PGPASSWORD`).
    public static func psqlArguments(_ address: String) throws -> [String] {
        guard let l = PostgresLocation(address, environment: [:]) else { throw LedgerError.badAddress }
        return [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", l.host, "-p", "\(l.port)", "-U", l.user, "-d",
            l.database
        ]
    }

    /// A `psql` script that copies register files with `\copy` (COPY through the client, one transaction each,
    /// as the import) into a bare table of 16 text columns, the shape of `PlainSQLite.bareImportScript`'s,
    /// validating nothing, and prints its row count.
    public static func bareCopyScript(files: [String]) -> String {
        let columns = (1...16).map { "c\($0) TEXT" }.joined(separator: ", ")
        var script = "DROP TABLE IF EXISTS bare;\nCREATE TABLE bare (\(columns));\n"
        for path in files {
            script +=
                "\\copy bare FROM '\(path.replacingOccurrences(of: "'", with: "''"))' WITH (FORMAT csv, DELIMITER ';', HEADER true)\n"
        }
        script += "SELECT count(*) FROM bare;\n"
        return script
    }
}
