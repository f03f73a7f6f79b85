import BillingModel
import Foundation
import GRDB

/// An event order revision delivered again with other content than the one
/// stored: both are kept, and the order is held from billing while the
/// conflicting revision is its current one (a later revision resolves it:
/// the highest revision is the truth).
public struct OrderConflict: Sendable, Hashable {
    public var orderID: String
    public var revision: Int
    /// The file and line of the stored revision, and of the conflicting delivery.
    public var storedFileID: Int64, storedLine: Int
    public var fileID: Int64, line: Int
    public var fileName: String
    public var recordedAt: String
    /// The conflicting line as delivered.
    public var raw: String
    /// Open while `revision` is the order's current revision.
    public var open: Bool
}

/// Bounds every importer and the ledger hold amounts and quantities to (the
/// formats' notes in `examples/formats/` say them): no imported figure can
/// make billing arithmetic overflow.
public enum ImportBounds {
    /// Event order quantity: 1 to 999,999.
    public static let maximumOrderQuantity: Int64 = 999_999
    /// Event unit price HT: at most 9,999,999.9999 (ten-thousandths).
    public static let maximumOrderUnitPrice: Int64 = 99_999_999_999
    /// Lines of one event order.
    public static let maximumOrderLines = 1_000
    /// Register `quantite`: at most 999,999 in absolute value.
    public static let maximumRegisterQuantity: Int64 = 999_999
    /// Register amounts (`pu_ttc`, `montant_ttc`, `part_patronale`): at most 9,999,999.99 in absolute value (cents).
    public static let maximumRegisterAmount: Int64 = 999_999_999
    /// Rejected rows kept per file, in the result and in the quarantine; the rest are counted.
    public static let keptRejections = 100
    /// A bank statement larger than this is refused before it is read.
    public static let maximumStatementBytes: Int64 = 32 << 20
}

extension Schema {
    /// "v15 import conflicts": an event order revision delivered again with
    /// other content is kept beside the stored one, never dropped; event
    /// order lines are bounded in the database as the importer bounds them.
    static func registerImportConflicts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15 import conflicts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_order_conflict (
                      id INTEGER PRIMARY KEY,
                      order_id TEXT NOT NULL REFERENCES event_order(order_id),
                      revision INTEGER NOT NULL,
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      line INTEGER NOT NULL CHECK (line >= 1),
                      raw BLOB NOT NULL,
                      content_sha256 TEXT NOT NULL,
                      recorded_at TEXT NOT NULL,
                      UNIQUE (order_id, revision, content_sha256),
                      FOREIGN KEY (order_id, revision) REFERENCES event_order_revision(order_id, revision)
                    );
                    CREATE TRIGGER event_order_conflict_kept BEFORE DELETE ON event_order_conflict
                      BEGIN SELECT RAISE(ABORT, 'import conflicts are kept: a later revision resolves them'); END;
                    CREATE TRIGGER event_order_conflict_frozen BEFORE UPDATE ON event_order_conflict
                      BEGIN SELECT RAISE(ABORT, 'import conflicts are kept as delivered'); END;
                    CREATE TRIGGER event_order_line_bounded BEFORE INSERT ON event_order_line
                      WHEN NEW.quantity > 999999 OR NEW.unit_price > 99999999999
                      BEGIN SELECT RAISE(ABORT, 'event order line out of bounds (quantity 999999, unit price 9999999.9999)'); END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// SQL: true when the order's revision `revisionColumn` has an open conflict (billing holds it).
    public static func orderConflictSQL(order orderColumn: String, revision revisionColumn: String) -> String {
        "EXISTS (SELECT 1 FROM event_order_conflict c WHERE c.order_id = \(orderColumn) AND c.revision = \(revisionColumn))"
    }

    /// Conflicts of event orders: the open ones only (the conflicting
    /// revision is still the order's current one), or all.
    public func orderConflicts(openOnly: Bool = true) throws -> [OrderConflict] {
        try engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT c.order_id, c.revision, r.file_id AS stored_file, r.line AS stored_line, c.file_id, c.line, f.name,
                           c.recorded_at, c.raw, (o.current_revision = c.revision) AS open
                    FROM event_order_conflict c
                    JOIN event_order o ON o.order_id = c.order_id
                    JOIN event_order_revision r ON r.order_id = c.order_id AND r.revision = c.revision
                    JOIN imported_file f ON f.id = c.file_id
                    \(openOnly ? "WHERE o.current_revision = c.revision" : "")
                    ORDER BY c.order_id, c.revision, c.id
                    """
            ).map { r in
                let raw: Data = try r["raw"]
                return try OrderConflict(
                    orderID: r["order_id"], revision: r["revision"], storedFileID: r["stored_file"],
                    storedLine: r["stored_line"], fileID: r["file_id"], line: r["line"], fileName: r["name"],
                    recordedAt: r["recorded_at"], raw: String(decoding: raw, as: UTF8.self), open: r["open"])
            }
        }
    }
}
