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
            let host = c.host, !host.isEmpty, let user = c.user, !user.isEmpty
        else { return nil }
        let database = String(c.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { return nil }
        var password = c.password
        if password == nil, let p = environment["PGPASSWORD"], !p.isEmpty { password = p }
        if password == nil, let file = environment["PGPASSFILE"],
            let text = try? String(contentsOfFile: file, encoding: .utf8)
        {
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
    /// The statements sent to the server through this engine since it was opened (each a round trip: BEGIN and
    /// COMMIT included), for the benchmarks and the tests that count them.
    let statements = StatementCount()
    /// Whether each transaction that wrote moves the ledger's change counter (`ledger_change`, "v19 change counter")
    /// before it commits: the ledger's own engine does; an engine opened for a lock or a check does not.
    let countsChanges: Bool

    static let logger: Logger = {
        var logger = Logger(label: "ardoise.postgres")
        logger.logLevel = .critical
        return logger
    }()

    init(_ location: PostgresLocation, countsChanges: Bool = false) throws {
        self.location = location
        self.countsChanges = countsChanges
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user,
            password: location.password, database: location.database, tls: .disable)
        do {
            connection = try PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration,
                id: 1, logger: Self.logger
            ).wait()
        } catch {
            throw SQLEngineError(message: "cannot connect to \(location): \(Self.message(of: error))", sql: "")
        }
        // No JIT compilation: the ledger's queries are short, and a plan estimated costly (a materialized CTE, a
        // year's aggregate) paid 0.2–0.4 s compiling for a query that runs in tens of milliseconds.
        do {
            _ = try connection.query("SET jit = off", []).wait()
        } catch {
            throw SQLEngineError(
                message: "cannot set up the session on \(location): \(Self.message(of: error))", sql: "")
        }
    }

    deinit {
        _ = try? connection.close().wait()
    }

    /// `ARDOISE_DEBUG_SQL=1`: a statement PostgreSQL refuses is printed on standard error with its SQL.
    static let debugSQL = ProcessInfo.processInfo.environment["ARDOISE_DEBUG_SQL"] == "1"

    /// A statement's failure as the ledger reports it: the server's message and its SQLSTATE.
    static func failure(_ error: any Error, sql: String) -> SQLEngineError {
        SQLEngineError(
            message: message(of: error, sql: sql), sql: sql, code: (error as? PSQLError)?.serverInfo?[.sqlState])
    }

    static func message(of error: any Error, sql: String = "") -> String {
        if debugSQL, !sql.isEmpty { FileHandle.standardError.write(Data("postgres refused: \(error)\n\(sql)\n".utf8)) }
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            return "\(e.code)"
        }
        return "\(error)"
    }

    func transaction<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        try transaction(countingChange: countsChanges, work)
    }

    /// A read: its statements run on their own (PostgreSQL's autocommit) until one needs a transaction block (a
    /// cursor, a lock, a write: `PostgresSession.needsTransaction`), which BEGINs one for the rest; it moves no
    /// counter. A read of one query is one round trip where BEGIN and COMMIT made it three. Under READ COMMITTED,
    /// the server's default, each statement of a transaction sees its own snapshot anyway: a read sees the same.
    func read<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let session = PostgresSession(connection: connection, statements: statements)
        session.beginsOnDemand = true
        do {
            let result = try work(session)
            if session.began { try session.execute("COMMIT", []) }
            return result
        } catch {
            if session.began { _ = try? session.execute("ROLLBACK", []) }
            throw error
        }
    }

    /// The lock every write transaction takes first, held until it ends (`pg_advisory_xact_lock`).
    static let writerLock = "SELECT pg_advisory_xact_lock(hashtext('ardoise writer'))"

    /// A read-only transaction at REPEATABLE READ: every statement of `work` sees the one snapshot taken at its
    /// first. With `snapshot` (what `pg_export_snapshot()` gave another connection's such transaction, still open),
    /// that connection's snapshot: two connections read one state of the ledger side by side.
    func snapshotRead<T>(importing snapshot: String? = nil, _ work: (any SQLSession) throws -> T) throws -> T {
        var opening: [String] = []
        if let snapshot {
            // Not a bind parameter: PostgreSQL takes the snapshot's name as a literal only.
            guard !snapshot.isEmpty, snapshot.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || isxdigit(Int32($0)) != 0 })
            else { throw SQLEngineError(message: "not a snapshot name: \(snapshot)", sql: "") }
            opening.append("SET TRANSACTION SNAPSHOT '\(snapshot)'")
        }
        return try block("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", opening, work)
    }

    /// Moves the change counter when this transaction wrote (PostgreSQL gave it a transaction id): run last, just
    /// before COMMIT, so the counter's row lock is held for the commit only and concurrent writers queue there for
    /// no longer than that. A page kept under the counter's value is thrown away by the commit that moves it.
    static let countChange =
        "UPDATE ledger_change SET version = version + 1 WHERE pg_current_xact_id_if_assigned() IS NOT NULL"

    private func transaction<T>(countingChange: Bool, _ work: (any SQLSession) throws -> T) throws -> T {
        // One writer at a time, as on SQLite: the audit and entry chains are appended by reading their last link, a
        // batch of validations holds the row locks of several number series, and closing a month must not interleave
        // with issuing into it. Reads never wait for it. Not for ever: a writer hung in its transaction (a stopped
        // process, a lost network) fails the others after the time SQLite's writers wait for theirs, instead of
        // stopping every writer of every machine.
        try block(
            "BEGIN", ["SET LOCAL lock_timeout = '\(Int(LedgerDatabase.defaultBusyTimeout * 1000))ms'", Self.writerLock],
            work, closing: countingChange ? [Self.countChange] : [])
    }

    /// A transaction block on this connection: `begin`, the `opening` statements, `work`, the `closing` ones and a
    /// checked COMMIT (`PostgresSession.commit`); ROLLBACK when anything throws.
    private func block<T>(
        _ begin: String, _ opening: [String], _ work: (any SQLSession) throws -> T, closing: [String] = []
    ) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let session = PostgresSession(connection: connection, statements: statements)
        _ = try session.execute(begin, [])
        do {
            for statement in opening { _ = try session.execute(statement, []) }
            let result = try work(session)
            for statement in closing { _ = try session.execute(statement, []) }
            try session.commit()
            return result
        } catch {
            _ = try? session.execute("ROLLBACK", [])
            throw error
        }
    }

    /// Runs one statement on its own, outside any transaction (`CREATE DATABASE` refuses to run in one).
    func executeOutsideTransaction(_ sql: String) throws {
        _ = try autocommit { try $0.execute(sql, []) }
    }

    /// One statement in a transaction of its own (PostgreSQL's autocommit): one round trip, for a cheap read.
    func autocommit<T>(_ work: (any SQLSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try work(PostgresSession(connection: connection, statements: statements))
    }

    /// Migrations are recorded as GRDB records them on SQLite (`grdb_migrations.identifier`), so one
    /// query lists them on both engines; each runs in its own transaction under an advisory lock, so
    /// two processes starting on a new database apply each once.
    func migrate() throws -> [String] {
        try transaction(countingChange: false) { s in
            try s.execute("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)", [])
        }
        var applied: [String] = []
        let migrations = PostgresSchema.migrations(lineBasisKinds: LineBasis.Kind.allCases.map(\.rawValue))
        let known = Set(migrations.map(\.name))
        for m in migrations {
            let done: Bool = try transaction(countingChange: false) { s in
                try s.execute("SELECT pg_advisory_xact_lock(hashtext('ardoise migrations'))", [])
                let names = try s.fetch("SELECT identifier FROM grdb_migrations", []).compactMap { $0.first?.text }
                if let unknown = names.first(where: { !known.contains($0) }) {
                    throw SQLEngineError(
                        message:
                            "the database at \(location) has migration `\(unknown)`, which this ardoise does not know: "
                            + "it was made by a newer version", sql: "")
                }
                guard !names.contains(m.name) else { return true }
                for sql in m.statements { try s.execute(sql, []) }
                try s.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", [.text(m.name)] as [SQLValue])
                return false
            }
            if !done { applied.append(m.name) }
        }
        return applied
    }

    /// Whether this database holds a ledger (its migrations table has rows).
    func hasLedger() throws -> Bool {
        try read { s in
            guard try s.fetchValue(Bool.self, sql: "SELECT to_regclass('grdb_migrations') IS NOT NULL") == true else {
                return false
            }
            return try s.fetchValue(Int64.self, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0 > 0
        }
    }

    func appliedMigrations() throws -> [String] {
        let order = PostgresSchema.migrations(lineBasisKinds: LineBasis.Kind.allCases.map(\.rawValue)).map(\.name)
        let names = try read { s in
            try s.fetch("SELECT identifier FROM grdb_migrations", []).compactMap { $0.first?.text }
        }
        return order.filter(names.contains)
    }
}

/// A count of statements sent, safe from any thread.
final class StatementCount: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() {
        lock.lock()
        n += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}

final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let statements: StatementCount
    var kind: SQLEngineKind { .postgres }
    private(set) var changesCount = 0

    init(connection: PostgresConnection, statements: StatementCount = StatementCount()) {
        self.connection = connection
        self.statements = statements
    }

    /// A read's session (`PostgresEngine.read`): no BEGIN until a statement needs one.
    var beginsOnDemand = false
    /// Whether this read's session began a transaction block (to COMMIT at its end).
    private(set) var began = false

    /// Whether `sql` needs a transaction block: anything but a plain query (a cursor's DECLARE, a write, a lock
    /// held to the end of the transaction).
    static func needsTransaction(_ sql: String) -> Bool {
        let head = sql.drop(while: { $0.isWhitespace }).prefix(6).uppercased()
        guard head.hasPrefix("SELECT") || head.hasPrefix("WITH") else { return true }
        for word in ["FOR UPDATE", "FOR SHARE", "FOR NO KEY", "FOR KEY", "PG_ADVISORY", "NEXTVAL", "SETVAL"]
        where sql.range(of: word, options: .caseInsensitive) != nil {
            return true
        }
        return false
    }

    private func beginIfNeeded(_ sql: String) throws {
        guard beginsOnDemand, !began, Self.needsTransaction(sql) else { return }
        began = true
        try execute("BEGIN", [])
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try beginIfNeeded(sql)
        statements.add()
        let text = arguments.isEmpty ? sql : SQLPlaceholders.numbered(sql)
        do {
            changesCount = try connection.query(text, arguments.map(\.postgresData)).wait().metadata.rows ?? 0
            return changesCount
        } catch {
            throw PostgresEngine.failure(error, sql: sql)
        }
    }

    /// COMMIT, and a refusal when PostgreSQL rolled the transaction back instead (it answers COMMIT with ROLLBACK,
    /// without an error, when a failed statement had aborted the transaction): never reported as written.
    func commit() throws {
        statements.add()
        let tag: String
        do {
            tag = try connection.query("COMMIT", []).wait().metadata.command
        } catch {
            throw PostgresEngine.failure(error, sql: "COMMIT")
        }
        guard tag == "COMMIT" else {
            throw SQLEngineError(
                message: "PostgreSQL rolled the transaction back (\(tag)): nothing was written", sql: "COMMIT")
        }
    }

    /// `SAVEPOINT`, then `RELEASE` or `ROLLBACK TO`: a refused statement aborts PostgreSQL's transaction, and rolling
    /// back to the savepoint is what lets it go on.
    func savepoint<T>(_ work: () throws -> T) throws -> T {
        _ = try execute("SAVEPOINT ardoise_each", [])
        do {
            let result = try work()
            _ = try execute("RELEASE SAVEPOINT ardoise_each", [])
            return result
        } catch {
            // A deadlock or a serialization failure: the locks stay after the rollback to the savepoint.
            if let e = error as? SQLEngineError, e.endsTheTransaction { throw TransactionLost(cause: error) }
            let refused = error
            do {
                _ = try execute("ROLLBACK TO SAVEPOINT ardoise_each", [])
                _ = try execute("RELEASE SAVEPOINT ardoise_each", [])
            } catch {
                // The connection or the transaction is gone: that is what ends the batch, not the refusal.
                throw TransactionLost(cause: error)
            }
            throw refused
        }
    }

    /// Rows come from the driver's event loop as the server sends them and are decoded there; `body` then
    /// reads them on the caller's thread once the query is done (a body may run queries of its own: it
    /// never runs on the event loop, where waiting for them would deadlock).
    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Bool) throws {
        try beginIfNeeded(sql)
        statements.add()
        let text = arguments.isEmpty ? sql : SQLPlaceholders.numbered(sql)
        let state = RowState()
        do {
            try connection.query(text, arguments.map(\.postgresData), onRow: { row in try state.take(row) }).wait()
        } catch {
            if let thrown = state.thrown { throw thrown }
            throw PostgresEngine.failure(error, sql: sql)
        }
        guard let columns = state.columns else { return }
        for values in state.rows {
            guard try body(SQLRow(columns: columns, values: values)) else { return }
        }
    }

    /// Runs one query and gives each row to `body` on the driver's event loop as the server sends it, while the
    /// caller's thread waits: no row is kept, no cursor is needed and no value is made a `SQLValue`, for a scan
    /// that reads a month's ticket lines and only computes (`body` must never run a query: it would wait for the
    /// loop it runs on).
    func scanRows(_ sql: String, _ arguments: [SQLValue], _ body: @escaping @Sendable (PostgresRow) throws -> Void)
        throws
    {
        try beginIfNeeded(sql)
        statements.add()
        let text = arguments.isEmpty ? sql : SQLPlaceholders.numbered(sql)
        let thrown = ThrownBox()
        do {
            try connection.query(
                text, arguments.map(\.postgresData),
                onRow: { row in
                    do { try body(row) } catch {
                        thrown.error = error
                        throw error
                    }
                }
            ).wait()
        } catch {
            if let error = thrown.error { throw error }
            throw PostgresEngine.failure(error, sql: sql)
        }
    }

    /// The error a row's body threw on the event loop, for the waiting caller.
    private final class ThrownBox: @unchecked Sendable { var error: (any Error)? }

    /// The rows decoded on the event loop while the caller's thread waits: never used from two threads at once.
    private final class RowState: @unchecked Sendable {
        var columns: SQLColumns?
        var rows: [[SQLValue]] = []
        var thrown: (any Error)?

        func take(_ row: PostgresRow) throws {
            let cells = Array(row)
            if columns == nil { columns = SQLColumns(cells.map(\.columnName)) }
            do {
                rows.append(try cells.map(SQLValue.init))
            } catch {
                thrown = error
                throw error
            }
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

/// The daily run's lock on a PostgreSQL ledger: a session advisory lock of the database, held by a
/// connection of its own while the run lasts, so two schedulers on two machines never run at once (the
/// second finds it taken and stops, nothing done). Released when the lock object goes, or when the
/// process dies and the server closes its connection: no lock file to clean up.
public final class DatabaseRunLock: Sendable {
    private let engine: PostgresEngine

    /// Takes the lock of the ledger at `address`, or returns nil when another process holds it.
    public init?(address: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let engine = try PostgresEngine(try LedgerDatabase.postgresLocation(address, environment: environment))
        // A statement of its own: a write transaction would first wait for the writers' lock.
        let taken = try engine.autocommit { s in
            try s.fetchValue(Bool.self, sql: "SELECT pg_try_advisory_lock(hashtext('ardoise daily run'))")
        }
        guard taken == true else { return nil }
        self.engine = engine
    }
}

// MARK: - COPY … FROM STDIN

extension PostgresSession {
    /// Sends `rows` (PostgreSQL's COPY text format, `CopyText`) into `table`'s `columns` with one
    /// `COPY … FROM STDIN` in the session's transaction: the protocol `psql \copy` uses, with no statement to parse
    /// or parameter to bind per row (the import's ticket lines, `ardoise migrate`'s tables).
    ///
    /// postgres-nio's `copyFrom` is async and the ledger's calls are synchronous: the COPY runs in a task whose
    /// executor is the connection's event loop (`EventLoopTaskExecutor`), and the calling thread waits for it. That
    /// task never needs a thread of Swift's cooperative pool, so a caller on one of them (a test, a handler of
    /// `ardoise serve`), even with every other thread of the pool blocked too, cannot deadlock waiting for it, as
    /// a task on the pool did (`makeFutureWithTask`). Like every call of the session: never from the event loop.
    func copy(into table: String, columns: [String], rows: CopyText) throws {
        guard rows.rows > 0 else { return }
        try beginIfNeeded("COPY")
        statements.add()
        let connection = self.connection
        let data = rows.buffer
        let done = connection.eventLoop.makePromise(of: Void.self)
        Task(executorPreference: EventLoopTaskExecutor(connection.eventLoop)) {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: PostgresEngine.logger) {
                    writer in
                    // In slices: the driver hands each one to the socket as the server reads.
                    var rest = data
                    while rest.readableBytes > 0 {
                        guard let slice = rest.readSlice(length: min(rest.readableBytes, 1 << 20)) else { break }
                        try await writer.write(slice)
                    }
                }
                done.succeed()
            } catch {
                done.fail(error)
            }
        }
        do {
            try done.futureResult.wait()
        } catch {
            let sql = "COPY \(table) FROM STDIN"
            throw PostgresEngine.failure(error, sql: sql)
        }
    }
}

/// Runs a task's jobs on one event loop: the executor the COPY's task prefers (`PostgresSession.copy`), so that
/// it and everything it awaits (the driver's continuations, resumed on that loop) run without Swift's cooperative
/// pool. The jobs only await the driver's futures, never block: the loop keeps serving its channels.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Rows in PostgreSQL's COPY text format: a tab between columns, a newline after each row, `\N` for NULL,
/// and backslash, tab, newline and carriage return escaped in text; bytes as `\\x` and their hex digits.
/// Written into a plain byte array (a field's bytes copied at once, integers' digits written in place), made a
/// `ByteBuffer` once per batch: appended to byte by byte, a `ByteBuffer` took half an import's time on PostgreSQL.
struct CopyText {
    private var data: [UInt8] = []
    /// The rows ended so far.
    private(set) var rows = 0
    private var atRowStart = true

    init(capacity: Int = 1 << 16) { data.reserveCapacity(capacity) }

    /// The bytes held (to send a batch before it grows too big).
    var count: Int { data.count }

    /// The batch, to send.
    var buffer: ByteBuffer { ByteBuffer(bytes: data) }

    private mutating func separate() {
        if atRowStart { atRowStart = false } else { data.append(0x09) }
    }

    mutating func null() {
        separate()
        data.append(0x5C)
        data.append(UInt8(ascii: "N"))
    }

    mutating func integer(_ v: Int64) {
        separate()
        // The digits in place, last first, then turned around: no `String` per value.
        if v < 0 { data.append(UInt8(ascii: "-")) }
        let start = data.count
        var m = v.magnitude
        repeat {
            data.append(UInt8(ascii: "0") + UInt8(m % 10))
            m /= 10
        } while m > 0
        data[start...].reverse()
    }

    /// Text given as its UTF-8 bytes.
    mutating func text(_ text: UnsafeBufferPointer<UInt8>) {
        separate()
        if !text.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            data.append(contentsOf: text)
            return
        }
        for b in text {
            switch b {
            case 0x5C: data += [0x5C, 0x5C]
            case 0x09: data += [0x5C, UInt8(ascii: "t")]
            case 0x0A: data += [0x5C, UInt8(ascii: "n")]
            case 0x0D: data += [0x5C, UInt8(ascii: "r")]
            default: data.append(b)
            }
        }
    }

    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { text($0) }
    }

    /// A `bytea` value: `\x` and two hex digits a byte, its backslash escaped.
    mutating func bytes(_ value: [UInt8]) {
        separate()
        data += [0x5C, 0x5C, UInt8(ascii: "x")]
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for b in value {
            data.append(hex[Int(b >> 4)])
            data.append(hex[Int(b & 0x0F)])
        }
    }

    mutating func endRow() {
        data.append(0x0A)
        atRowStart = true
        rows += 1
    }

    /// Empties the batch once sent.
    mutating func clear() {
        data.removeAll(keepingCapacity: true)
        rows = 0
        atRowStart = true
    }
}
