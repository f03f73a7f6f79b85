import Foundation
import GRDB

extension Schema {
    /// "v23 open invoices": the issued invoices with something left to pay (`open_invoice`), kept by triggers in the
    /// transaction that changes a balance: an invoice issued, a credit note issued against it, a payment allocated
    /// to it or its allocation removed (allocations are never deleted, an issued invoice never changes). The daily
    /// run's reminders and each bank statement's matching read those instead of every invoice ever issued: a
    /// year's ledger has 17,000 invoices, nearly all paid. `open_invoice` is a summary, never a cache: `verify`
    /// and the crash checks compare it with the balances computed from the rows.
    static func registerOpenInvoices(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v23 open invoices") { db in
            try db.execute(sql: Self.openInvoicesOnSQLite.joined(separator: ";\n"))
        }
    }

    /// The balance of invoice `id` (an SQL expression of `id`), credit notes and allocations of every date, as
    /// "v23 open invoices" wrote it: part of a shipped migration, frozen (the checks use `balanceDue`).
    private static func v23Balance(_ id: String) -> String {
        """
        (SELECT total_ttc FROM invoice WHERE id = \(id))
          - COALESCE((SELECT SUM(c.total_ttc) FROM invoice c WHERE c.credited_invoice_id = \(id) AND c.status = 'issued'
                      AND c.type = 'credit_note'), 0)
          - COALESCE((SELECT SUM(a.amount) FROM payment_allocation a WHERE a.invoice_id = \(id) AND a.removed_at IS NULL), 0)
        """
    }

    /// The statements that put invoices `ids` (an SQL list) in `open_invoice` or take them out, by their balance.
    /// Frozen with "v23 open invoices".
    private static func v23Reopen(_ ids: String) -> [String] {
        [
            "DELETE FROM open_invoice WHERE invoice_id IN (\(ids))",
            """
            INSERT INTO open_invoice(invoice_id) SELECT i.id FROM invoice i
            WHERE i.id IN (\(ids)) AND i.status = 'issued' AND i.type = 'invoice' AND \(v23Balance("i.id")) > 0
            """
        ]
    }

    private static let openInvoiceTable = [
        "CREATE TABLE open_invoice (invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id))",
        // The dates an as-of question needs beside them: what was allocated or credited after the day asked.
        "CREATE INDEX payment_allocation_on ON payment_allocation(allocated_on)",
        "CREATE INDEX invoice_credit_note_issue ON invoice(issue_date) WHERE type = 'credit_note' AND status = 'issued'",
        "INSERT INTO open_invoice(invoice_id) SELECT i.id FROM invoice i WHERE i.status = 'issued' AND i.type = 'invoice' AND "
            + v23Balance("i.id") + " > 0"
    ]

    private static let openInvoicesOnSQLite =
        openInvoiceTable + [
            """
            CREATE TRIGGER open_invoice_on_issue AFTER UPDATE OF status ON invoice
              WHEN NEW.status = 'issued' AND OLD.status <> 'issued'
              BEGIN \(v23Reopen("NEW.id, NEW.credited_invoice_id").joined(separator: "; ")); END
            """,
            """
            CREATE TRIGGER open_invoice_on_allocation AFTER INSERT ON payment_allocation
              BEGIN \(v23Reopen("NEW.invoice_id").joined(separator: "; ")); END
            """,
            """
            CREATE TRIGGER open_invoice_on_unallocation AFTER UPDATE OF removed_at ON payment_allocation
              BEGIN \(v23Reopen("NEW.invoice_id").joined(separator: "; ")); END
            """
        ]

    /// The same on PostgreSQL: the triggers' bodies in PL/pgSQL functions.
    static let openInvoicesOnPostgres: [String] =
        openInvoiceTable.map {
            $0.replacingOccurrences(of: "invoice_id INTEGER PRIMARY KEY", with: "invoice_id BIGINT PRIMARY KEY")
        }
        + PostgresSchema.action(
            "open_invoice_on_issue", "AFTER UPDATE OF status", on: "invoice",
            when: "NEW.status = 'issued' AND OLD.status <> 'issued'",
            body: v23Reopen("NEW.id, NEW.credited_invoice_id").map { $0 + ";" }.joined(separator: "\n"))
        + PostgresSchema.action(
            "open_invoice_on_allocation", "AFTER INSERT", on: "payment_allocation",
            body: v23Reopen("NEW.invoice_id").map { $0 + ";" }.joined(separator: "\n"))
        + PostgresSchema.action(
            "open_invoice_on_unallocation", "AFTER UPDATE OF removed_at", on: "payment_allocation",
            body: v23Reopen("NEW.invoice_id").map { $0 + ";" }.joined(separator: "\n"))
}

extension LedgerDatabase {
    /// What issued invoice `id` (an SQL expression) still owes: its total less the credit notes issued against it
    /// and the payments allocated to it (not removed), of every date.
    static func balanceDue(_ id: String) -> String {
        """
        (SELECT total_ttc FROM invoice WHERE id = \(id))
          - COALESCE((SELECT SUM(c.total_ttc) FROM invoice c WHERE c.credited_invoice_id = \(id) AND c.status = 'issued'
                      AND c.type = 'credit_note'), 0)
          - COALESCE((SELECT SUM(a.amount) FROM payment_allocation a WHERE a.invoice_id = \(id) AND a.removed_at IS NULL), 0)
        """
    }

    /// Issued invoices that `open_invoice` lists while their balance is settled, or the reverse: a summary the
    /// triggers failed to keep (or a hand edit). `verify` and the crash checks report them.
    func openInvoiceMismatches(_ db: any SQLSession) throws -> [ChainReport.Break] {
        try db.fetchAll(
            sql: """
                SELECT i.series, i.number, CASE WHEN o.invoice_id IS NULL THEN 0 ELSE 1 END AS listed,
                       CASE WHEN \(Self.balanceDue("i.id")) > 0 THEN 1 ELSE 0 END AS open
                FROM invoice i LEFT JOIN open_invoice o ON o.invoice_id = i.id
                WHERE i.status = 'issued' AND i.type = 'invoice'
                """
        ).compactMap { r in
            let listed: Int = try r[2], open: Int = try r[3]
            guard listed != open else { return nil }
            return ChainReport.Break(
                series: try r[0], number: try r[1], kind: "open invoices",
                detail: open == 1
                    ? "has something left to pay, but is missing from the open invoices (open_invoice)"
                    : "is settled, but still listed among the open invoices (open_invoice)")
        }
            + db.fetchAll(
                sql: """
                    SELECT COALESCE(i.series, ''), COALESCE(i.number, '#' || o.invoice_id) FROM open_invoice o
                    LEFT JOIN invoice i ON i.id = o.invoice_id WHERE i.id IS NULL OR i.status <> 'issued' OR i.type <> 'invoice'
                    """
            ).map { r in
                ChainReport.Break(
                    series: try r[0], number: try r[1], kind: "open invoices",
                    detail: "is listed among the open invoices (open_invoice), but is not an issued invoice")
            }
    }
}
