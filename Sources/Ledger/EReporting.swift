import BillingModel
import Foundation
import GRDB

/// The operation category of a B2C sale as e-reporting codes it: goods delivered (`TLB1`) or services (`TPS1`).
public enum B2CCategory: String, Sendable, Hashable, CaseIterable {
    case goods = "TLB1"
    case services = "TPS1"
}

/// Which register sales are goods: the settings' revenue types say it (`nature`), by article code or by activity;
/// every other sale is a service. The same attribute that sets an invoice's operation category (BT-23).
public struct B2CGoods: Sendable, Hashable {
    /// Article codes of goods, and article codes of services (an article listed by a revenue type wins over its activity).
    public var goodsArticles: Set<String>
    public var serviceArticles: Set<String>
    /// Activities (`CAFET`…) whose sales are goods.
    public var goodsActivities: Set<String>

    public init(goodsArticles: Set<String> = [], serviceArticles: Set<String> = [], goodsActivities: Set<String> = []) {
        self.goodsArticles = goodsArticles
        self.serviceArticles = serviceArticles
        self.goodsActivities = goodsActivities
    }

    /// Every sale a service.
    public static let none = B2CGoods()
}

/// What diners paid at the registers on one day at one VAT rate for one operation category: B2C sales, e-reported in
/// aggregate.
public struct B2CDayTotal: Sendable, Hashable {
    public var day: Day
    /// Ten-thousandths of a percent, as the ticket lines carry it (10 % = 100000).
    public var vatRate: Int
    /// Goods or services, from the settings' revenue types (`B2CGoods`).
    public var category: B2CCategory = .services
    /// Cents, TTC: what the diners paid (the line's amount less the employer's share; guests billed to a client left out).
    public var paidTTC: Int64
    public var lines: Int
    /// The TTC split exactly, by the one rounding of `Money.excludingVAT` (half away from zero, over Int128):
    /// net = TTC / (1 + rate); VAT = TTC − net. An amount past Int64 is an error, never a trap.
    public var net: Int64 {
        get throws(MoneyOverflow) {
            try Money(cents: paidTTC).excludingVAT(at: Percentage(tenThousandths: Int64(vatRate))).cents
        }
    }
    public var vat: Int64 {
        get throws(MoneyOverflow) { try Money(cents: paidTTC).subtracting(Money(cents: try net)).cents }
    }
}

/// One e-reporting period handed to the platform (table `ereporting_period`): its report is frozen when queued, so
/// every attempt sends the same bytes.
public struct EReportingPeriod: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    /// `2026-10-01..2026-10-10`.
    public var period: String
    /// `ER-20261001-20261010`.
    public var trackingId: String
    public var status: PlatformFlowStatus
    public var attempts: Int
    public var nextAttemptAt: String?
    public var claimedAt: String?
    public var lastError: String?
    public var flowId: String?
    public var submittedAt: String?
    public var sha256: String?
    public var ackStatus: String?
    public var content: Data
    /// Cents TTC reported, and the number of (day, rate) rows.
    public var totalTtc: Int64
    public var rows: Int
    public var createdAt: String

    public static let databaseTableName = "ereporting_period"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Schema {
    /// "v16 platform e-reporting": the B2C sales of each e-reporting period, frozen when queued, submitted once.
    static func registerEReporting(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16 platform e-reporting") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ereporting_period (
                      id INTEGER PRIMARY KEY,
                      period TEXT NOT NULL UNIQUE,
                      tracking_id TEXT NOT NULL UNIQUE CHECK (length(tracking_id) BETWEEN 1 AND 36),
                      status TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'failed')),
                      attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                      next_attempt_at TEXT,
                      claimed_at TEXT,
                      last_error TEXT,
                      flow_id TEXT UNIQUE,
                      submitted_at TEXT,
                      sha256 TEXT,
                      ack_status TEXT,
                      content BLOB NOT NULL,
                      total_ttc INTEGER NOT NULL,
                      rows INTEGER NOT NULL CHECK (rows >= 0),
                      created_at TEXT NOT NULL,
                      CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
                    );
                    CREATE TRIGGER ereporting_period_no_delete BEFORE DELETE ON ereporting_period
                      BEGIN SELECT RAISE(ABORT, 'e-reporting periods are kept'); END;
                    CREATE TRIGGER ereporting_period_frozen BEFORE UPDATE ON ereporting_period
                      WHEN NEW.content <> OLD.content OR NEW.period <> OLD.period OR NEW.tracking_id <> OLD.tracking_id
                        OR NEW.total_ttc <> OLD.total_ttc OR (OLD.status = 'submitted' AND (NEW.status <> 'submitted' OR NEW.flow_id IS NOT OLD.flow_id))
                      BEGIN SELECT RAISE(ABORT, 'an e-reporting period is frozen when queued, and final once submitted'); END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// The B2C sales of `period`: per day, VAT rate and operation category (goods as `goods` says, else services),
    /// what diners paid at the registers (current file versions), guests billed to a client (`INV`) left out.
    public func b2cTotals(_ period: Period, goods: B2CGoods = .none) throws -> [B2CDayTotal] {
        try engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT t.day, t.vat_rate,
                           CASE WHEN t.article IN (\(db.stringsOfJSONArgument)) THEN 1
                                WHEN t.article IN (\(db.stringsOfJSONArgument)) THEN 0
                                WHEN t.activity IN (\(db.stringsOfJSONArgument)) THEN 1 ELSE 0 END AS goods,
                           SUM(t.amount - t.employer_share) AS paid, COUNT(*) AS n
                    FROM site_day s JOIN ticket_line t ON t.file_id = s.current_file_id AND t.site = s.site AND t.day = s.day
                    WHERE s.day BETWEEN ? AND ? AND (t.category IS NULL OR t.category <> 'INV')
                    GROUP BY t.day, t.vat_rate, goods ORDER BY t.day, t.vat_rate, goods
                    """,
                arguments: [
                    LedgerDatabase.jsonArray(goods.goodsArticles.sorted()),
                    LedgerDatabase.jsonArray(goods.serviceArticles.sorted()),
                    LedgerDatabase.jsonArray(goods.goodsActivities.sorted()), period.start.ordinal, period.end.ordinal
                ]
            ).map { r in
                B2CDayTotal(
                    day: Day(ordinal: try r["day"]), vatRate: try r["vat_rate"],
                    category: (try r["goods"] as Int) == 1 ? .goods : .services,
                    paidTTC: try r["paid"], lines: try r["n"])
            }
        }
    }

    /// Queues the report of a period once (a period already queued keeps its report). Returns whether it was queued now.
    @discardableResult
    public func queueEReport(
        period: String, trackingId: String, content: [UInt8], totalTTC: Int64, rows: Int, actor: String,
        at date: Date = Date()
    ) throws -> Bool {
        try engine.durableWrite { db in
            if try db.fetchOne(sql: "SELECT 1 FROM ereporting_period WHERE period = ?", arguments: [period]) != nil {
                return false
            }
            let now = LedgerDatabase.timestamp(date)
            let row = EReportingPeriod(
                id: nil, period: period, trackingId: trackingId, status: .pending, attempts: 0, nextAttemptAt: now,
                claimedAt: nil, lastError: nil, flowId: nil, submittedAt: nil, sha256: nil, ackStatus: nil,
                content: Data(content), totalTtc: totalTTC, rows: rows, createdAt: now)
            try db.insert(row)
            try appendAudit(
                db, at: now, actor: actor, action: "ereporting queue", invoiceID: nil,
                AuditParameters(["period": .text(period), "rows": .integer(Int64(rows)), "ttc": .integer(totalTTC)]))
            return true
        }
    }

    public func eReports() throws -> [EReportingPeriod] {
        try engine.read { db in
            try db.fetchRecords(EReportingPeriod.self, sql: "SELECT * FROM ereporting_period ORDER BY period")
        }
    }

    /// The oldest pending report due at `now`, claimed under a lease (as the document flows; on PostgreSQL the row
    /// is locked, so two senders of two processes never take the same report).
    public func claimDueEReport(now: Date, lease: TimeInterval, excluding tried: Set<Int64>) throws -> EReportingPeriod?
    {
        try engine.write { db in
            let at = LedgerDatabase.timestamp(now)
            guard
                var r = try db.fetchRecord(
                    EReportingPeriod.self,
                    sql: """
                        SELECT * FROM ereporting_period WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                          AND id NOT IN (\(db.integersOfJSONArgument)) ORDER BY period LIMIT 1\(db.sql(sqlite: "", postgres: " FOR UPDATE SKIP LOCKED"))
                        """, arguments: [at, LedgerDatabase.jsonArray(tried)]), let id = r.id
            else { return nil }
            r.attempts += 1
            r.nextAttemptAt = LedgerDatabase.timestamp(now.addingTimeInterval(lease))
            r.claimedAt = at
            try db.execute(
                sql: "UPDATE ereporting_period SET attempts = ?, next_attempt_at = ?, claimed_at = ? WHERE id = ?",
                arguments: [r.attempts, r.nextAttemptAt, at, id])
            return r
        }
    }

    public func recordEReport(id: Int64, outcome: SubmissionOutcome, sha256: String?, at date: Date) throws {
        try engine.durableWrite { db in
            let at = LedgerDatabase.timestamp(date)
            guard let r = try db.fetchRecord(EReportingPeriod.self, id: id), r.status != .submitted else { return }
            switch outcome {
            case .submitted(let flowId, _), .alreadySubmitted(let flowId?, _):
                try db.execute(
                    sql: """
                        UPDATE ereporting_period SET status = 'submitted', flow_id = ?, submitted_at = ?, sha256 = ?, claimed_at = NULL,
                          next_attempt_at = NULL, last_error = NULL, ack_status = COALESCE(ack_status, 'Pending') WHERE id = ?
                        """, arguments: [flowId, at, sha256, id])
            case .alreadySubmitted(nil, _):
                try db.execute(
                    sql: """
                        UPDATE ereporting_period SET status = 'submitted', submitted_at = ?, sha256 = ?, claimed_at = NULL, next_attempt_at = NULL,
                          last_error = NULL, ack_status = COALESCE(ack_status, 'Pending') WHERE id = ?
                        """, arguments: [at, sha256, id])
            case .temporary(let error, let retryAt?):
                try db.execute(
                    sql:
                        "UPDATE ereporting_period SET claimed_at = NULL, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    arguments: [LedgerDatabase.timestamp(retryAt), error, id])
            case .temporary(let error, nil), .refused(let error):
                try db.execute(
                    sql:
                        "UPDATE ereporting_period SET status = 'failed', claimed_at = NULL, next_attempt_at = NULL, last_error = ? WHERE id = ?",
                    arguments: [error, id])
            }
        }
    }

    /// An acknowledgement of an e-reporting flow (by flowId, else trackingId); true when it is one of ours.
    func recordEReportAcknowledgement(_ db: any SQLSession, flowId: String, trackingId: String?, status: String) throws
        -> Bool
    {
        if try db.execute(
            sql: "UPDATE ereporting_period SET ack_status = ? WHERE flow_id = ?", arguments: [status, flowId]) > 0
        {
            return true
        }
        guard let trackingId else { return false }
        return try db.execute(
            sql:
                "UPDATE ereporting_period SET ack_status = ?, flow_id = COALESCE(flow_id, ?) WHERE tracking_id = ? AND status = 'submitted'",
            arguments: [status, flowId, trackingId]) > 0
    }
}
