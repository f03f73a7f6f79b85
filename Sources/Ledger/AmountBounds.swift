import GRDB

extension Schema {
    /// "v15 amount bounds": the sign rule, in the database too. A document is
    /// issued with a total TTC of zero or more: an invoice that would be
    /// negative is a credit note, and a credit note's amounts are stored
    /// positive. The engine's zero-sum event difference invoices pass. (Per
    /// line, difference and correction credit notes carry signed deltas, so
    /// lines are not constrained here; typed-in credit notes are checked
    /// positive line by line where they are typed.) The amount limits of the
    /// settings are the engine's: they move with the settings, a trigger
    /// would freeze them.
    static func registerAmountBounds(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15 amount bounds") { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER invoice_issued_total_not_negative BEFORE UPDATE OF status ON invoice
                      WHEN NEW.status = 'issued' AND NEW.total_ttc < 0
                      BEGIN SELECT RAISE(ABORT, 'a document is never issued with a negative total: a negative invoice is a credit note'); END;
                    CREATE TRIGGER invoice_inserted_issued_total_not_negative BEFORE INSERT ON invoice
                      WHEN NEW.status = 'issued' AND NEW.total_ttc < 0
                      BEGIN SELECT RAISE(ABORT, 'a document is never issued with a negative total: a negative invoice is a credit note'); END;
                    """)
        }
    }
}
