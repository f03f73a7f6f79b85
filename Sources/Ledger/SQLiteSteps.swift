import GRDB
import GRDBSQLite

/// The ledger's passes that read rows through SQLite's C API (each value read in place, no `String` or row
/// object a line): one loop for all of them.
enum SQLiteSteps {
    /// Steps `statement` (its arguments set), giving each row's C statement to `body` until it returns false or the
    /// rows end, then resets it. A step that fails throws GRDB's `DatabaseError` with SQLite's message.
    static func forEachRow(
        _ statement: Statement, of db: Database, _ body: (OpaquePointer) throws -> Bool
    ) throws {
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) })
            }
            if try !body(s) { return }
        }
    }
}
