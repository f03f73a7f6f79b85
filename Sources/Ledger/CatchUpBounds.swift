import Foundation
import GRDB

extension Schema {
    /// "v18 catch-up bounds": how far the daily run's catch-ups have looked, written by the catch-up's own
    /// transaction, so that each run reads what came after instead of every issued document.
    ///
    /// - `entries`: the documents up to `through_invoice` were looked at. A document issued since has its
    ///   entry (the trigger `invoice_issued_with_entry` refuses the issue otherwise), so only those after it
    ///   can lack one.
    /// - `vat on receipts`: the invoices' moves were settled as of `through_invoice` and `through_allocation`.
    ///   Only an invoice whose payments or credit notes changed since can lag: one issued, allocated or
    ///   credited after them, or one with a removed allocation (rare: an index of the removed ones).
    static func registerCatchUpBounds(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v18 catch-up bounds") { db in
            try db.execute(
                sql: """
                    CREATE TABLE catch_up_bound (
                      name TEXT PRIMARY KEY CHECK (name IN ('entries', 'vat on receipts')),
                      through_invoice INTEGER NOT NULL CHECK (through_invoice >= 0),
                      through_allocation INTEGER NOT NULL CHECK (through_allocation >= 0)
                    );
                    CREATE INDEX payment_allocation_removed ON payment_allocation(invoice_id) WHERE removed_at IS NOT NULL;
                    """)
        }
    }
}

extension Schema {
    /// "v20 payment entry indexes": a payment found by the entry it posted (its bank entry, its transfer from the
    /// suspense account), so that the closing's check of entries without a document reads each entry's payments
    /// through an index instead of every payment ever recorded.
    static func registerPaymentEntryIndexes(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v20 payment entry indexes") { db in
            try db.execute(sql: Self.paymentEntryIndexes.joined(separator: ";\n"))
        }
    }

    /// The statements of "v20 payment entry indexes", the same on both engines.
    static let paymentEntryIndexes = [
        "CREATE INDEX payment_entry ON payment(entry_id)",
        "CREATE INDEX payment_transfer_entry ON payment(transfer_entry_id) WHERE transfer_entry_id IS NOT NULL"
    ]
}

extension LedgerDatabase {
    /// How far catch-up `name` has looked: (last invoice id, last allocation id), zeros before its first run.
    func catchUpBound(_ name: String, db: any SQLSession) throws -> (invoice: Int64, allocation: Int64) {
        guard
            let r = try db.fetchOne(
                sql: "SELECT through_invoice, through_allocation FROM catch_up_bound WHERE name = ?",
                arguments: [name])
        else { return (0, 0) }
        return (try r[0], try r[1])
    }

    /// Moves catch-up `name`'s bound to the last invoice and allocation recorded, in the catch-up's transaction.
    func advanceCatchUpBound(_ name: String, db: any SQLSession) throws {
        try db.execute(
            sql: """
                INSERT INTO catch_up_bound (name, through_invoice, through_allocation)
                VALUES (?, (SELECT COALESCE(MAX(id), 0) FROM invoice), (SELECT COALESCE(MAX(id), 0) FROM payment_allocation))
                ON CONFLICT (name) DO UPDATE SET through_invoice = excluded.through_invoice, through_allocation = excluded.through_allocation
                """, arguments: [name])
    }
}
