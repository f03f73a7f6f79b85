import GRDB
import GRDBSQLite

/// A ticket line as the importer hands it over: text fields are byte ranges
/// of a buffer the importer owns, so no `String` is made per field.
public struct TicketLineFields: Sendable {
    public var line: Int64 = 0
    public var ticket: Range<Int> = 0..<0
    public var site: Range<Int> = 0..<0
    public var register: Int64 = 0
    public var day: Int64 = 0
    public var time: Int64 = 0
    /// Empty ranges are stored as NULL for badge, client and category.
    public var badge: Range<Int> = 0..<0
    public var client: Range<Int> = 0..<0
    public var category: Range<Int> = 0..<0
    public var activity: Range<Int> = 0..<0
    public var article: Range<Int> = 0..<0
    public var label: Range<Int> = 0..<0
    public var quantity: Int64 = 0
    public var unitPrice: Int64 = 0
    public var vatRate: Int64 = 0
    public var amount: Int64 = 0
    public var employerShare: Int64 = 0
    public init() {}
}

/// Inserts ticket lines: on SQLite through prepared statements bound with the
/// C API (the import's hot path); on PostgreSQL in batches sent with one
/// `COPY … FROM STDIN` each (the protocol of `psql \copy`: no statement parsed
/// nor parameter bound per row), written straight from the file's bytes. The
/// COPY's task runs on the connection's event loop, never on Swift's cooperative
/// pool, so a synchronous import called from that pool's threads (tests,
/// `ardoise serve`) cannot wait for a thread it holds (`PostgresSession.copy`).
/// Use it inside a write transaction only (`ImportTransaction` flushes it).
public final class TicketLineWriter {
    /// SQLite: one line per statement, and `sqliteBatch` lines per statement (made when first needed).
    private let statement: Statement?
    private let db: Database?
    private var batchStatement: Statement?
    private let connection: OpaquePointer?
    /// PostgreSQL: the session and the lines not sent yet, as COPY text.
    private let session: PostgresSession?
    private var pending = CopyText()
    static let columnNames = [
        "file_id", "line", "ticket", "site", "register", "day", "time", "badge", "client", "category", "activity",
        "article", "label", "quantity", "unit_price", "vat_rate", "amount", "employer_share"
    ]
    static let columns = """
        ticket_line (file_id, line, ticket, site, register, day, time, badge, client, category,
          activity, article, label, quantity, unit_price, vat_rate, amount, employer_share)
        """
    /// Bytes of COPY text held before they are sent on PostgreSQL (a register file is one batch).
    static let batchBytes = 4 << 20
    /// Rows per statement of `insert(fileID:rows:bytes:)` on SQLite: each statement's own cost (opening the
    /// table's and the parent's cursors, halting) is paid once for them (18 × 32 = 576 parameters, under SQLite's 999).
    static let sqliteBatch = 32

    static func sql(rows: Int) -> String {
        "INSERT INTO \(columns) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(
                separator: ", ")
    }

    init(_ db: any SQLSession) throws {
        if let grdb = db as? GRDBSession {
            statement = try grdb.db.makeStatement(sql: TicketLineWriter.sql(rows: 1))
            self.db = grdb.db
            connection = grdb.db.sqliteConnection
            session = nil
        } else if let postgres = db as? PostgresSession {
            statement = nil
            self.db = nil
            connection = nil
            session = postgres
        } else {
            throw LedgerError.internalInconsistency("ticket lines written on an unknown engine")
        }
    }

    /// Sends the lines held back (PostgreSQL); nothing on SQLite, where each line is written as it comes.
    func flush() throws {
        guard let session, pending.rows > 0 else { return }
        try session.copy(into: "ticket_line", columns: Self.columnNames, rows: pending)
        pending.clear()
    }

    /// One line as COPY text, its text fields taken from `bytes` as delivered (no `String` made per field).
    private func hold(fileID: Int64, _ f: TicketLineFields, bytes: UnsafeBufferPointer<UInt8>) throws {
        func text(_ r: Range<Int>, nullWhenEmpty: Bool = false) {
            if r.isEmpty && nullWhenEmpty { return pending.null() }
            pending.text(UnsafeBufferPointer(rebasing: bytes[r]))
        }
        pending.integer(fileID)
        pending.integer(f.line)
        text(f.ticket)
        text(f.site)
        pending.integer(f.register)
        pending.integer(f.day)
        pending.integer(f.time)
        text(f.badge, nullWhenEmpty: true)
        text(f.client, nullWhenEmpty: true)
        text(f.category, nullWhenEmpty: true)
        text(f.activity)
        text(f.article)
        text(f.label)
        pending.integer(f.quantity)
        pending.integer(f.unitPrice)
        pending.integer(f.vatRate)
        pending.integer(f.amount)
        pending.integer(f.employerShare)
        pending.endRow()
        if pending.count >= Self.batchBytes { try flush() }
    }

    /// Inserts one line of file `fileID`; `bytes` holds the text fields.
    public func insert(fileID: Int64, _ f: TicketLineFields, bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let statement else { return try hold(fileID: fileID, f, bytes: bytes) }
        guard let base = bytes.baseAddress else { throw DatabaseError(message: "empty field buffer") }
        let s = statement.sqliteStatement
        bind(s, at: 0, fileID: fileID, f, base: base)
        try step(s)
    }

    /// Inserts the lines of file `fileID` in their order, `sqliteBatch` to a statement on SQLite; `bytes` holds
    /// their text fields.
    public func insert(fileID: Int64, rows: [TicketLineFields], bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !rows.isEmpty else { return }
        guard let statement, let db else {
            for f in rows { try hold(fileID: fileID, f, bytes: bytes) }
            return
        }
        guard let base = bytes.baseAddress else { throw DatabaseError(message: "empty field buffer") }
        var start = 0
        if rows.count >= Self.sqliteBatch {
            if batchStatement == nil {
                batchStatement = try db.makeStatement(sql: TicketLineWriter.sql(rows: Self.sqliteBatch))
            }
            if let s = batchStatement?.sqliteStatement {
                while rows.count - start >= Self.sqliteBatch {
                    for k in 0..<Self.sqliteBatch {
                        bind(s, at: Int32(k * 18), fileID: fileID, rows[start + k], base: base)
                    }
                    try step(s)
                    start += Self.sqliteBatch
                }
            }
        }
        let s = statement.sqliteStatement
        for k in start..<rows.count {
            bind(s, at: 0, fileID: fileID, rows[k], base: base)
            try step(s)
        }
    }

    /// Binds one line's 18 values after the `offset` first parameters.
    private func bind(
        _ s: OpaquePointer?, at offset: Int32, fileID: Int64, _ f: TicketLineFields, base: UnsafePointer<UInt8>
    ) {
        func text(_ index: Int32, _ r: Range<Int>, nullWhenEmpty: Bool = false) {
            if r.isEmpty && nullWhenEmpty {
                sqlite3_bind_null(s, offset + index)
            } else {
                // SQLITE_STATIC (nil): the buffer outlives the step that follows.
                let p = UnsafeRawPointer(base + r.lowerBound).assumingMemoryBound(to: CChar.self)
                sqlite3_bind_text(s, offset + index, p, Int32(r.count), nil)
            }
        }
        sqlite3_bind_int64(s, offset + 1, fileID)
        sqlite3_bind_int64(s, offset + 2, f.line)
        text(3, f.ticket)
        text(4, f.site)
        sqlite3_bind_int64(s, offset + 5, f.register)
        sqlite3_bind_int64(s, offset + 6, f.day)
        sqlite3_bind_int64(s, offset + 7, f.time)
        text(8, f.badge, nullWhenEmpty: true)
        text(9, f.client, nullWhenEmpty: true)
        text(10, f.category, nullWhenEmpty: true)
        text(11, f.activity)
        text(12, f.article)
        text(13, f.label)
        sqlite3_bind_int64(s, offset + 14, f.quantity)
        sqlite3_bind_int64(s, offset + 15, f.unitPrice)
        sqlite3_bind_int64(s, offset + 16, f.vatRate)
        sqlite3_bind_int64(s, offset + 17, f.amount)
        sqlite3_bind_int64(s, offset + 18, f.employerShare)
    }

    private func step(_ s: OpaquePointer?) throws {
        let code = sqlite3_step(s)
        if code != SQLITE_DONE {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "insert failed"
            sqlite3_reset(s)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        sqlite3_reset(s)
    }
}
