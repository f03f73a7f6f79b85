import BillingModel
import Foundation
import GRDB

/// The stored version of an imported file name: what a re-delivery is compared with.
public struct StoredFileVersion: Sendable, Hashable {
    public var id: Int64
    public var version: Int
    public var sha256: String
    public var size: Int64
}

/// A site-day's versions: the current file, and the file a validated invoice used, if any.
public struct SiteDayVersions: Sendable, Hashable {
    public var current: Int64
    public var billed: Int64?
}

/// What storing one event-order revision did.
public enum EventOrderStoreOutcome: Sendable, Hashable {
    /// Stored; `olderThan` is the current revision when this one is older (kept as history).
    case stored(olderThan: Int?)
    /// The same revision with the same content: nothing written.
    case same
    /// The same revision with other content: kept beside the stored one (`event_order_conflict`).
    case conflict(storedFile: String, storedLine: Int, currentRevision: Int)
}

/// The writes of one imported file, inside one write transaction (`LedgerDatabase.importTransaction`):
/// the importers parse, the ledger stores. Statements are prepared once per transaction.
public final class ImportTransaction {
    let db: any SQLSession
    /// The ticket-line writers of this transaction: on PostgreSQL they send their lines in batches, flushed
    /// before the transaction reads or finishes a file.
    private var writers: [TicketLineWriter] = []

    init(_ db: any SQLSession) { self.db = db }

    /// Sends the lines the writers still hold.
    func flush() throws { for w in writers { try w.flush() } }

    /// The latest stored version of a file name.
    public func latestVersion(name: String) throws -> StoredFileVersion? {
        try LedgerDatabase.latestVersion(db, name: name)
    }

    /// Inserts a register file's row (hash and counts are written by `finishRegisterFile`); returns its id.
    public func insertRegisterFile(name: String, version: Int, importedAt: String, site: String, day: Day) throws
        -> Int64
    {
        guard
            let id = try db.fetchValue(
                Int64.self,
                sql: """
                    INSERT INTO imported_file (name, kind, version, sha256, size, imported_at, status, site, day,
                      row_count, rejected_count, warning_count)
                    VALUES (?, 'registers', ?, ?, 0, ?, 'imported', ?, ?, 0, 0, 0) RETURNING id
                    """, arguments: [name, version, String(repeating: "0", count: 64), importedAt, site, day.ordinal])
        else {
            throw LedgerError.internalInconsistency("a new imported file has no id")
        }
        return id
    }

    /// The writer of the file's ticket lines (one prepared statement bound through the C API).
    public func ticketLineWriter() throws -> TicketLineWriter {
        let writer = try TicketLineWriter(db)
        writers.append(writer)
        return writer
    }

    /// Keeps a rejected row in quarantine with its bytes as delivered.
    public func reject(fileID: Int64, line: Int, raw: Data, reason: String) throws {
        // Not cached (it binds bytes): a cached statement keeps its last arguments as long as the connection lives.
        try db.execute(
            sql: "INSERT INTO rejected_row (file_id, line, raw, reason) VALUES (?, ?, ?, ?)",
            arguments: [fileID, line, raw, reason])
    }

    /// Records a warning on a line (once per file and line).
    public func warn(fileID: Int64, line: Int, reason: String) throws {
        try db.execute(
            sql: "INSERT INTO import_warning (file_id, line, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [fileID, line, reason])
    }

    /// The site-day's current and billed versions, nil for a site-day never delivered.
    public func siteDay(site: String, day: Day) throws -> SiteDayVersions? {
        try flush()
        guard
            let row = try db.fetchOne(
                sql: """
                    SELECT current_file_id, billed_file_id FROM site_day WHERE site = ? AND day = ?
                    """, arguments: [site, day.ordinal])
        else { return nil }
        return try SiteDayVersions(current: row[0], billed: row[1])
    }

    /// Records a corrected re-delivery of a billed site-day.
    public func recordLateRevenue(_ late: LateRevenue) throws {
        try db.insert(late)
    }

    /// Makes `fileID` the site-day's current version (`existing`: the site-day has a row already).
    public func makeCurrent(fileID: Int64, site: String, day: Day, existing: Bool) throws {
        if existing {
            try db.execute(
                sql: "UPDATE site_day SET current_file_id = ? WHERE site = ? AND day = ?",
                arguments: [fileID, site, day.ordinal])
        } else {
            try db.execute(
                sql: "INSERT INTO site_day (site, day, current_file_id) VALUES (?, ?, ?)",
                arguments: [site, day.ordinal, fileID])
        }
    }

    /// Replaces the site-day's register rows of the daily aggregate by the file's sums.
    public func writeDailyRevenue(_ aggregate: DailyRevenueAccumulator, site: String, day: Day) throws {
        try aggregate.write(db, site: site, day: day)
    }

    /// Writes a register file's hash, size, status and counts once its rows are stored.
    public func finishRegisterFile(
        id: Int64, sha256: String, size: Int64, status: FileStatus, rows: Int, rejected: Int,
        warnings: Int, message: String?
    ) throws {
        try flush()
        try db.execute(
            sql: """
                UPDATE imported_file SET sha256 = ?, size = ?, status = ?, row_count = ?, rejected_count = ?,
                  warning_count = ?, message = ?
                WHERE id = ?
                """, arguments: [sha256, size, status.rawValue, rows, rejected, warnings, message, id])
    }

    /// Inserts a file's row (event orders); sets its id.
    public func insert(_ file: inout ImportedFile) throws { file.id = try db.insert(file) }

    /// Writes a file's row again (hash, counts, status, message).
    public func update(_ file: ImportedFile) throws {
        guard let id = file.id else {
            throw LedgerError.internalInconsistency("an imported file is written again before it has an id")
        }
        try db.update(file, id: id)
    }

    /// Stores one revision of an event order. The same revision again is nothing new when its content is the
    /// same, and a conflict kept beside it when it differs; a higher revision becomes current, and the daily
    /// aggregate's event rows of the old and the new current revision are computed again.
    public func storeEventOrder(
        _ revision: EventOrderRevision, lines: [EventOrderLine], fileID: Int64, line: Int,
        raw: [UInt8]
    ) throws -> EventOrderStoreOutcome {
        let r = revision
        if let stored = try db.fetchRecord(
            EventOrderRevision.self, sql: "SELECT * FROM event_order_revision WHERE order_id = ? AND revision = ?",
            arguments: [r.orderId, r.revision])
        {
            let storedLines = try db.fetchRecords(
                EventOrderLine.self, sql: "SELECT * FROM event_order_line WHERE revision_id = ? ORDER BY line_no",
                arguments: [stored.id])
            let delivered = Self.content(r, lines)
            if Self.content(stored, storedLines) == delivered { return .same }
            try db.execute(
                sql: """
                    INSERT INTO event_order_conflict (order_id, revision, file_id, line, raw, content_sha256, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: [
                    r.orderId, r.revision, fileID, line, Data(raw), ContentHash.sha256(Array(delivered.utf8)),
                    LedgerDatabase.timestamp()
                ])
            let current =
                try db.fetchValue(
                    Int.self, sql: "SELECT current_revision FROM event_order WHERE order_id = ?",
                    arguments: [r.orderId]) ?? r.revision
            let storedFile =
                try db.fetchValue(
                    String.self, sql: "SELECT name FROM imported_file WHERE id = ?", arguments: [stored.fileId]) ?? "?"
            return .conflict(storedFile: storedFile, storedLine: stored.line, currentRevision: current)
        }
        var olderThan: Int?
        // The (client, site, delivered day) of the daily aggregate's event rows to recompute.
        var touched: [(client: String, site: String, day: Int)] = []
        if let current = try db.fetchRecord(EventOrder.self, id: r.orderId) {
            if r.revision > current.currentRevision {
                if let old = try db.fetchOne(
                    sql: """
                        SELECT client, site, delivered_day FROM event_order_revision WHERE order_id = ? AND revision = ?
                        """, arguments: [r.orderId, current.currentRevision]), let oldDay: Int = try old[2]
                {
                    try touched.append((old[0], old[1], oldDay))
                }
                if let day = r.deliveredDay { touched.append((r.client, r.site, day)) }
                try db.execute(
                    sql: "UPDATE event_order SET current_revision = ? WHERE order_id = ?",
                    arguments: [r.revision, r.orderId])
            } else {
                olderThan = current.currentRevision
            }
        } else {
            try db.insert(EventOrder(orderId: r.orderId, currentRevision: r.revision))
            if let day = r.deliveredDay { touched.append((r.client, r.site, day)) }
        }
        var stored = r
        stored.fileId = fileID
        stored.line = line
        stored.id = try db.insert(stored)
        guard let id = stored.id else { return .stored(olderThan: olderThan) }
        for var l in lines {
            l.revisionId = id
            try db.insert(l)
        }
        for t in touched { try LedgerDatabase.refreshEventRevenue(db, client: t.client, site: t.site, day: t.day) }
        return .stored(olderThan: olderThan)
    }

    /// The content of a revision that a re-delivery must repeat exactly.
    static func content(_ r: EventOrderRevision, _ lines: [EventOrderLine]) -> String {
        var parts = [
            r.client, r.site, r.poNumber ?? "\u{1}", String(r.eventDate), r.status, r.deliveredAt ?? "\u{1}",
            r.orderedBy ?? "\u{1}", r.costCenter ?? "\u{1}"
        ]
        for l in lines {
            parts += [String(l.lineNo), l.article, l.label, String(l.quantity), String(l.unitPrice), String(l.vatRate)]
        }
        return parts.joined(separator: "\u{0}")
    }
}

/// What the quarantine and the warnings hold for one stored file.
public struct StoredFileIssues: Sendable, Hashable {
    public var file: ImportedFile?
    public var rejected: [RejectedRow]
    public var warnings: [ImportWarning]
}

extension LedgerDatabase {
    /// Runs `body` in one write transaction: the whole file is stored, or nothing.
    public func importTransaction<T>(_ body: (ImportTransaction) throws -> T) throws -> T {
        try engine.write { db in
            let transaction = ImportTransaction(db)
            let result = try body(transaction)
            try transaction.flush()
            return result
        }
    }

    /// The latest stored version of a file name, outside any import.
    public func latestImportedVersion(name: String) throws -> StoredFileVersion? {
        try engine.read { db in try LedgerDatabase.latestVersion(db, name: name) }
    }

    static func latestVersion(_ db: any SQLSession, name: String) throws -> StoredFileVersion? {
        let statement = """
            SELECT id, version, sha256, size FROM imported_file WHERE name = ? ORDER BY version DESC LIMIT 1
            """
        guard let row = try db.fetchOne(sql: statement, arguments: [name]) else { return nil }
        return try StoredFileVersion(id: row[0], version: row[1], sha256: row[2], size: row[3])
    }

    /// A stored file with its quarantined rows and warnings, in line order.
    public func storedFileIssues(id: Int64) throws -> StoredFileIssues {
        try engine.read { db in
            let file = try db.fetchRecord(ImportedFile.self, id: id)
            let rejected = try db.fetchRecords(
                RejectedRow.self, sql: "SELECT * FROM rejected_row WHERE file_id = ? ORDER BY line", arguments: [id])
            let warnings = try db.fetchRecords(
                ImportWarning.self, sql: "SELECT * FROM import_warning WHERE file_id = ? ORDER BY line",
                arguments: [id])
            return StoredFileIssues(file: file, rejected: rejected, warnings: warnings)
        }
    }
}
