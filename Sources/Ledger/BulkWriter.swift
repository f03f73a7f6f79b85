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

/// Inserts ticket lines: on SQLite through one prepared statement bound with the
/// C API (the import's hot path); on PostgreSQL in batches of rows, one INSERT
/// each. Use it inside a write transaction only (`ImportTransaction` flushes it).
public final class TicketLineWriter {
    private let statement: Statement?
    private let connection: OpaquePointer?
    /// PostgreSQL: the session and the lines not sent yet.
    private let session: (any SQLSession)?
    private var pending: [SQLValue] = []
    static let columns = """
        ticket_line (file_id, line, ticket, site, register, day, time, badge, client, category,
          activity, article, label, quantity, unit_price, vat_rate, amount, employer_share)
        """
    /// Lines per INSERT on PostgreSQL (18 parameters each, under its 65,535).
    static let batch = 1_000

    init(_ db: any SQLSession) throws {
        if let grdb = db as? GRDBSession {
            statement = try grdb.db.makeStatement(sql: """
                INSERT INTO \(Self.columns)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            connection = grdb.db.sqliteConnection
            session = nil
        } else {
            statement = nil
            connection = nil
            session = db
        }
    }

    /// Sends the lines held back (PostgreSQL); nothing on SQLite, where each line is written as it comes.
    func flush() throws {
        guard let session, !pending.isEmpty else { return }
        let rows = pending.count / 18
        let row = "(" + Array(repeating: "?", count: 18).joined(separator: ", ") + ")"
        try session.execute("INSERT INTO \(Self.columns) VALUES " + Array(repeating: row, count: rows).joined(separator: ", "), pending)
        pending.removeAll(keepingCapacity: true)
    }

    private func hold(fileID: Int64, _ f: TicketLineFields, bytes: UnsafeBufferPointer<UInt8>) throws {
        func text(_ r: Range<Int>, nullWhenEmpty: Bool = false) -> SQLValue {
            if r.isEmpty && nullWhenEmpty { return .null }
            return .text(String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self))
        }
        pending += [.integer(fileID), .integer(f.line), text(f.ticket), text(f.site), .integer(f.register), .integer(f.day),
                    .integer(f.time), text(f.badge, nullWhenEmpty: true), text(f.client, nullWhenEmpty: true),
                    text(f.category, nullWhenEmpty: true), text(f.activity), text(f.article), text(f.label), .integer(f.quantity),
                    .integer(f.unitPrice), .integer(f.vatRate), .integer(f.amount), .integer(f.employerShare)]
        if pending.count >= 18 * Self.batch { try flush() }
    }

    /// Inserts one line of file `fileID`; `bytes` holds the text fields.
    public func insert(fileID: Int64, _ f: TicketLineFields, bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let statement else { return try hold(fileID: fileID, f, bytes: bytes) }
        let s = statement.sqliteStatement
        guard let base = bytes.baseAddress else { throw DatabaseError(message: "empty field buffer") }
        func text(_ index: Int32, _ r: Range<Int>, nullWhenEmpty: Bool = false) {
            if r.isEmpty && nullWhenEmpty {
                sqlite3_bind_null(s, index)
            } else {
                // SQLITE_STATIC (nil): the buffer outlives the step below.
                let p = UnsafeRawPointer(base + r.lowerBound).assumingMemoryBound(to: CChar.self)
                sqlite3_bind_text(s, index, p, Int32(r.count), nil)
            }
        }
        sqlite3_bind_int64(s, 1, fileID)
        sqlite3_bind_int64(s, 2, f.line)
        text(3, f.ticket)
        text(4, f.site)
        sqlite3_bind_int64(s, 5, f.register)
        sqlite3_bind_int64(s, 6, f.day)
        sqlite3_bind_int64(s, 7, f.time)
        text(8, f.badge, nullWhenEmpty: true)
        text(9, f.client, nullWhenEmpty: true)
        text(10, f.category, nullWhenEmpty: true)
        text(11, f.activity)
        text(12, f.article)
        text(13, f.label)
        sqlite3_bind_int64(s, 14, f.quantity)
        sqlite3_bind_int64(s, 15, f.unitPrice)
        sqlite3_bind_int64(s, 16, f.vatRate)
        sqlite3_bind_int64(s, 17, f.amount)
        sqlite3_bind_int64(s, 18, f.employerShare)
        let code = sqlite3_step(s)
        if code != SQLITE_DONE {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "insert failed"
            sqlite3_reset(s)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        sqlite3_reset(s)
    }
}
