import Foundation

extension SQLSession {
    /// Each row of one query, none kept beyond a batch: on SQLite stepped one by one; on PostgreSQL through a
    /// cursor of the transaction fetched `batch` rows at a time, so a scan of a month's ticket lines never holds
    /// them all in memory (the driver gives a query's rows once it is done). `body` may run queries of its own.
    func forEachStreamed(
        sql: String, arguments: [SQLValue] = [], batch: Int = 5_000, _ body: (SQLRow) throws -> Void
    ) throws {
        guard kind == .postgres else {
            return try forEachRow(sql, arguments) {
                try body($0); return true
            }
        }
        let cursor = "ardoise_cursor_\(UInt32.random(in: 0...UInt32.max))"
        try execute("DECLARE \(cursor) NO SCROLL CURSOR FOR " + sql, arguments)
        while true {
            var count = 0
            try forEachRow("FETCH FORWARD \(max(1, batch)) FROM \(cursor)", []) {
                count += 1
                try body($0)
                return true
            }
            if count < max(1, batch) { break }
        }
        try execute("CLOSE \(cursor)", [])
    }
}
