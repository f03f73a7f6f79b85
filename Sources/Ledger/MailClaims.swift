import Foundation
import GRDB

extension Schema {
    /// "v15 mail claims": when a sender claimed a message for an attempt (`claimed_at`, cleared when the attempt's
    /// outcome is recorded). A claim whose lease ended with no outcome is a sender that died while sending: the
    /// message may have been delivered, so it is flagged for a person instead of being sent again.
    static func registerMailClaims(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15 mail claims") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
                    ALTER TABLE notice ADD COLUMN claimed_at TEXT;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// The words a message held in doubt carries, for the person who decides whether to send it again.
    static let deadClaim =
        "uncertain: the sender stopped while sending it (it may have been delivered); "
        + "check with the customer, then send it again deliberately (`ardoise outbox retry ID` / `reminders retry ID`)"

    /// Flags, in `table`, the messages a dead sender left claimed (lease over, no outcome recorded): `failed`, with
    /// the reason, never sent again by a sender (at most once). Runs in the claiming transaction.
    func flagDeadClaims(_ db: any SQLSession, table: String, now: String) throws {
        if table == OutboxMessage.databaseTableName {
            try db.execute(
                sql: """
                    INSERT INTO outbox_attempt (outbox_id, at, outcome, response)
                    SELECT id, ?, 'uncertain', ? FROM outbox
                    WHERE status = 'pending' AND claimed_at IS NOT NULL AND next_attempt_at <= ?
                    """, arguments: [now, LedgerDatabase.deadClaim, now])
        }
        try db.execute(
            sql: """
                UPDATE \(table) SET status = 'failed', next_attempt_at = NULL, claimed_at = NULL, last_error = ?
                WHERE status = 'pending' AND claimed_at IS NOT NULL AND next_attempt_at <= ?
                """, arguments: [LedgerDatabase.deadClaim, now])
    }
}
