import Foundation
import GRDB

/// A row of a table of e-mails waiting to be sent (`outbox`, `notice`): both
/// are sent the same way, one attempt at a time under a lease, so two senders
/// running at once never send the same message twice.
protocol QueuedMail: Decodable, TableRecord {
    var id: Int64? { get }
    var attempts: Int { get set }
    var nextAttemptAt: String? { get set }
}

extension OutboxMessage: QueuedMail {}
extension Notice: QueuedMail {}

extension LedgerDatabase {
    /// Takes the oldest pending row due at `now` for one attempt: counts the
    /// attempt and moves its next attempt to `now + lease`, in one transaction,
    /// so another sender running at the same time skips it. A sender that dies
    /// before recording the outcome may have delivered it: once the lease is
    /// over the message is flagged for a person (`flagDeadClaims`), never sent
    /// again by a sender. Nil when nothing is due.
    func claimDue<Mail: QueuedMail>(_ type: Mail.Type, now: Date, lease: TimeInterval, excluding tried: Set<Int64> = [])
        throws -> Mail?
    {
        try engine.write { db in
            let table = Mail.databaseTableName
            let excluded = LedgerDatabase.jsonArray(tried)
            try flagDeadClaims(db, table: table, now: LedgerDatabase.timestamp(now))
            guard
                var mail = try db.fetchRecord(
                    Mail.self,
                    sql: """
                        SELECT * FROM \(table) WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                          AND id NOT IN (\(db.integersOfJSONArgument))
                        ORDER BY next_attempt_at, id LIMIT 1\(db.sql(sqlite: "", postgres: " FOR UPDATE SKIP LOCKED"))
                        """, arguments: [LedgerDatabase.timestamp(now), excluded])
            else { return nil }
            mail.attempts += 1
            mail.nextAttemptAt = LedgerDatabase.timestamp(now.addingTimeInterval(lease))
            try db.execute(
                sql: "UPDATE \(table) SET attempts = ?, next_attempt_at = ?, claimed_at = ? WHERE id = ?",
                arguments: [mail.attempts, mail.nextAttemptAt, LedgerDatabase.timestamp(now), mail.id])
            return mail
        }
    }
}
