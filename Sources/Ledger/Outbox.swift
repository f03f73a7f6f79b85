import BillingModel
import Foundation
import GRDB

/// The e-mail to queue when an invoice is issued, stored in the issuing
/// transaction: an invoice is never issued without its message, nor a message
/// queued for an invoice that was not issued.
public struct OutboxRequest: Sendable, Hashable {
    /// The billed customer's billing contacts.
    public var recipients: [String]
    /// What follows the invoice number in the Message-ID: `812345676@ardoise.invalid`.
    public var messageIDSuffix: String
    /// Why the message cannot be sent (no address, unknown customer): the row is
    /// stored `failed` with this reason, visible in `ardoise outbox list`, and
    /// sent by `ardoise outbox retry` once the settings are fixed.
    public var blockedReason: String?

    public init(recipients: [String], messageIDSuffix: String, blockedReason: String? = nil) {
        self.recipients = recipients
        self.messageIDSuffix = messageIDSuffix
        self.blockedReason = blockedReason
    }

    /// `<FA-2026-000001.812345676@ardoise.invalid>`: one per document, the same at every attempt.
    public func messageID(number: String) -> String { "<\(number).\(messageIDSuffix)>" }
}

public enum OutboxStatus: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
    /// To send at `next_attempt_at`.
    case pending
    /// Delivered to the mail server: final.
    case sent
    /// Refused for good, out of attempts, or blocked: waits for `ardoise outbox retry`.
    case failed
}

/// One queued e-mail of an issued document (table `outbox`).
public struct OutboxMessage: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var invoiceId: Int64
    public var messageId: String
    /// Comma-separated addresses.
    public var recipients: String
    public var status: OutboxStatus
    /// Attempts since the message was queued or last retried by hand (every one is in `outbox_attempt`).
    public var attempts: Int
    public var nextAttemptAt: String?
    public var lastError: String?
    public var sentAt: String?
    public var createdAt: String

    public static let databaseTableName = "outbox"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var recipientList: [String] {
        recipients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// One delivery attempt (table `outbox_attempt`), append-only.
public struct OutboxAttempt: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public var outboxId: Int64
    public var at: String
    /// `sent`, `temporary` (retried later) or `refused` (permanent).
    public var outcome: String
    /// The server's reply or the error.
    public var response: String

    public static let databaseTableName = "outbox_attempt"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

/// A queued message with the document it carries, for listings.
public struct OutboxEntry: Sendable, Hashable {
    public var message: OutboxMessage
    public var number: String
    public var client: String
    public var payer: String?
    public var type: DocumentKind
}

/// How an attempt ended, as the sender reports it.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The server accepted the message (its reply).
    case sent(response: String)
    /// Worth trying again at `retryAt`; nil when no attempt is left (the message fails).
    case temporary(error: String, retryAt: Date?)
    /// Refused for good (5xx, no recipient): the message fails.
    case refused(error: String)
    /// Handed to the server, never acknowledged: perhaps delivered. The message fails
    /// (status `failed`, the attempt `uncertain`) and only a person sends it again.
    case uncertain(error: String)
}

extension LedgerDatabase {
    /// Queues the e-mail of a document being issued, inside the issuing transaction.
    func enqueueMail(_ request: OutboxRequest, invoiceID: Int64, number: String, now: String, db: any SQLSession) throws
    {
        let blocked = request.blockedReason ?? (request.recipients.isEmpty ? "no billing e-mail address" : nil)
        let message = OutboxMessage(
            id: nil, invoiceId: invoiceID, messageId: request.messageID(number: number),
            recipients: request.recipients.joined(separator: ", "),
            status: blocked == nil ? .pending : .failed, attempts: 0,
            nextAttemptAt: blocked == nil ? now : nil, lastError: blocked.map { "blocked: \($0)" },
            sentAt: nil, createdAt: now)
        try db.insert(message)
    }

    /// Queued messages, oldest first, with their documents' numbers.
    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxEntry] {
        try engine.read { db in
            var sql = """
                SELECT o.*, i.number AS doc_number, i.client AS doc_client, i.payer AS doc_payer, i.type AS doc_type
                FROM outbox o JOIN invoice i ON i.id = o.invoice_id
                """
            var arguments: [any SQLArgument] = []
            if let status {
                sql += " WHERE o.status = ?"
                arguments = [status.rawValue]
            }
            return try db.fetchAll(sql: sql + " ORDER BY o.id", arguments: arguments).map { row in
                try OutboxEntry(
                    message: try row.decode(OutboxMessage.self), number: row["doc_number"] ?? "",
                    client: row["doc_client"],
                    payer: row["doc_payer"], type: row["doc_type"])
            }
        }
    }

    /// The queued message of a document, if any.
    public func outboxMessage(invoiceID: Int64) throws -> OutboxMessage? {
        try engine.read { db in
            try db.fetchRecord(
                OutboxMessage.self, sql: "SELECT * FROM outbox WHERE invoice_id = ?", arguments: [invoiceID])
        }
    }

    public func outboxMessage(id: Int64) throws -> OutboxMessage? {
        try engine.read { db in try db.fetchRecord(OutboxMessage.self, id: id) }
    }

    /// Every attempt to deliver a message, in order.
    public func outboxAttempts(outboxID: Int64) throws -> [OutboxAttempt] {
        try engine.read { db in
            try db.fetchRecords(
                OutboxAttempt.self,
                sql:
                    "SELECT * FROM outbox_attempt WHERE outbox_id = ? ORDER BY \(db.sql(sqlite: "rowid", postgres: "at"))",
                arguments: [outboxID])
        }
    }

    /// Takes the oldest pending message due at `now` for one attempt, under a lease (see `claimDue`).
    /// `tried`: the messages a sending run already attempted, never attempted twice in one run.
    public func claimDueMail(now: Date, lease: TimeInterval, excluding tried: Set<Int64> = []) throws -> OutboxMessage?
    {
        try claimDue(OutboxMessage.self, now: now, lease: lease, excluding: tried)
    }

    /// How many pending messages are due at `now`, those in `tried` aside.
    public func dueMailCount(now: Date, excluding tried: Set<Int64> = []) throws -> Int {
        try engine.read { db in
            try db.fetchValue(
                Int.self,
                sql: """
                    SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                      AND id NOT IN (\(db.integersOfJSONArgument))
                    """, arguments: [LedgerDatabase.timestamp(now), LedgerDatabase.jsonArray(tried)]) ?? 0
        }
    }

    /// Records how an attempt ended: the attempt row and the message's new
    /// state, in one transaction. A message already sent is left as it is.
    public func recordDelivery(outboxID: Int64, outcome: DeliveryOutcome, at date: Date) throws {
        try engine.write { db in
            let at = LedgerDatabase.timestamp(date)
            guard let message = try db.fetchRecord(OutboxMessage.self, id: outboxID), message.status != .sent else {
                return
            }
            // The attempt has an outcome: the claim is over.
            try db.execute(sql: "UPDATE outbox SET claimed_at = NULL WHERE id = ?", arguments: [outboxID])
            switch outcome {
            case .sent(let response):
                try db.insert(OutboxAttempt(outboxId: outboxID, at: at, outcome: "sent", response: response))
                try db.execute(
                    sql:
                        "UPDATE outbox SET status = 'sent', sent_at = ?, next_attempt_at = NULL, last_error = NULL WHERE id = ?",
                    arguments: [at, outboxID])
            case .temporary(let error, let retryAt):
                try db.insert(OutboxAttempt(outboxId: outboxID, at: at, outcome: "temporary", response: error))
                if let retryAt {
                    try db.execute(
                        sql: "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
                        arguments: [LedgerDatabase.timestamp(retryAt), error, outboxID])
                } else {
                    try db.execute(
                        sql: "UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?",
                        arguments: ["gave up after \(message.attempts) attempts: \(error)", outboxID])
                }
            case .uncertain(let error):
                try db.insert(OutboxAttempt(outboxId: outboxID, at: at, outcome: "uncertain", response: error))
                try db.execute(
                    sql: "UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?",
                    arguments: [error, outboxID])
            case .refused(let error):
                try db.insert(OutboxAttempt(outboxId: outboxID, at: at, outcome: "refused", response: error))
                try db.execute(
                    sql: "UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?",
                    arguments: [error, outboxID])
            }
        }
    }

    /// Makes failed or pending messages due at `now` with a fresh round of
    /// attempts (`ids` nil: every failed message; a pending one only when named). `recipients`
    /// gives the current billing contacts of a document's customer, so a
    /// message blocked for want of an address leaves once the settings have
    /// one. A sent message is never retried. Returns the ids made due.
    @discardableResult
    public func retryMail(
        ids: [Int64]?, now: Date, actor: String,
        recipients: (OutboxEntry) -> [String]? = { _ in nil }
    ) throws -> [Int64] {
        // Without ids only failed messages: a pending one may be claimed by a sender right now,
        // and making it due again would let a second sender send it too.
        let entries = try outbox().filter { e in
            ids.map { $0.contains(e.message.id ?? -1) } ?? (e.message.status == .failed)
        }
        if let ids {
            for id in ids where !entries.contains(where: { $0.message.id == id }) {
                throw InvoiceError.noOutboxMessage(id)
            }
            if let sent = entries.first(where: { $0.message.status == .sent }) {
                throw InvoiceError.messageSent(id: sent.message.id ?? 0, number: sent.number, at: sent.message.sentAt)
            }
        }
        return try engine.write { db in
            let at = LedgerDatabase.timestamp(now)
            var out: [Int64] = []
            for e in entries {
                guard let id = e.message.id else { continue }
                let fresh = recipients(e)
                let list = fresh.flatMap { $0.isEmpty ? nil : $0.joined(separator: ", ") } ?? e.message.recipients
                if list.isEmpty {
                    try db.execute(
                        sql: "UPDATE outbox SET last_error = ? WHERE id = ? AND status <> 'sent'",
                        arguments: ["blocked: still no billing e-mail address for \(e.payer ?? e.client)", id])
                    continue
                }
                // A sender may have sent it since it was read: a sent message stays as it is.
                try db.execute(
                    sql: """
                        UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_at = NULL, recipients = ? WHERE id = ? AND status <> 'sent'
                        """, arguments: [at, list, id])
                guard db.changesCount == 1 else { continue }
                try appendAudit(
                    db, at: at, actor: actor, action: "outbox retry", invoiceID: e.message.invoiceId,
                    AuditParameters([
                        "message": .integer(id), "number": .text(e.number), "to": .text(list),
                        "last_error": .of(e.message.lastError)
                    ]))
                out.append(id)
            }
            return out
        }
    }
}
