import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// The revenue hashes of register files for one validation run, each file's lines read once for every client in it.
///
/// A register file holds a site-day: every client's tickets at that site that day. Issuing records, per document and
/// site-day, the hash of its client's lines (`invoice_revenue`, `LedgerGuards.revenueHash`); asked one client at a
/// time, a month's validation read each file once per client billed from it (the table's key is the file and the
/// line: no index finds a client's lines), about fourteen times over, and it was half the rendering workers' time.
/// Here the first document that needs a file hashes every client's lines of it in one ordered pass, the same text
/// `revenueHash` hashes; the other documents of the run find theirs. A file's lines never change once its import
/// committed (append-only, one transaction per file), so what is kept holds for the run, which owns this object.
public final class RevenueFileHashes: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [Int64: File] = [:]

    /// One file's hashes, computed by the first worker that asks while the others asking for it wait.
    private final class File: @unchecked Sendable {
        let lock = NSLock()
        var hashes: [LedgerGuards.RevenueWanted: (lines: Int, hash: String)]?
    }

    public init() {}

    /// The hashes of every client's lines of `file`, computed on `db` the first time. Workers validating
    /// documents of the same site-days side by side ask for the same files at the same moment: one hashes each,
    /// the others wait for it (a failed computation leaves the file to the next one asking).
    func hashes(of file: Int64, _ db: any SQLSession) throws -> [LedgerGuards.RevenueWanted: (lines: Int, hash: String)]
    {
        let entry = lock.withLock {
            if let known = files[file] { return known }
            let new = File()
            files[file] = new
            return new
        }
        entry.lock.lock()
        defer { entry.lock.unlock() }
        if let known = entry.hashes { return known }
        let computed = try Self.hashEveryClient(of: file, db)
        entry.hashes = computed
        return computed
    }

    static let header = Array("ardoise-revenue/1\n".utf8)

    /// One pass over `file`'s lines in line order: per (site, day, client), the count and the SHA-256 of
    /// "ardoise-revenue/1\n", each line's JSON array joined by newlines, and a last newline.
    static func hashEveryClient(of file: Int64, _ db: any SQLSession) throws -> [LedgerGuards.RevenueWanted: (
        lines: Int, hash: String
    )] {
        if db.kind == .postgres {
            // PostgreSQL hashes each client's lines of the file itself: the hashes come back, not the lines.
            var out: [LedgerGuards.RevenueWanted: (lines: Int, hash: String)] = [:]
            try db.forEach(
                sql: """
                    SELECT site, day, client, COUNT(*),
                           \(LedgerGuards.postgresRevenueHash("string_agg(\(LedgerGuards.postgresLineJSON), chr(10) ORDER BY line)"))
                    FROM ticket_line WHERE file_id = ? AND client IS NOT NULL GROUP BY site, day, client
                    """, arguments: [file]
            ) { r in
                out[try LedgerGuards.RevenueWanted(site: r[0], day: r[1], client: r[2])] = (try r[3], try r[4])
            }
            return out
        }
        var states: [LedgerGuards.RevenueWanted: (hasher: SHA256, count: Int)] = [:]
        func add(_ wanted: LedgerGuards.RevenueWanted, _ json: UnsafeRawBufferPointer) {
            var state =
                states[wanted]
                ?? {
                    var h = SHA256()
                    h.update(data: header)
                    return (h, 0)
                }()
            if state.count > 0 { state.hasher.update(data: [10]) }
            state.hasher.update(bufferPointer: json)
            state.count += 1
            states[wanted] = state
        }
        guard let sqlite = db as? GRDBSession else {
            throw LedgerError.internalInconsistency("the revenue of a file is hashed on SQLite or PostgreSQL only")
        }
        // Each line's JSON hashed from SQLite's buffer: no String per line.
        let statement = try sqlite.db.cachedStatement(
            sql: """
                SELECT site, day, client, json_array(line, ticket, register, time, badge, category, activity, article, label, quantity,
                                                     unit_price, vat_rate, amount, employer_share)
                FROM ticket_line WHERE file_id = ? AND client IS NOT NULL ORDER BY line
                """)
        try statement.setArguments([file])
        try SQLiteSteps.forEachRow(statement, of: sqlite.db) { s in
            let wanted = LedgerGuards.RevenueWanted(
                site: String(decoding: LedgerGuards.columnBytes(s, 0), as: UTF8.self),
                day: sqlite3_column_int64(s, 1),
                client: String(decoding: LedgerGuards.columnBytes(s, 2), as: UTF8.self))
            add(wanted, UnsafeRawBufferPointer(LedgerGuards.columnBytes(s, 3)))
            return true
        }
        return states.mapValues { state in
            var h = state.hasher
            h.update(data: [10])
            return (state.count, ContentHash.hex(h.finalize()))
        }
    }

    /// The hash of a client's site-day with no line in the file (what `revenueHash` gives for no row).
    static let noLines = ContentHash.sha256(("ardoise-revenue/1\n" + "\n").utf8)
}

extension LedgerDatabase {
    /// The revenue hashes issuing `invoiceID` records, computed outside any write (the validation computes them
    /// on the other cores while the document before takes its number), each file hashed once per run (`files`).
    public func revenueHashes(invoiceID: Int64, files: RevenueFileHashes = RevenueFileHashes()) throws -> [RevenueHash]
    {
        try engine.read { db in
            try db.fetchAll(
                sql: "SELECT site, day, client, file_id FROM invoice_site_day WHERE invoice_id = ?",
                arguments: [invoiceID]
            ).map { s in
                let site: String = try s[0], day: Int64 = try s[1], client: String = try s[2], file: Int64 = try s[3]
                let r =
                    try files.hashes(of: file, db)[.init(site: site, day: day, client: client)]
                    ?? (lines: 0, hash: RevenueFileHashes.noLines)
                return RevenueHash(
                    key: .init(site: site, day: day, client: client, file: file), lines: r.lines, hash: r.hash)
            }
        }
    }
}
