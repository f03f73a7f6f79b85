import BillingModel
import Diagnostics
import Foundation
import GRDB

/// What one evaluation of a client's billing period read, as a digest (the engine computes it: the
/// contract and settings text, the register file version of each site-day of the revenue window, the
/// current revision of each order delivered in it and whether another document bills that order).
public struct BillingInputs: Sendable, Hashable {
    public var client: String
    public var period: Period
    public var digest: String
    public init(client: String, period: Period, digest: String) {
        self.client = client
        self.period = period
        self.digest = digest
    }
}

extension Schema {
    /// "v18 billing inputs": per client and billing period, the digest of what
    /// the period's last evaluation read, written by the transaction that
    /// stored what that evaluation produced. The daily run evaluates each
    /// contract's last ended period again (a month's revenue) to find it
    /// issued: when the digest of what it would read now is the one recorded
    /// and no proforma of the period waits, the evaluation would give what
    /// the ledger holds, and it is skipped. Not a cache: the digest names the
    /// inputs (a file version's tickets never change), so a new file version,
    /// an order revision or a contract change gives another digest and the
    /// period is evaluated as before.
    static func registerBillingInputs(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v18 billing inputs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE billing_inputs (
                      client TEXT NOT NULL,
                      period_start TEXT NOT NULL,
                      period_end TEXT NOT NULL,
                      digest TEXT NOT NULL CHECK (length(digest) = 64),
                      PRIMARY KEY (client, period_start, period_end)
                    );
                    """)
        }
    }
}

/// The event orders delivered in a window as billing reads them, for the digest of its inputs.
public struct OrderInput: Sendable, Hashable {
    public var client: String
    public var orderID: String
    /// The current revision's row id (a new revision is a new row).
    public var revisionID: Int64
    public var deliveredDay: Day
    /// An open import conflict holds it from billing.
    public var held: Bool
    /// An issued document, or a waiting one not of a contract, carries it (events, corrections).
    public var billedElsewhere: Bool
}

extension LedgerDatabase {
    /// The digests recorded for `keys` whose period has no proforma waiting (a waiting one is evaluated
    /// again: it may be validated automatically, replaced or discarded) nor discarded (its evaluation says
    /// so in the run's notes), by client and period.
    public func billingInputs(_ keys: [(client: String, period: Period)]) throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        // Every key in one query (one a key was a round trip each on PostgreSQL, 850 a daily run).
        let list = JSON.array(
            keys.map {
                JSON.array([
                    JSON.string($0.client), JSON.string($0.period.start.description),
                    JSON.string($0.period.end.description)
                ])
            })
        return try engine.read { db in
            let statement = """
                SELECT b.client, b.period_start, b.period_end, b.digest FROM \(LedgerDatabase.keyTriples(db)) k
                JOIN billing_inputs b ON b.client = k.client AND b.period_start = k.period_start AND b.period_end = k.period_end
                WHERE NOT EXISTS (SELECT 1 FROM invoice v WHERE v.client = b.client AND v.period_start = b.period_start
                                    AND v.period_end = b.period_end AND v.status IN ('proforma', 'discarded') AND v.origin = 'contract')
                """
            var out: [String: String] = [:]
            try db.forEach(sql: statement, arguments: [list]) { r in
                let client: String = try r[0], start: String = try r[1], end: String = try r[2]
                out["\(client)|\(start)|\(end)"] = try r[3]
            }
            return out
        }
    }

    /// A subquery of (client, period_start, period_end) from one JSON argument, an array of three-string arrays.
    static func keyTriples(_ db: any SQLSession) -> String {
        db.sql(
            sqlite: """
                (SELECT DISTINCT json_extract(value, '$[0]') AS client, json_extract(value, '$[1]') AS period_start,
                        json_extract(value, '$[2]') AS period_end FROM json_each(?))
                """,
            postgres: """
                (SELECT DISTINCT value->>0 AS client, value->>1 AS period_start, value->>2 AS period_end
                 FROM json_array_elements(?::json))
                """)
    }

    /// The key of `billingInputs`' answer.
    public static func billingInputsKey(client: String, period: Period) -> String {
        "\(client)|\(period.start)|\(period.end)"
    }

    /// Records what the evaluations whose documents were just stored read, in the storing transaction.
    func recordBillingInputs(_ inputs: [BillingInputs], db: any SQLSession) throws {
        for i in inputs {
            try db.execute(
                sql: """
                    INSERT INTO billing_inputs (client, period_start, period_end, digest) VALUES (?, ?, ?, ?)
                    ON CONFLICT (client, period_start, period_end) DO UPDATE SET digest = excluded.digest
                    """, arguments: [i.client, i.period.start.description, i.period.end.description, i.digest])
        }
    }

    /// The orders delivered in `period`, their current revision and what holds or bills them elsewhere.
    public func orderInputs(period: Period) throws -> [OrderInput] {
        try engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT r.client, r.order_id, r.id, r.delivered_day,
                           CASE WHEN \(LedgerDatabase.orderConflictSQL(order: "r.order_id", revision: "r.revision")) THEN 1 ELSE 0 END,
                           CASE WHEN EXISTS (SELECT 1 FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id
                                             WHERE l.order_id = r.order_id
                                               AND (v.status = 'issued' OR v.status = 'proforma') AND v.origin <> 'contract') THEN 1 ELSE 0 END
                    FROM event_order_revision r
                    JOIN event_order o ON o.order_id = r.order_id AND o.current_revision = r.revision
                    WHERE r.delivered_day BETWEEN ? AND ?
                    ORDER BY r.order_id
                    """, arguments: [period.start.ordinal, period.end.ordinal]
            ).map {
                OrderInput(
                    client: try $0[0], orderID: try $0[1], revisionID: try $0[2], deliveredDay: Day(ordinal: try $0[3]),
                    held: (try $0[4] as Int64) != 0, billedElsewhere: (try $0[5] as Int64) != 0)
            }
        }
    }
}
