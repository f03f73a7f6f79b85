import Foundation
import GRDB
import GRDBSQLite

/// The seam the ledger will move onto to run on SQLite or PostgreSQL (issue 23).
///
/// Today the ledger speaks GRDB directly; this internal abstraction is what its
/// queries will be written against as they move: a connection (`SQLEngine`),
/// a transaction on it (`transaction`), and statements with bound arguments
/// (`execute`, `fetch`) written with `?` placeholders in SQL both engines read.
/// Values are what the ledger stores: integers (money is integer cents), text
/// and bytes — never floating point.
enum SQLValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case text(String)
    case bytes([UInt8])

    var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
    var text: String? { if case .text(let v) = self { v } else { nil } }

    var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let v): "\(v)"
        case .text(let v): "'\(v)'"
        case .bytes(let v): "<\(v.count) bytes>"
        }
    }
}

enum SQLEngineKind: String, Sendable { case sqlite, postgres }

/// Statements inside one transaction of one connection.
protocol SQLSession {
    var kind: SQLEngineKind { get }
    /// Runs one statement; `?` are bound to `arguments` in order; the number of rows it changed.
    @discardableResult func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int
    /// The number of rows the last statement run by `execute` changed.
    var changesCount: Int { get }
    /// Calls `body` with each row of one query as the database steps through them (nothing is kept:
    /// the big scans stream); `body` returns false to stop early.
    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Bool) throws
    /// Runs `work` inside a savepoint of the caller's transaction: what it wrote stays when it returns, and is
    /// undone when it throws (the error is rethrown, the transaction goes on). When the database ended the whole
    /// transaction instead (a full disk, a lost connection), `TransactionLost` is thrown: nothing more may run in it.
    func savepoint<T>(_ work: () throws -> T) throws -> T
}

/// A failure the transaction around a savepoint did not survive: the whole transaction fails with `cause`.
struct TransactionLost: Error, CustomStringConvertible {
    var cause: any Error
    var description: String { "\(cause)" }
}

extension SQLSession {
    /// The rows of one query, each a list of its columns' values.
    func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]] {
        try fetchAll(sql: sql, arguments: arguments).map(\.values)
    }

    /// Runs one statement with `?` bound to `arguments` (integers, text, bytes, optionals); the number of rows it changed.
    @discardableResult func execute(sql: String, arguments: [any SQLArgument] = []) throws -> Int {
        try execute(sql, arguments.map { $0.sqlValue })
    }

    /// Every row of one query.
    func fetchAll(sql: String, arguments: [any SQLArgument] = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, arguments.map { $0.sqlValue }) {
            rows.append($0); return true
        }
        return rows
    }

    /// The first row of one query, nil when there is none.
    func fetchOne(sql: String, arguments: [any SQLArgument] = []) throws -> SQLRow? {
        var first: SQLRow?
        try forEachRow(sql, arguments.map { $0.sqlValue }) {
            first = $0; return false
        }
        return first
    }

    /// Each row of one query in turn, none kept (a cursor).
    func forEach(sql: String, arguments: [any SQLArgument] = [], _ body: (SQLRow) throws -> Void) throws {
        try forEachRow(sql, arguments.map { $0.sqlValue }) {
            try body($0); return true
        }
    }

    /// The first column of the first row; nil when there is no row or the value is NULL.
    func fetchValue<T: SQLDecodable>(_ type: T.Type, sql: String, arguments: [any SQLArgument] = []) throws -> T? {
        guard let row = try fetchOne(sql: sql, arguments: arguments) else { return nil }
        return try row.get(0) as T?
    }

    /// The first column of every row (a NULL in it throws).
    func fetchColumn<T: SQLDecodable>(_ type: T.Type, sql: String, arguments: [any SQLArgument] = []) throws -> [T] {
        var values: [T] = []
        try forEachRow(sql, arguments.map { $0.sqlValue }) {
            values.append(try $0.get(0)); return true
        }
        return values
    }

    /// Inserts a flat `Encodable` record (camelCase properties for snake_case columns) into `table`;
    /// `id`, when nil, is left to the database and the new id returned (`RETURNING id` on both engines).
    @discardableResult func insert(_ record: some Encodable, into table: String) throws -> Int64? {
        var fields = try SQLRecordEncoder.columns(of: record)
        let hasID = fields.contains { $0.column == "id" }
        fields.removeAll { $0.column == "id" && $0.value == .null }
        let sql =
            "INSERT INTO \(table) (\(fields.map(\.column).joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: fields.count).joined(separator: ", ") + ")" + (hasID ? " RETURNING id" : "")
        if hasID {
            guard let row = try fetchOne(sql: sql, arguments: fields.map(\.value)) else {
                throw SQLEngineError(message: "INSERT INTO \(table) returned no id", sql: sql)
            }
            return try row.get(0) as Int64
        }
        try execute(sql, fields.map(\.value))
        return nil
    }

    /// Inserts `rows` (each one value per column) into `table`'s `columns`. On PostgreSQL, where every statement is a
    /// round trip to the server, as multi-row INSERTs of up to 1,000 rows; on SQLite one prepared statement stepped
    /// once a row, as before (nothing to save there). The same rows on both, inserted in order.
    func insertRows(into table: String, columns: [String], _ rows: [[SQLValue]]) throws {
        guard !rows.isEmpty else { return }
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        guard kind == .postgres else {
            let sql = head + one
            for r in rows { try execute(sql, r) }
            return
        }
        // PostgreSQL binds at most 65,535 parameters a statement.
        let per = max(1, min(1_000, 65_535 / max(1, columns.count)))
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + per)
            try execute(
                head + Array(repeating: one, count: end - start).joined(separator: ", "),
                Array(rows[start..<end].joined()))
            start = end
        }
    }

    /// The GRDB connection under a SQLite session, for the helpers not yet written for both engines:
    /// on PostgreSQL they refuse (nothing done) instead of running.
    func sqliteDatabase() throws -> Database {
        guard let session = self as? GRDBSession else { throw LedgerError.notOnPostgreSQL }
        return session.db
    }

    /// Inserts a stored record into its table (`databaseTableName`); the new id when the record has an `id` left nil.
    @discardableResult func insert<R: Encodable & TableRecord>(_ record: R) throws -> Int64? {
        try insert(record, into: R.databaseTableName)
    }

    /// Writes every column of a stored record again, found by its `id`.
    func update<R: Encodable & TableRecord>(_ record: R, id: Int64) throws {
        let fields = try SQLRecordEncoder.columns(of: record).filter { $0.column != "id" }
        try execute(
            "UPDATE \(R.databaseTableName) SET " + fields.map { "\($0.column) = ?" }.joined(separator: ", ")
                + " WHERE id = ?",
            fields.map(\.value) + [.integer(id)])
    }

    /// The stored records one query selects (`SELECT * FROM table …`), read by column name.
    func fetchRecords<R: Decodable>(_ type: R.Type, sql: String, arguments: [any SQLArgument] = []) throws -> [R] {
        var records: [R] = []
        try forEachRow(sql, arguments.map { $0.sqlValue }) {
            records.append(try $0.decode(R.self)); return true
        }
        return records
    }

    /// The first stored record one query selects.
    func fetchRecord<R: Decodable>(_ type: R.Type, sql: String, arguments: [any SQLArgument] = []) throws -> R? {
        try fetchOne(sql: sql, arguments: arguments)?.decode(R.self)
    }

    /// The stored record of this id (`SELECT * FROM table WHERE id = ?`).
    func fetchRecord<R: Decodable & TableRecord>(_ type: R.Type, id: some SQLArgument) throws -> R? {
        try fetchRecord(
            R.self, sql: "SELECT * FROM \(R.databaseTableName) WHERE \(R.primaryKeyColumn) = ?", arguments: [id])
    }

    /// SQL where the engines differ: `sqlite` on SQLite, `postgres` on PostgreSQL.
    func sql(sqlite: String, postgres: String) -> String { kind == .sqlite ? sqlite : postgres }

    /// A subquery giving the integers of one JSON array argument (`LedgerDatabase.jsonArray`), so a set of any size is one argument.
    var integersOfJSONArgument: String {
        sql(
            sqlite: "SELECT value FROM json_each(?)",
            postgres: "SELECT value::bigint FROM json_array_elements_text(?::json)")
    }

    /// A subquery giving the strings of one JSON array argument.
    var stringsOfJSONArgument: String {
        sql(sqlite: "SELECT value FROM json_each(?)", postgres: "SELECT value FROM json_array_elements_text(?::json)")
    }
}

extension TableRecord {
    /// The column `fetchRecord(_:id:)` finds a row by: `id`, or the key of the tables keyed otherwise.
    static var primaryKeyColumn: String {
        switch databaseTableName {
        case "event_order": "order_id"
        default: "id"
        }
    }
}

/// A ledger database: one engine, its migrations, its transactions.
protocol SQLEngine: Sendable {
    var kind: SQLEngineKind { get }
    /// Runs `work` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ work: (any SQLSession) throws -> T) throws -> T
    /// A read-only transaction (on SQLite, one of the pool's readers, beside the writer).
    func read<T>(_ work: (any SQLSession) throws -> T) throws -> T
    /// A write transaction; the database's own errors come through unchanged.
    func write<T>(_ work: (any SQLSession) throws -> T) throws -> T
    /// A write transaction that is on disk once it returns, power cut included (documents' legal numbers).
    func durableWrite<T>(_ work: (any SQLSession) throws -> T) throws -> T
    /// Applies the named migrations not applied yet, in order; returns the names applied now.
    @discardableResult func migrate() throws -> [String]
    /// The names of the applied migrations, in order.
    func appliedMigrations() throws -> [String]
}

extension SQLEngine {
    func read<T>(_ work: (any SQLSession) throws -> T) throws -> T { try transaction(work) }
    func write<T>(_ work: (any SQLSession) throws -> T) throws -> T { try transaction(work) }
    func durableWrite<T>(_ work: (any SQLSession) throws -> T) throws -> T { try transaction(work) }
}

/// A statement refused or failed by the database, with the database's own message
/// (a guarantee trigger's words on both engines).
struct SQLEngineError: Error, CustomStringConvertible, Sendable {
    var message: String
    var sql: String
    /// PostgreSQL's SQLSTATE (`23000`, `40P01`…); nil on SQLite.
    var code: String? = nil
    var description: String { message }

    /// PostgreSQL's failures of the transaction itself rather than of one statement's content: a deadlock, a
    /// serialization failure (class 40), a lock not obtained in time (55P03). Rolling back to a savepoint keeps the
    /// locks the transaction holds, so the same failure would come back for each statement after it.
    var endsTheTransaction: Bool { code.map { $0.hasPrefix("40") || $0 == "55P03" } ?? false }
}

// MARK: - SQLite (GRDB)

/// The SQLite ledger through GRDB: the embedded default.
struct SQLiteEngine: SQLEngine {
    let writer: any DatabaseWriter
    var kind: SQLEngineKind { .sqlite }

    func transaction<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        do {
            return try writer.write { db in try work(GRDBSession(db: db)) }
        } catch let error as DatabaseError {
            throw SQLEngineError(message: error.message ?? "\(error)", sql: error.sql ?? "")
        }
    }

    func read<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        try writer.read { db in try work(GRDBSession(db: db)) }
    }

    func write<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        try writer.write { db in try work(GRDBSession(db: db)) }
    }

    /// `synchronous = FULL` for this transaction: the WAL is synced at commit.
    func durableWrite<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            var result: T?
            try db.inTransaction {
                result = try work(GRDBSession(db: db))
                return .commit
            }
            guard let result else { throw LedgerError.internalInconsistency("durable write returned nothing") }
            return result
        }
    }

    func migrate() throws -> [String] {
        let before = try appliedMigrations()
        try Schema.migrator.migrate(writer)
        return try appliedMigrations().filter { !before.contains($0) }
    }

    func appliedMigrations() throws -> [String] {
        try writer.read { db in try Schema.migrator.appliedMigrations(db) }
    }
}

/// Statements on one GRDB connection: prepared once per connection and reused (`cachedStatement`),
/// rows read through a cursor.
struct GRDBSession: SQLSession {
    let db: Database
    var kind: SQLEngineKind { .sqlite }
    var changesCount: Int { db.changesCount }

    /// Several statements in one text (a migration's script) cannot be one prepared statement.
    /// (Asked of every statement run: read as bytes, not as Characters, whose walk was a few per cent of issuing.)
    static func isScript(_ sql: String) -> Bool {
        // A `;` followed, further on, by anything but blanks and other `;`: a second statement.
        var semicolon = false
        for b in sql.utf8 {
            switch b {
            case UInt8(ascii: ";"): semicolon = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C: continue
            default: if semicolon { return true }
            }
        }
        return false
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let args = StatementArguments(arguments.map { $0.databaseValue })
        // Not cached: a script, or a statement binding bytes (a cached statement keeps its last arguments as long as
        // the connection lives).
        if Self.isScript(sql) || arguments.contains(where: { if case .bytes = $0 { true } else { false } }) {
            try db.execute(sql: sql, arguments: args)
        } else {
            try db.cachedStatement(sql: sql).execute(arguments: args)
        }
        return db.changesCount
    }

    /// GRDB's own savepoint (`inSavepoint`), which knows when SQLite rolled the whole transaction back.
    func savepoint<T>(_ work: () throws -> T) throws -> T {
        var result: T?
        do {
            try db.inSavepoint {
                result = try work()
                return .commit
            }
        } catch {
            if !db.isInsideTransaction { throw TransactionLost(cause: error) }
            throw error
        }
        guard let result else { throw LedgerError.internalInconsistency("a savepoint returned nothing") }
        return result
    }

    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Bool) throws {
        let statement = try db.cachedStatement(sql: sql)
        let columns = SQLColumns(statement.columnNames)
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments.map { $0.databaseValue }))
        while let row = try cursor.next() {
            guard try body(SQLRow(columns: columns, values: row.databaseValues.map(SQLValue.init))) else {
                // Stopped before the end: reset now, so no statement stays in progress (an INSERT … RETURNING
                // left half-stepped would keep the transaction from committing).
                sqlite3_reset(statement.sqliteStatement)
                return
            }
        }
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .bytes(let v): Data(v).databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let v): self = .integer(v)
        case .string(let v): self = .text(v)
        case .blob(let v): self = .bytes([UInt8](v))
        // The ledger stores no floating point; a REAL read back (an average in an ad-hoc query) is shown as text.
        case .double(let v): self = .text("\(v)")
        }
    }
}

// MARK: - Placeholders

enum SQLPlaceholders {
    /// `?` placeholders as PostgreSQL's `$1`, `$2`…, leaving quoted text, quoted
    /// names, comments and dollar-quoted bodies alone.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.count + 8)
        var n = 0
        let chars = Array(sql)
        var i = 0
        func copy(until end: Character, from start: Int) -> Int {
            var j = start + 1
            while j < chars.count {
                if chars[j] == end {
                    if j + 1 < chars.count, chars[j + 1] == end { j += 2; continue }
                    return j
                }
                j += 1
            }
            return chars.count - 1
        }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "'", "\"":
                let j = copy(until: c, from: i)
                out.append(contentsOf: chars[i...j])
                i = j + 1
            case "-" where i + 1 < chars.count && chars[i + 1] == "-":
                var j = i
                while j < chars.count, chars[j] != "\n" { j += 1 }
                out.append(contentsOf: chars[i..<j])
                i = j
            case "$" where i + 1 < chars.count && (chars[i + 1] == "$" || chars[i + 1].isLetter):
                // A dollar-quote tag `$tag$` … `$tag$`; `$1` (a digit) is not one.
                var j = i + 1
                while j < chars.count, chars[j] != "$", chars[j].isLetter || chars[j].isNumber || chars[j] == "_" {
                    j += 1
                }
                guard j < chars.count, chars[j] == "$" else { out.append(c); i += 1; continue }
                let tag = String(chars[i...j])
                let rest = String(chars[(j + 1)...])
                if let close = rest.range(of: tag) {
                    let body = rest[..<close.upperBound]
                    out += tag + body
                    i = j + 1 + body.count
                } else {
                    out += String(chars[i...])
                    i = chars.count
                }
            case "?" where i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber:
                // SQLite's numbered `?2` is PostgreSQL's `$2`.
                out.append("$")
                i += 1
            case "?":
                n += 1
                out += "$\(n)"
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
        return out
    }
}
