import BillingModel
import Foundation
import GRDB

/// What a row of `platform_flow` hands to the accredited platform.
public enum PlatformFlowKind: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
    /// An issued invoice or credit note: its stored Factur-X.
    case invoice
    /// The Encaissée status (212) of one payment allocation, with the amount collected (a CDAR message).
    case collected
    /// The reversal of a removed allocation: Encaissée with the amount negated.
    case reversal
}

/// Where a flow stands on Ardoise's side.
public enum PlatformFlowStatus: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
    /// To submit at `next_attempt_at`.
    case pending
    /// The platform has it (its `flowId`): final, never submitted again.
    case submitted
    /// Refused by the API (400, 413, 422…) or out of attempts: a person looks, then `ardoise platform retry`.
    case failed
}

/// The life-cycle statuses of an invoice (XP Z12-012), by code: the four mandatory ones and the optional ones.
public enum LifecycleStatus: String, Sendable, CaseIterable {
    case deposited = "200", issuedByPlatform = "201", receivedByPlatform = "202", madeAvailable = "203", inHand = "204"
    case approved = "205", partlyApproved = "206", disputed = "207", suspended = "208", completed = "209", refused =
        "210"
    case paymentSent = "211", collected = "212", rejected = "213"

    /// The word `platform list --status` and the JSON use.
    public var key: String {
        switch self {
        case .deposited: return "deposited"
        case .issuedByPlatform: return "issued-by-platform"
        case .receivedByPlatform: return "received-by-platform"
        case .madeAvailable: return "made-available"
        case .inHand: return "in-hand"
        case .approved: return "approved"
        case .partlyApproved: return "partly-approved"
        case .disputed: return "disputed"
        case .suspended: return "suspended"
        case .completed: return "completed"
        case .refused: return "refused"
        case .paymentSent: return "payment-sent"
        case .collected: return "collected"
        case .rejected: return "rejected"
        }
    }

    /// A status after which a person must act: the invoice was not delivered, or the buyer refuses it.
    public var needsPerson: Bool { self == .rejected || self == .refused }
}

/// One flow handed (or to hand) to the platform (table `platform_flow`).
public struct PlatformFlow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var kind: PlatformFlowKind
    public var invoiceId: Int64
    public var allocationId: Int64?
    /// Ours, stable: the document number, `ENC-<allocation>` or `ANN-<allocation>`; the platform recognises a repeat by it.
    public var trackingId: String
    /// Cents collected (negative for a reversal); nil for an invoice.
    public var amount: Int64?
    public var status: PlatformFlowStatus
    public var attempts: Int
    public var nextAttemptAt: String?
    public var claimedAt: String?
    public var lastError: String?
    /// The platform's id of the flow, once it has it.
    public var flowId: String?
    public var submittedAt: String?
    /// Lower-case hex SHA-256 of the bytes submitted.
    public var sha256: String?
    /// The platform's acknowledgement: `Pending`, `Ok` or `Error`.
    public var ackStatus: String?
    /// The last life-cycle status code received (`200`, `213`…), and when.
    public var lifecycleCode: String?
    public var lifecycleAt: String?
    public var createdAt: String

    public static let databaseTableName = "platform_flow"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var lifecycle: LifecycleStatus? { lifecycleCode.flatMap(LifecycleStatus.init(rawValue:)) }

    /// Where the flow stands, in one word: `pending`, `failed`, `rejected` (acknowledged in error, or status 213),
    /// the last life-cycle status's key, else `submitted`.
    public var state: String {
        switch status {
        case .pending: return "pending"
        case .failed: return "failed"
        case .submitted:
            if let lifecycle { return lifecycle.key }
            if ackStatus == "Error" { return "rejected" }
            return "submitted"
        }
    }

    /// Whether a person must act: refused by the API, rejected by the platform, refused by the buyer.
    public var needsPerson: Bool {
        status == .failed || (status == .submitted && (lifecycle?.needsPerson ?? (ackStatus == "Error")))
    }
}

/// One event of a flow's history (table `platform_event`), append-only: each attempt, each acknowledgement,
/// each life-cycle status received, each manual action.
public struct PlatformEvent: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public var flowRow: Int64
    public var at: String
    /// `attempt`, `acknowledgement`, `lifecycle` or `manual`.
    public var kind: String
    /// An attempt's outcome (`submitted`, `already-submitted`, `temporary`, `refused`, `interrupted`), an
    /// acknowledgement's status, a life-cycle status code, a manual action.
    public var outcome: String
    /// The platform's answer or reasons (JSON when it sent JSON).
    public var detail: String
    /// The life-cycle message's own flow id (a status is recorded once).
    public var remoteFlowId: String?

    public static let databaseTableName = "platform_event"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

/// A flow with its document, for listings.
public struct PlatformEntry: Sendable, Hashable {
    public var flow: PlatformFlow
    public var number: String
    public var client: String
    public var payer: String?
    public var type: DocumentKind
}

/// How one submission ended, as the submitter reports it.
public enum SubmissionOutcome: Sendable, Hashable {
    /// 202: the platform took it.
    case submitted(flowId: String, response: String)
    /// The platform already had it (`AlreadyExistingFlow`): an earlier attempt's answer was lost. Delivered, once.
    case alreadySubmitted(flowId: String?, response: String)
    /// A network error, 429 or 5xx: tried again at `retryAt` (nil: no attempt left, the flow fails).
    case temporary(error: String, retryAt: Date?)
    /// 400, 413, 422…: never retried; a task for a person.
    case refused(error: String)
}

extension Schema {
    /// "v16 platform flows": every issued document and every payment allocation (and its removal) gets a row to hand
    /// to the accredited platform, written by triggers whatever the code path; each attempt, acknowledgement and
    /// life-cycle status kept in `platform_event`; the search's cursor in `platform_cursor`.
    static func registerPlatformFlows(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16 platform flows") { db in
            try db.execute(
                sql: """
                    CREATE TABLE platform_flow (
                      id INTEGER PRIMARY KEY,
                      kind TEXT NOT NULL CHECK (kind IN ('invoice', 'collected', 'reversal')),
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id),
                      allocation_id INTEGER REFERENCES payment_allocation(id),
                      tracking_id TEXT NOT NULL UNIQUE CHECK (length(tracking_id) BETWEEN 1 AND 36),
                      amount INTEGER,
                      status TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'failed')),
                      attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                      next_attempt_at TEXT,
                      claimed_at TEXT,
                      last_error TEXT,
                      flow_id TEXT UNIQUE,
                      submitted_at TEXT,
                      sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
                      ack_status TEXT,
                      lifecycle_code TEXT,
                      lifecycle_at TEXT,
                      created_at TEXT NOT NULL,
                      CHECK ((kind = 'invoice') = (allocation_id IS NULL)),
                      CHECK ((kind = 'invoice') = (amount IS NULL)),
                      CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
                    );
                    CREATE UNIQUE INDEX platform_flow_document ON platform_flow(invoice_id) WHERE kind = 'invoice';
                    CREATE UNIQUE INDEX platform_flow_allocation ON platform_flow(allocation_id, kind) WHERE allocation_id IS NOT NULL;
                    CREATE INDEX platform_flow_due ON platform_flow(status, next_attempt_at);
                    CREATE TABLE platform_event (
                      id INTEGER PRIMARY KEY,
                      flow_row INTEGER NOT NULL REFERENCES platform_flow(id),
                      at TEXT NOT NULL,
                      kind TEXT NOT NULL CHECK (kind IN ('attempt', 'acknowledgement', 'lifecycle', 'manual')),
                      outcome TEXT NOT NULL,
                      detail TEXT NOT NULL DEFAULT '',
                      remote_flow_id TEXT
                    );
                    CREATE INDEX platform_event_flow ON platform_event(flow_row);
                    -- A life-cycle message is recorded once, however often the search shows it.
                    CREATE UNIQUE INDEX platform_event_remote ON platform_event(remote_flow_id) WHERE kind = 'lifecycle';
                    CREATE TABLE platform_cursor (
                      name TEXT PRIMARY KEY,
                      updated_after TEXT NOT NULL
                    );
                    CREATE TRIGGER platform_flow_no_delete BEFORE DELETE ON platform_flow
                      BEGIN SELECT RAISE(ABORT, 'platform flows are kept'); END;
                    CREATE TRIGGER platform_event_no_delete BEFORE DELETE ON platform_event
                      BEGIN SELECT RAISE(ABORT, 'the platform history is append-only'); END;
                    CREATE TRIGGER platform_event_no_update BEFORE UPDATE ON platform_event
                      BEGIN SELECT RAISE(ABORT, 'the platform history is append-only'); END;
                    -- What a flow is never changes; a submitted flow is final (never submitted again, its flowId kept).
                    CREATE TRIGGER platform_flow_identity BEFORE UPDATE ON platform_flow
                      WHEN NEW.kind <> OLD.kind OR NEW.invoice_id <> OLD.invoice_id OR NEW.allocation_id IS NOT OLD.allocation_id
                        OR NEW.tracking_id <> OLD.tracking_id OR NEW.amount IS NOT OLD.amount
                        OR (OLD.status = 'submitted' AND (NEW.status <> 'submitted' OR NEW.flow_id IS NOT OLD.flow_id
                            OR NEW.submitted_at IS NOT OLD.submitted_at OR NEW.sha256 IS NOT OLD.sha256))
                      BEGIN SELECT RAISE(ABORT, 'a platform flow is what it was queued as, and a submitted flow is final'); END;
                    -- Every document issued from now on is queued for the platform in its issuing transaction.
                    CREATE TRIGGER platform_flow_on_issue AFTER UPDATE OF status ON invoice
                      WHEN OLD.status = 'proforma' AND NEW.status = 'issued'
                      BEGIN
                        INSERT INTO platform_flow (kind, invoice_id, tracking_id, status, next_attempt_at, created_at)
                        VALUES ('invoice', NEW.id, NEW.number, 'pending', NEW.issued_at, NEW.issued_at);
                      END;
                    -- Each allocation of a payment to an invoice: its Encaissée status, once; its removal: the reversal, once.
                    CREATE TRIGGER platform_flow_on_allocation AFTER INSERT ON payment_allocation
                      BEGIN
                        INSERT INTO platform_flow (kind, invoice_id, allocation_id, tracking_id, amount, status, next_attempt_at, created_at)
                        VALUES ('collected', NEW.invoice_id, NEW.id, 'ENC-' || NEW.id, NEW.amount, 'pending', NEW.allocated_at, NEW.allocated_at);
                      END;
                    CREATE TRIGGER platform_flow_on_unallocation AFTER UPDATE OF removed_at ON payment_allocation
                      WHEN OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL
                      BEGIN
                        INSERT INTO platform_flow (kind, invoice_id, allocation_id, tracking_id, amount, status, next_attempt_at, created_at)
                        VALUES ('reversal', NEW.invoice_id, NEW.id, 'ANN-' || NEW.id, -NEW.amount, 'pending', NEW.removed_at, NEW.removed_at);
                      END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// The words a flow whose sender stopped mid-attempt carries in its history.
    static let interruptedAttempt =
        "the previous attempt stopped without an answer (the sender died or timed out); submitted again "
        + "with the same trackingId, which the platform recognises if it had it (AlreadyExistingFlow)"

    /// Takes the oldest pending flow due at `now` for one attempt: counts it and moves its next attempt past the lease,
    /// in one transaction, so a second sender skips it. An Encaissée waits until its invoice is submitted.
    /// A claim left by a sender that died is taken again once its lease is over (the trackingId makes a repeat harmless).
    /// On PostgreSQL the row is locked (`FOR UPDATE SKIP LOCKED`): two senders of two processes never take the same flow.
    public func claimDuePlatformFlow(now: Date, lease: TimeInterval, excluding tried: Set<Int64> = []) throws
        -> PlatformFlow?
    {
        try engine.write { db in
            let at = LedgerDatabase.timestamp(now)
            let excluded = LedgerDatabase.jsonArray(tried)
            guard
                var flow = try db.fetchRecord(
                    PlatformFlow.self,
                    sql: """
                        SELECT f.* FROM platform_flow f
                        WHERE f.status = 'pending' AND (f.next_attempt_at IS NULL OR f.next_attempt_at <= ?)
                          AND f.id NOT IN (\(db.integersOfJSONArgument))
                          AND (f.kind = 'invoice' OR EXISTS (SELECT 1 FROM platform_flow d WHERE d.kind = 'invoice'
                               AND d.invoice_id = f.invoice_id AND d.status = 'submitted'))
                          -- A reversal after its Encaissée.
                          AND (f.kind <> 'reversal' OR EXISTS (SELECT 1 FROM platform_flow c WHERE c.kind = 'collected'
                               AND c.allocation_id = f.allocation_id AND c.status = 'submitted'))
                        ORDER BY f.next_attempt_at NULLS FIRST, f.id LIMIT 1\(db.sql(sqlite: "", postgres: " FOR UPDATE OF f SKIP LOCKED"))
                        """, arguments: [at, excluded]), let id = flow.id
            else { return nil }
            if flow.claimedAt != nil {
                try db.insert(
                    PlatformEvent(
                        flowRow: id, at: at, kind: "attempt", outcome: "interrupted",
                        detail: LedgerDatabase.interruptedAttempt))
            }
            flow.attempts += 1
            flow.nextAttemptAt = LedgerDatabase.timestamp(now.addingTimeInterval(lease))
            flow.claimedAt = at
            try db.execute(
                sql: "UPDATE platform_flow SET attempts = ?, next_attempt_at = ?, claimed_at = ? WHERE id = ?",
                arguments: [flow.attempts, flow.nextAttemptAt, at, id])
            return flow
        }
    }

    /// How many flows are due at `now` (those in `tried` aside), whatever waits on another.
    public func duePlatformFlowCount(now: Date, excluding tried: Set<Int64> = []) throws -> Int {
        try engine.read { db in
            try db.fetchValue(
                Int.self,
                sql: """
                    SELECT COUNT(*) FROM platform_flow WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                      AND id NOT IN (\(db.integersOfJSONArgument))
                    """, arguments: [LedgerDatabase.timestamp(now), LedgerDatabase.jsonArray(tried)]) ?? 0
        }
    }

    /// Records how an attempt ended: the event and the flow's new state, in one transaction. A submitted flow stays so.
    public func recordSubmission(flowRow: Int64, outcome: SubmissionOutcome, sha256: String?, at date: Date) throws {
        try engine.durableWrite { db in
            let at = LedgerDatabase.timestamp(date)
            guard let flow = try db.fetchRecord(PlatformFlow.self, id: flowRow), flow.status != .submitted else {
                return
            }
            try db.execute(sql: "UPDATE platform_flow SET claimed_at = NULL WHERE id = ?", arguments: [flowRow])
            switch outcome {
            case .submitted(let flowId, let response), .alreadySubmitted(let flowId?, let response):
                let already = if case .alreadySubmitted = outcome { true } else { false }
                try db.insert(
                    PlatformEvent(
                        flowRow: flowRow, at: at, kind: "attempt", outcome: already ? "already-submitted" : "submitted",
                        detail: response))
                try db.execute(
                    sql: """
                        UPDATE platform_flow SET status = 'submitted', flow_id = ?, submitted_at = ?, sha256 = ?, next_attempt_at = NULL,
                          last_error = NULL, ack_status = COALESCE(ack_status, 'Pending') WHERE id = ?
                        """, arguments: [flowId, at, sha256, flowRow])
            case .alreadySubmitted(nil, let response):
                // Delivered, but its flowId is not known yet: the search fills it in.
                try db.insert(
                    PlatformEvent(
                        flowRow: flowRow, at: at, kind: "attempt", outcome: "already-submitted", detail: response))
                try db.execute(
                    sql: """
                        UPDATE platform_flow SET status = 'submitted', submitted_at = ?, sha256 = ?, next_attempt_at = NULL, last_error = NULL,
                          ack_status = COALESCE(ack_status, 'Pending') WHERE id = ?
                        """, arguments: [at, sha256, flowRow])
            case .temporary(let error, let retryAt):
                try db.insert(
                    PlatformEvent(flowRow: flowRow, at: at, kind: "attempt", outcome: "temporary", detail: error))
                if let retryAt {
                    try db.execute(
                        sql: "UPDATE platform_flow SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                        arguments: [LedgerDatabase.timestamp(retryAt), error, flowRow])
                } else {
                    try db.execute(
                        sql:
                            "UPDATE platform_flow SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?",
                        arguments: ["gave up after \(flow.attempts) attempts: \(error)", flowRow])
                }
            case .refused(let error):
                try db.insert(
                    PlatformEvent(flowRow: flowRow, at: at, kind: "attempt", outcome: "refused", detail: error))
                try db.execute(
                    sql:
                        "UPDATE platform_flow SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?",
                    arguments: [error, flowRow])
            }
        }
    }

    /// Flows with their documents, oldest first; `kinds` nil: all.
    public func platformFlows(kinds: [PlatformFlowKind]? = nil, invoiceID: Int64? = nil) throws -> [PlatformEntry] {
        try engine.read { db in
            var conditions: [String] = []
            var arguments: [any SQLArgument] = []
            if let kinds {
                conditions.append("f.kind IN (\(db.stringsOfJSONArgument))")
                arguments.append(LedgerDatabase.jsonArray(kinds.map(\.rawValue)))
            }
            if let invoiceID {
                conditions.append("f.invoice_id = ?")
                arguments.append(invoiceID)
            }
            let sql = """
                SELECT f.*, i.number AS doc_number, i.client AS doc_client, i.payer AS doc_payer, i.type AS doc_type
                FROM platform_flow f JOIN invoice i ON i.id = f.invoice_id
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY f.id
                """
            return try db.fetchAll(sql: sql, arguments: arguments).map { row in
                PlatformEntry(
                    flow: try row.decode(PlatformFlow.self), number: try row["doc_number"] as String? ?? "",
                    client: try row["doc_client"], payer: try row["doc_payer"], type: try row["doc_type"])
            }
        }
    }

    /// A flow's history, in order.
    public func platformEvents(flowRow: Int64) throws -> [PlatformEvent] {
        try engine.read { db in
            try db.fetchRecords(
                PlatformEvent.self, sql: "SELECT * FROM platform_event WHERE flow_row = ? ORDER BY id",
                arguments: [flowRow])
        }
    }

    /// The platform's acknowledgement of one of our flows (by its flowId, else its trackingId), recorded when it changed.
    /// Returns the flow's row when something was recorded.
    @discardableResult
    public func recordAcknowledgement(
        flowId: String, trackingId: String?, status: String, detail: String, at date: Date
    ) throws -> Int64? {
        try engine.write { db in
            let at = LedgerDatabase.timestamp(date)
            var flow = try db.fetchRecord(
                PlatformFlow.self, sql: "SELECT * FROM platform_flow WHERE flow_id = ?", arguments: [flowId])
            if flow == nil, let trackingId {
                // Delivered before its answer was lost: the search tells its flowId.
                flow = try db.fetchRecord(
                    PlatformFlow.self,
                    sql:
                        "SELECT * FROM platform_flow WHERE tracking_id = ? AND status = 'submitted' AND flow_id IS NULL",
                    arguments: [trackingId])
                if let id = flow?.id {
                    try db.execute(sql: "UPDATE platform_flow SET flow_id = ? WHERE id = ?", arguments: [flowId, id])
                }
            }
            guard let flow, let id = flow.id else {
                _ = try recordEReportAcknowledgement(db, flowId: flowId, trackingId: trackingId, status: status)
                return nil
            }
            let last = try db.fetchValue(
                String.self,
                sql: """
                    SELECT outcome || \(db.sql(sqlite: "char(31)", postgres: "chr(31)")) || detail FROM platform_event
                    WHERE flow_row = ? AND kind = 'acknowledgement' ORDER BY id DESC LIMIT 1
                    """, arguments: [id])
            if last == status + "\u{1F}" + detail { return nil }
            try db.insert(PlatformEvent(flowRow: id, at: at, kind: "acknowledgement", outcome: status, detail: detail))
            try db.execute(sql: "UPDATE platform_flow SET ack_status = ? WHERE id = ?", arguments: [status, id])
            return id
        }
    }

    /// A life-cycle status received for a document (by its number), once per life-cycle message. Returns false when
    /// the message was already recorded, or names no document submitted to the platform.
    @discardableResult
    public func recordLifecycle(
        number: String, code: String, detail: String, remoteFlowId: String, statusAt: String?, at date: Date
    ) throws -> Bool {
        try engine.write { db in
            guard
                let id = try db.fetchValue(
                    Int64.self,
                    sql: """
                        SELECT f.id FROM platform_flow f JOIN invoice i ON i.id = f.invoice_id WHERE f.kind = 'invoice' AND i.number = ?
                        """, arguments: [number])
            else { return false }
            if try db.fetchOne(
                sql: "SELECT 1 FROM platform_event WHERE kind = 'lifecycle' AND remote_flow_id = ?",
                arguments: [remoteFlowId]) != nil
            {
                return false
            }
            let at = LedgerDatabase.timestamp(date)
            try db.insert(
                PlatformEvent(
                    flowRow: id, at: at, kind: "lifecycle", outcome: code, detail: detail, remoteFlowId: remoteFlowId))
            try db.execute(
                sql: "UPDATE platform_flow SET lifecycle_code = ?, lifecycle_at = ? WHERE id = ?",
                arguments: [code, statusAt ?? at, id])
            return true
        }
    }

    /// Where the search of the platform's flows goes on from (`updatedAfter`); nil before the first search.
    public func platformCursor(_ name: String = "flows") throws -> String? {
        try engine.read { db in
            try db.fetchValue(
                String.self, sql: "SELECT updated_after FROM platform_cursor WHERE name = ?", arguments: [name])
        }
    }

    public func setPlatformCursor(_ value: String, name: String = "flows") throws {
        try engine.write { db in
            try db.execute(
                sql: """
                    INSERT INTO platform_cursor (name, updated_after) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET updated_after = excluded.updated_after
                    """, arguments: [name, value])
        }
    }

    /// Queues the issued documents that have no flow (issued before the platform was in use), all or those named;
    /// in the audit log. Returns the numbers queued.
    @discardableResult
    public func queuePlatformSubmissions(numbers: [String]?, actor: String, at date: Date = Date()) throws -> [String] {
        try engine.write { db in
            let at = LedgerDatabase.timestamp(date)
            var sql = """
                SELECT id, number FROM invoice i WHERE status = 'issued'
                  AND NOT EXISTS (SELECT 1 FROM platform_flow f WHERE f.kind = 'invoice' AND f.invoice_id = i.id)
                """
            var arguments: [any SQLArgument] = []
            if let numbers {
                for n in numbers {
                    guard
                        try db.fetchOne(
                            sql: "SELECT 1 FROM invoice WHERE number = ? AND status = 'issued'", arguments: [n]) != nil
                    else {
                        throw InvoiceError.noIssuedDocument(n)
                    }
                }
                sql += " AND number IN (\(db.stringsOfJSONArgument))"
                arguments.append(LedgerDatabase.jsonArray(numbers))
            }
            let rows = try db.fetchAll(sql: sql + " ORDER BY issue_date, id", arguments: arguments)
            var queued: [String] = []
            for r in rows {
                let id: Int64 = try r["id"], number: String = try r["number"]
                guard
                    let row = try db.fetchValue(
                        Int64.self,
                        sql: """
                            INSERT INTO platform_flow (kind, invoice_id, tracking_id, status, next_attempt_at, created_at)
                            VALUES ('invoice', ?, ?, 'pending', ?, ?) RETURNING id
                            """, arguments: [id, number, at, at])
                else { throw LedgerError.internalInconsistency("INSERT INTO platform_flow returned no id") }
                try db.insert(
                    PlatformEvent(flowRow: row, at: at, kind: "manual", outcome: "queued", detail: "queued by \(actor)")
                )
                try appendAudit(
                    db, at: at, actor: actor, action: "platform queue", invoiceID: id,
                    AuditParameters(["number": .text(number)]))
                queued.append(number)
            }
            return queued
        }
    }

    /// Makes failed flows (or pending ones, when named) due now with a fresh round of attempts; a submitted flow is
    /// final and refused by name. In the audit log. Returns the rows made due.
    @discardableResult
    public func retryPlatformFlows(ids: [Int64]?, actor: String, at date: Date = Date()) throws -> [Int64] {
        let entries = try platformFlows().filter { e in
            ids.map { $0.contains(e.flow.id ?? -1) } ?? (e.flow.status == .failed)
        }
        if let ids {
            for id in ids where !entries.contains(where: { $0.flow.id == id }) { throw InvoiceError.noPlatformFlow(id) }
            if let done = entries.first(where: { $0.flow.status == .submitted }) {
                throw InvoiceError.flowSubmitted(
                    id: done.flow.id ?? 0, number: done.number, at: done.flow.submittedAt, flowID: done.flow.flowId)
            }
        }
        return try engine.write { db in
            let at = LedgerDatabase.timestamp(date)
            var out: [Int64] = []
            for e in entries {
                guard let id = e.flow.id else { continue }
                let changed = try db.execute(
                    sql: """
                        UPDATE platform_flow SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_at = NULL WHERE id = ? AND status <> 'submitted'
                        """, arguments: [at, id])
                guard changed == 1 else { continue }
                try db.insert(
                    PlatformEvent(flowRow: id, at: at, kind: "manual", outcome: "retry", detail: "made due by \(actor)")
                )
                try appendAudit(
                    db, at: at, actor: actor, action: "platform retry", invoiceID: e.flow.invoiceId,
                    AuditParameters([
                        "flow": .integer(id), "tracking": .text(e.flow.trackingId), "number": .text(e.number),
                        "error": e.flow.lastError.map { .text($0) }
                    ]))
                out.append(id)
            }
            return out
        }
    }

    /// The amount collected of an allocation's invoice context: the invoice's number, issue date and TTC, for the CDAR.
    public func documentSummary(invoiceID: Int64) throws -> (
        number: String, issueDate: String, type: DocumentKind, totalTTC: Int64, client: String
    )? {
        try engine.read { db in
            try db.fetchOne(
                sql:
                    "SELECT number, issue_date, type, total_ttc, client FROM invoice WHERE id = ? AND status = 'issued'",
                arguments: [invoiceID]
            ).map { r in
                try (r["number"], r["issue_date"], r["type"], r["total_ttc"], r["client"])
            }
        }
    }
}
