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

/// The writes of one imported file, inside one write transaction (`Ledger.importTransaction`):
/// the importers parse, the ledger stores. Statements are prepared once per transaction.
public final class ImportTransaction {
    let db: Database
    private var rejectStatement: Statement?

    init(_ db: Database) { self.db = db }

    /// The latest stored version of a file name.
    public func latestVersion(name: String) throws -> StoredFileVersion? {
        try Ledger.latestVersion(db, name: name)
    }

    /// Inserts a register file's row (hash and counts are written by `finishRegisterFile`); returns its id.
    public func insertRegisterFile(name: String, version: Int, importedAt: String, site: String, day: Day) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO imported_file (name, kind, version, sha256, size, imported_at, status, site, day,
              row_count, rejected_count, warning_count)
            VALUES (?, 'registers', ?, ?, 0, ?, 'imported', ?, ?, 0, 0, 0)
            """).execute(arguments: [name, version, String(repeating: "0", count: 64), importedAt, site, day.ordinal])
        return db.lastInsertedRowID
    }

    /// The writer of the file's ticket lines (one prepared statement bound through the C API).
    public func ticketLineWriter() throws -> TicketLineWriter { try TicketLineWriter(db) }

    /// Keeps a rejected row in quarantine with its bytes as delivered.
    public func reject(fileID: Int64, line: Int, raw: Data, reason: String) throws {
        // Not cached: a cached statement keeps its last arguments (a rejected row's bytes) as long as the connection lives.
        if rejectStatement == nil {
            rejectStatement = try db.makeStatement(sql: "INSERT INTO rejected_row (file_id, line, raw, reason) VALUES (?, ?, ?, ?)")
        }
        try rejectStatement?.execute(arguments: [fileID, line, raw, reason])
    }

    /// Records a warning on a line (once per file and line).
    public func warn(fileID: Int64, line: Int, reason: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO import_warning (file_id, line, reason) VALUES (?, ?, ?)")
            .execute(arguments: [fileID, line, reason])
    }

    /// The site-day's current and billed versions, nil for a site-day never delivered.
    public func siteDay(site: String, day: Day) throws -> SiteDayVersions? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT current_file_id, billed_file_id FROM site_day WHERE site = ? AND day = ?
            """), arguments: [site, day.ordinal]) else { return nil }
        return SiteDayVersions(current: row[0], billed: row[1])
    }

    /// Records a corrected re-delivery of a billed site-day.
    public func recordLateRevenue(_ late: LateRevenue) throws {
        var late = late
        try late.insert(db)
    }

    /// Makes `fileID` the site-day's current version (`existing`: the site-day has a row already).
    public func makeCurrent(fileID: Int64, site: String, day: Day, existing: Bool) throws {
        if existing {
            try db.cachedStatement(sql: "UPDATE site_day SET current_file_id = ? WHERE site = ? AND day = ?")
                .execute(arguments: [fileID, site, day.ordinal])
        } else {
            try db.cachedStatement(sql: "INSERT INTO site_day (site, day, current_file_id) VALUES (?, ?, ?)")
                .execute(arguments: [site, day.ordinal, fileID])
        }
    }

    /// Replaces the site-day's register rows of the daily aggregate by the file's sums.
    public func writeDailyRevenue(_ aggregate: DailyRevenueAccumulator, site: String, day: Day) throws {
        try aggregate.write(db, site: site, day: day)
    }

    /// Writes a register file's hash, size, status and counts once its rows are stored.
    public func finishRegisterFile(id: Int64, sha256: String, size: Int64, status: FileStatus, rows: Int, rejected: Int,
                                   warnings: Int, message: String?) throws {
        try db.cachedStatement(sql: """
            UPDATE imported_file SET sha256 = ?, size = ?, status = ?, row_count = ?, rejected_count = ?,
              warning_count = ?, message = ?
            WHERE id = ?
            """).execute(arguments: [sha256, size, status.rawValue, rows, rejected, warnings, message, id])
    }

    /// Inserts a file's row (event orders); sets its id.
    public func insert(_ file: inout ImportedFile) throws { try file.insert(db) }

    /// Writes a file's row again (hash, counts, status, message).
    public func update(_ file: ImportedFile) throws { try file.update(db) }

    /// Stores one revision of an event order. The same revision again is nothing new when its content is the
    /// same, and a conflict kept beside it when it differs; a higher revision becomes current, and the daily
    /// aggregate's event rows of the old and the new current revision are computed again.
    public func storeEventOrder(_ revision: EventOrderRevision, lines: [EventOrderLine], fileID: Int64, line: Int,
                                raw: [UInt8]) throws -> EventOrderStoreOutcome {
        let r = revision
        if let stored = try EventOrderRevision.fetchOne(db, sql: "SELECT * FROM event_order_revision WHERE order_id = ? AND revision = ?",
                                                        arguments: [r.orderId, r.revision]) {
            let storedLines = try EventOrderLine.filter(EventOrderLine.Columns.revisionId == stored.id)
                .order(EventOrderLine.Columns.lineNo).fetchAll(db)
            let delivered = Self.content(r, lines)
            if Self.content(stored, storedLines) == delivered { return .same }
            try db.execute(sql: """
                INSERT OR IGNORE INTO event_order_conflict (order_id, revision, file_id, line, raw, content_sha256, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r.orderId, r.revision, fileID, line, Data(raw), ContentHash.sha256(Array(delivered.utf8)),
                                 Ledger.timestamp()])
            let current = try Int.fetchOne(db, sql: "SELECT current_revision FROM event_order WHERE order_id = ?",
                                           arguments: [r.orderId]) ?? r.revision
            let storedFile = try String.fetchOne(db, sql: "SELECT name FROM imported_file WHERE id = ?", arguments: [stored.fileId]) ?? "?"
            return .conflict(storedFile: storedFile, storedLine: stored.line, currentRevision: current)
        }
        var olderThan: Int?
        // The (client, site, delivered day) of the daily aggregate's event rows to recompute.
        var touched: [(client: String, site: String, day: Int)] = []
        if let current = try EventOrder.fetchOne(db, key: r.orderId) {
            if r.revision > current.currentRevision {
                if let old = try Row.fetchOne(db, sql: """
                    SELECT client, site, delivered_day FROM event_order_revision WHERE order_id = ? AND revision = ?
                    """, arguments: [r.orderId, current.currentRevision]), let oldDay: Int = old[2] {
                    touched.append((old[0], old[1], oldDay))
                }
                if let day = r.deliveredDay { touched.append((r.client, r.site, day)) }
                try db.execute(sql: "UPDATE event_order SET current_revision = ? WHERE order_id = ?",
                               arguments: [r.revision, r.orderId])
            } else {
                olderThan = current.currentRevision
            }
        } else {
            try EventOrder(orderId: r.orderId, currentRevision: r.revision).insert(db)
            if let day = r.deliveredDay { touched.append((r.client, r.site, day)) }
        }
        var stored = r
        stored.fileId = fileID
        stored.line = line
        try stored.insert(db)
        guard let id = stored.id else { return .stored(olderThan: olderThan) }
        for var l in lines {
            l.revisionId = id
            try l.insert(db)
        }
        for t in touched { try Ledger.refreshEventRevenue(db, client: t.client, site: t.site, day: t.day) }
        return .stored(olderThan: olderThan)
    }

    /// The content of a revision that a re-delivery must repeat exactly.
    static func content(_ r: EventOrderRevision, _ lines: [EventOrderLine]) -> String {
        var parts = [r.client, r.site, r.poNumber ?? "\u{1}", String(r.eventDate), r.status, r.deliveredAt ?? "\u{1}",
                     r.orderedBy ?? "\u{1}", r.costCenter ?? "\u{1}"]
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

extension Ledger {
    /// Runs `body` in one write transaction: the whole file is stored, or nothing.
    public func importTransaction<T>(_ body: (ImportTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(ImportTransaction(db)) }
    }

    /// The latest stored version of a file name, outside any import.
    public func latestImportedVersion(name: String) throws -> StoredFileVersion? {
        try pool.read { db in try Ledger.latestVersion(db, name: name) }
    }

    static func latestVersion(_ db: Database, name: String) throws -> StoredFileVersion? {
        let statement = try db.cachedStatement(sql: """
            SELECT id, version, sha256, size FROM imported_file WHERE name = ? ORDER BY version DESC LIMIT 1
            """)
        guard let row = try Row.fetchOne(statement, arguments: [name]) else { return nil }
        return StoredFileVersion(id: row[0], version: row[1], sha256: row[2], size: row[3])
    }

    /// A stored file with its quarantined rows and warnings, in line order.
    public func storedFileIssues(id: Int64) throws -> StoredFileIssues {
        try pool.read { db in
            let file = try ImportedFile.fetchOne(db, key: id)
            let rejected = try RejectedRow.filter(RejectedRow.Columns.fileId == id).order(RejectedRow.Columns.line).fetchAll(db)
            let warnings = try ImportWarning.filter(ImportWarning.Columns.fileId == id).order(ImportWarning.Columns.line).fetchAll(db)
            return StoredFileIssues(file: file, rejected: rejected, warnings: warnings)
        }
    }
}
