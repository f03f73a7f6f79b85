import BillingModel
import Foundation
import GRDB

/// What a notice is about.
public enum NoticeKind: String, Codable, Sendable, DatabaseValueConvertible {
    /// Before the due date: a courtesy notice.
    case courtesy
    /// After the due date: a payment reminder.
    case reminder
    /// To the finance team: a contract ends soon.
    case contractEnd = "contract_end"
}

public enum NoticeStatus: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
    case pending, sent, failed
    /// Not sent: the invoice was paid, credited or its reminders paused before the notice left.
    case cancelled
}

/// One notice e-mail (table `notice`): reminders and contract-end notices,
/// queued by the daily run and sent once, like the outbox. Its text is
/// frozen when queued; its `key` makes each step queued once.
public struct Notice: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var kind: NoticeKind
    /// `FA-2026-000001/+7`, `FA-2026-000001/-5`, `contract/ACME/2026-12-31/60`: one notice per key, ever.
    public var key: String
    public var invoiceId: Int64?
    public var customer: String
    public var dueOn: String
    public var messageId: String
    public var recipients: String
    public var subject: String
    public var body: String
    public var status: NoticeStatus
    public var attempts: Int
    public var nextAttemptAt: String?
    public var lastError: String?
    public var sentAt: String?
    public var createdAt: String

    public static let databaseTableName = "notice"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(
        kind: NoticeKind, key: String, invoiceId: Int64?, customer: String, dueOn: Day, messageId: String,
        recipients: [String], subject: String, body: String, createdAt: String
    ) {
        self.kind = kind
        self.key = key
        self.invoiceId = invoiceId
        self.customer = customer
        self.dueOn = dueOn.description
        self.messageId = messageId
        self.recipients = recipients.joined(separator: ", ")
        self.subject = subject
        self.body = body
        status = recipients.isEmpty ? .failed : .pending
        attempts = 0
        nextAttemptAt = recipients.isEmpty ? nil : createdAt
        lastError = recipients.isEmpty ? "blocked: no e-mail address for \(customer)" : nil
        self.createdAt = createdAt
    }

    public var recipientList: [String] {
        recipients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A pause of reminders for a client, payer or invoice number.
public struct ReminderPause: Sendable, Hashable {
    public var target: String
    public var reason: String
    public var pausedAt: String
    public var pausedBy: String
}

extension Schema {
    /// "v13 reminders": notices (courtesy notices, reminders, contract-end
    /// notices) sent once each, and pauses of reminders with their reason.
    static func registerReminders(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13 reminders") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notice (
                      id INTEGER PRIMARY KEY,
                      kind TEXT NOT NULL CHECK (kind IN ('courtesy', 'reminder', 'contract_end')),
                      key TEXT NOT NULL UNIQUE CHECK (key <> ''),
                      invoice_id INTEGER REFERENCES invoice(id),
                      customer TEXT NOT NULL,
                      due_on TEXT NOT NULL,
                      message_id TEXT NOT NULL UNIQUE,
                      recipients TEXT NOT NULL,
                      subject TEXT NOT NULL,
                      body TEXT NOT NULL,
                      status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at TEXT,
                      last_error TEXT,
                      sent_at TEXT,
                      created_at TEXT NOT NULL
                    );
                    CREATE INDEX notice_due ON notice(status, next_attempt_at);
                    CREATE TRIGGER notice_sent_final BEFORE UPDATE ON notice
                      WHEN OLD.status IN ('sent', 'cancelled')
                      BEGIN SELECT RAISE(ABORT, 'a sent or cancelled notice is final'); END;
                    CREATE TRIGGER notice_no_delete BEFORE DELETE ON notice
                      BEGIN SELECT RAISE(ABORT, 'notices are kept'); END;
                    CREATE TABLE reminder_pause (
                      id INTEGER PRIMARY KEY,
                      target TEXT NOT NULL CHECK (target <> ''),
                      reason TEXT NOT NULL CHECK (reason <> ''),
                      paused_at TEXT NOT NULL,
                      paused_by TEXT NOT NULL,
                      resumed_at TEXT,
                      resumed_by TEXT
                    );
                    CREATE UNIQUE INDEX reminder_pause_active ON reminder_pause(target) WHERE resumed_at IS NULL;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// Queues a notice unless one with its key exists; true when queued.
    @discardableResult
    public func queueNotice(_ notice: Notice) throws -> Bool {
        try engine.write { db in
            if try db.fetchValue(Bool.self, sql: "SELECT 1 FROM notice WHERE key = ?", arguments: [notice.key]) ?? false
            {
                return false
            }
            try db.insert(notice)
            return true
        }
    }

    /// The keys of the notices already queued whose key starts with `prefix`.
    public func noticeKeys(prefix: String = "") throws -> Set<String> {
        try engine.read { db in
            Set(
                try db.fetchColumn(
                    String.self, sql: "SELECT key FROM notice WHERE substr(key, 1, length(?)) = ?",
                    arguments: [prefix, prefix]))
        }
    }

    public func notices(status: NoticeStatus? = nil) throws -> [Notice] {
        try engine.read { db in
            try db.fetchRecords(
                Notice.self, sql: "SELECT * FROM notice \(status == nil ? "" : "WHERE status = ?") ORDER BY id",
                arguments: status.map { [$0.rawValue] } ?? [])
        }
    }

    /// Takes the oldest due pending notice for one attempt, under a lease (see `claimDue`).
    public func claimDueNotice(now: Date, lease: TimeInterval) throws -> Notice? {
        try claimDue(Notice.self, now: now, lease: lease)
    }

    /// Records how an attempt ended; `cancelled` when the reason to send is gone.
    public func recordNotice(id: Int64, outcome: DeliveryOutcome?, cancelled reason: String? = nil, at date: Date)
        throws
    {
        try engine.write { db in
            let at = LedgerDatabase.timestamp(date)
            guard let n = try db.fetchRecord(Notice.self, id: id), n.status == .pending || n.status == .failed else {
                return
            }
            // The attempt has an outcome (or none is needed any more): the claim is over.
            try db.execute(sql: "UPDATE notice SET claimed_at = NULL WHERE id = ?", arguments: [id])
            if let reason {
                try db.execute(
                    sql: "UPDATE notice SET status = 'cancelled', next_attempt_at = NULL, last_error = ? WHERE id = ?",
                    arguments: [reason, id])
                return
            }
            switch outcome {
            case .sent?:
                try db.execute(
                    sql:
                        "UPDATE notice SET status = 'sent', sent_at = ?, next_attempt_at = NULL, last_error = NULL WHERE id = ?",
                    arguments: [at, id])
            case .temporary(let error, let retryAt?)?:
                try db.execute(
                    sql: "UPDATE notice SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                    arguments: [LedgerDatabase.timestamp(retryAt), error, id])
            case .temporary(let error, nil)?, .refused(let error)?, .uncertain(let error)?:
                try db.execute(
                    sql: "UPDATE notice SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?",
                    arguments: [error, id])
            case nil:
                break
            }
        }
    }

    /// Makes failed notices (those named, or all) due now with a fresh round
    /// of attempts and the customer's current addresses (`recipients`, by
    /// customer code; the finance address for contract-end notices); a sent or
    /// cancelled notice is final. Returns the ids made due; in the audit log.
    @discardableResult
    public func retryNotices(ids: [Int64]?, now: Date, actor: String, recipients: (Notice) -> [String]) throws
        -> [Int64]
    {
        try engine.write { db in
            let at = LedgerDatabase.timestamp(now)
            var out: [Int64] = []
            let all = try db.fetchRecords(Notice.self, sql: "SELECT * FROM notice ORDER BY id")
            if let ids {
                for id in ids {
                    guard let n = all.first(where: { $0.id == id }) else { throw InvoiceError.noNotice(id) }
                    guard n.status == .failed || n.status == .pending else {
                        throw InvoiceError.noticeFinal(id: id, status: n.status.rawValue)
                    }
                }
            }
            for n in all where ids.map({ $0.contains(n.id ?? -1) }) ?? (n.status == .failed) {
                guard let id = n.id else { continue }
                let list = recipients(n)
                guard !list.isEmpty else {
                    try db.execute(
                        sql: "UPDATE notice SET last_error = ? WHERE id = ?",
                        arguments: ["blocked: still no e-mail address for \(n.customer)", id])
                    continue
                }
                try db.execute(
                    sql: """
                        UPDATE notice SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_at = NULL, recipients = ?, last_error = NULL WHERE id = ?
                        """, arguments: [at, list.joined(separator: ", "), id])
                try appendAudit(
                    db, at: at, actor: actor, action: "notice retry", invoiceID: n.invoiceId,
                    AuditParameters(["notice": .integer(id), "key": .text(n.key), "to": .list(list)]))
                out.append(id)
            }
            return out
        }
    }

    /// Pauses reminders of a client, payer or invoice number, with a reason (audit log).
    public func pauseReminders(target: String, reason: String, actor: String, at date: Date = Date()) throws {
        try engine.write { db in
            let now = LedgerDatabase.timestamp(date)
            if try db.fetchValue(
                Bool.self, sql: "SELECT 1 FROM reminder_pause WHERE target = ? AND resumed_at IS NULL",
                arguments: [target]) ?? false
            {
                throw InvoiceError.remindersAlreadyPaused(target)
            }
            try db.execute(
                sql: "INSERT INTO reminder_pause (target, reason, paused_at, paused_by) VALUES (?, ?, ?, ?)",
                arguments: [target, reason, now, actor])
            try appendAudit(
                db, at: now, actor: actor, action: "reminders pause", invoiceID: nil,
                AuditParameters(["target": .text(target), "reason": .text(reason)]))
        }
    }

    public func resumeReminders(target: String, actor: String, at date: Date = Date()) throws {
        try engine.write { db in
            let now = LedgerDatabase.timestamp(date)
            let changed = try db.execute(
                sql: "UPDATE reminder_pause SET resumed_at = ?, resumed_by = ? WHERE target = ? AND resumed_at IS NULL",
                arguments: [now, actor, target])
            guard changed == 1 else { throw InvoiceError.remindersNotPaused(target) }
            try appendAudit(
                db, at: now, actor: actor, action: "reminders resume", invoiceID: nil,
                AuditParameters(["target": .text(target)]))
        }
    }

    /// Active pauses by target.
    public func reminderPauses() throws -> [String: ReminderPause] {
        try engine.read { db in
            var out: [String: ReminderPause] = [:]
            for r in try db.fetchAll(sql: "SELECT * FROM reminder_pause WHERE resumed_at IS NULL ORDER BY id") {
                let target: String = try r["target"]
                out[target] = ReminderPause(
                    target: target, reason: try r["reason"], pausedAt: try r["paused_at"],
                    pausedBy: try r["paused_by"])
            }
            return out
        }
    }
}
