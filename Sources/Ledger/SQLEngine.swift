import Foundation
import GRDB

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
    /// Runs one statement; `?` are bound to `arguments` in order.
    func execute(_ sql: String, _ arguments: [SQLValue]) throws
    /// The rows of one query, each a list of its columns' values.
    func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]]
}

/// A ledger database: one engine, its migrations, its transactions.
protocol SQLEngine: Sendable {
    var kind: SQLEngineKind { get }
    /// Runs `work` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ work: (any SQLSession) throws -> T) throws -> T
    /// Applies the named migrations not applied yet, in order; returns the names applied now.
    @discardableResult func migrate() throws -> [String]
    /// The names of the applied migrations, in order.
    func appliedMigrations() throws -> [String]
}

/// A statement refused or failed by the database, with the database's own message
/// (a guarantee trigger's words on both engines).
struct SQLEngineError: Error, CustomStringConvertible, Sendable {
    var message: String
    var sql: String
    var description: String { message }
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

    func migrate() throws -> [String] {
        let before = try appliedMigrations()
        try Schema.migrator.migrate(writer)
        return try appliedMigrations().filter { !before.contains($0) }
    }

    func appliedMigrations() throws -> [String] {
        try writer.read { db in try Schema.migrator.appliedMigrations(db) }
    }
}

struct GRDBSession: SQLSession {
    let db: Database

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        try db.execute(sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
    }

    func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]] {
        try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
            row.databaseValues.map(SQLValue.init)
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
                while j < chars.count, chars[j] != "$", chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
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
