import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// The SHA-256 of each issued document's stored PDF and XML, as `verify` reads them: on SQLite hashed in
/// SQLite's own buffer, one prepared statement for every document (a year's documents store 1.6 GB: read
/// into Swift they were copied four times on the way, from SQLite to GRDB's value, to the row's bytes, to
/// `Data` and back); on PostgreSQL by the server (`sha256`), which sends the hashes only.
final class StoredFileHasher {
    private static let files = "SELECT pdf, xml FROM issued_document WHERE invoice_id = ?"
    private let db: any SQLSession
    private let sqlite: GRDBSession?
    private let statement: Statement?

    init(_ db: any SQLSession) throws {
        self.db = db
        let sqlite = db as? GRDBSession
        self.sqlite = sqlite
        statement = try sqlite.map { try $0.db.makeStatement(sql: Self.files) }
    }

    /// The SHA-256 of document `invoiceID`'s stored PDF and XML; nil when it has no stored files. A value
    /// that is not bytes (NULL, an integer) throws, as reading it as bytes does.
    func hashes(of invoiceID: Int64) throws -> (pdf: String, xml: String)? {
        guard let statement, let sqlite else {
            // PostgreSQL hashes them itself: two hashes cross the network, not the files (a year's are 1.6 GB).
            guard
                let r = try db.fetchOne(
                    sql: """
                        SELECT encode(sha256(pdf), 'hex'), encode(sha256(xml), 'hex') FROM issued_document WHERE invoice_id = ?
                        """, arguments: [invoiceID])
            else { return nil }
            return (try r[0], try r[1])
        }
        try statement.setArguments([invoiceID])
        var hashes: (pdf: String, xml: String)?
        try SQLiteSteps.forEachRow(statement, of: sqlite.db) { s in
            hashes = (try Self.hash(s, 0, "pdf", invoiceID), try Self.hash(s, 1, "xml", invoiceID))
            return false
        }
        return hashes
    }

    /// The SHA-256 of column `column` of the row `s` is on, read in SQLite's buffer.
    private static func hash(_ s: OpaquePointer, _ column: Int32, _ name: String, _ invoiceID: Int64) throws -> String {
        // Bytes, or text (a BLOB written as text by hand reads back as text): what `[UInt8]` accepts.
        let type = sqlite3_column_type(s, column)
        guard type == SQLITE_BLOB || type == SQLITE_TEXT else {
            throw SQLEngineError(
                message: "malformed stored value in column `\(name)`: expected bytes (document \(invoiceID))",
                sql: Self.files)
        }
        // `sqlite3_column_blob` first, then the size (SQLite's order for a valid count).
        let p = sqlite3_column_blob(s, column)
        let count = Int(sqlite3_column_bytes(s, column))
        var hasher = SHA256()
        if let p, count > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(start: p, count: count)) }
        return ContentHash.hex(hasher.finalize())
    }
}
