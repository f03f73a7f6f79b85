import BillingModel
import Foundation
import PostgresNIO

/// Where a PostgreSQL ledger is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`.
/// Without a password in the address, `PGPASSWORD` (libpq's variable) gives it, or
/// the file `PGPASSFILE` names (its first line), so no password sits in `ardoise.yaml`.
struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String

    init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Nil when `address` is not a `postgres://` or `postgresql://` address with a user and a database.
    init?(_ address: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let c = URLComponents(string: address), c.scheme == "postgres" || c.scheme == "postgresql",
              let host = c.host, !host.isEmpty, let user = c.user, !user.isEmpty else { return nil }
        let database = String(c.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { return nil }
        var password = c.password
        if password == nil, let p = environment["PGPASSWORD"], !p.isEmpty { password = p }
        if password == nil, let file = environment["PGPASSFILE"],
           let text = try? String(contentsOfFile: file, encoding: .utf8) {
            password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
        }
        self.init(host: host, port: c.port ?? 5432, user: user, password: password, database: database)
    }

    /// The address without its password.
    var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}

/// The ledger on PostgreSQL through postgres-nio: one connection, used by one
/// transaction at a time (a lock queues the callers of this process; other
/// processes have their own connections and meet the database's row locks).
/// Calls block their thread on the driver's event loop: call them from plain
/// threads, as the ledger's SQLite calls are, never from an event loop.
final class PostgresEngine: SQLEngine, Sendable {
    let location: PostgresLocation
    private let connection: PostgresConnection
    private let lock = NSLock()
    var kind: SQLEngineKind { .postgres }

    static let logger: Logger = {
        var logger = Logger(label: "ardoise.postgres")
        logger.logLevel = .critical
        return logger
    }()

    init(_ location: PostgresLocation) throws {
        self.location = location
        let configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: .disable)
        do {
            connection = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration,
                                                        id: 1, logger: Self.logger).wait()
        } catch {
            throw SQLEngineError(message: "cannot connect to \(location): \(Self.message(of: error))", sql: "")
        }
    }

    deinit {
        _ = try? connection.close().wait()
    }

    static func message(of error: any Error) -> String {
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            return "\(e.code)"
        }
        return "\(error)"
    }

    func transaction<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let session = PostgresSession(connection: connection)
        try session.execute("BEGIN", [])
        do {
            let result = try work(session)
            try session.execute("COMMIT", [])
            return result
        } catch {
            _ = try? session.execute("ROLLBACK", [])
            throw error
        }
    }

    /// Migrations are recorded as GRDB records them on SQLite (`grdb_migrations.identifier`), so one
    /// query lists them on both engines; each runs in its own transaction under an advisory lock, so
    /// two processes starting on a new database apply each once.
    func migrate() throws -> [String] {
        try transaction { s in
            try s.execute("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)", [])
        }
        var applied: [String] = []
        let migrations = PostgresSchema.migrations(lineBasisKinds: LineBasis.Kind.allCases.map(\.rawValue))
        let known = Set(migrations.map(\.name))
        for m in migrations {
            let done: Bool = try transaction { s in
                try s.execute("SELECT pg_advisory_xact_lock(hashtext('ardoise migrations'))", [])
                let names = try s.fetch("SELECT identifier FROM grdb_migrations", []).compactMap { $0.first?.text }
                if let unknown = names.first(where: { !known.contains($0) }) {
                    throw SQLEngineError(message: "the database at \(location) has migration `\(unknown)`, which this ardoise does not know: "
                                         + "it was made by a newer version", sql: "")
                }
                guard !names.contains(m.name) else { return true }
                for sql in m.statements { try s.execute(sql, []) }
                try s.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", [.text(m.name)])
                return false
            }
            if !done { applied.append(m.name) }
        }
        return applied
    }

    func appliedMigrations() throws -> [String] {
        let order = PostgresSchema.migrations(lineBasisKinds: LineBasis.Kind.allCases.map(\.rawValue)).map(\.name)
        let names = try transaction { s in
            try s.fetch("SELECT identifier FROM grdb_migrations", []).compactMap { $0.first?.text }
        }
        return order.filter(names.contains)
    }
}

struct PostgresSession: SQLSession {
    let connection: PostgresConnection

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        _ = try run(sql, arguments)
    }

    func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]] {
        try run(sql, arguments).rows.map { row in try row.map(SQLValue.init) }
    }

    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        let text = arguments.isEmpty ? sql : SQLPlaceholders.numbered(sql)
        do {
            return try connection.query(text, arguments.map(\.postgresData)).wait()
        } catch {
            throw SQLEngineError(message: PostgresEngine.message(of: error), sql: sql)
        }
    }
}

extension SQLValue {
    var postgresData: PostgresData {
        switch self {
        case .null: .null
        case .integer(let v): PostgresData(int64: v)
        case .text(let v): PostgresData(string: v)
        case .bytes(let v): PostgresData(bytes: v)
        }
    }

    init(_ cell: PostgresCell) throws {
        guard let buffer = cell.bytes else { self = .null; return }
        switch cell.dataType {
        case .int8, .int4, .int2: self = .integer(try cell.decode(Int64.self))
        case .bool: self = .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: self = .bytes(Array(buffer.readableBytesView))
        case .numeric:
            // SUM over BIGINT is NUMERIC in PostgreSQL: the ledger's sums are whole cents.
            let d = try cell.decode(Decimal.self)
            let v = NSDecimalNumber(decimal: d).int64Value
            guard Decimal(v) == d else {
                throw SQLEngineError(message: "column \(cell.columnName): \(d) is not a whole number", sql: "")
            }
            self = .integer(v)
        default: self = .text(try cell.decode(String.self))
        }
    }
}
