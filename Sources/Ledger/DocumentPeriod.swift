import BillingModel
import GRDB

extension Schema {
    /// "v16 document period": a document's service period is one fact, kept
    /// with the document (`invoice.service_start`, `service_end`), so the
    /// JSON, the screens, the PDF, the e-invoice and the exports all read the
    /// same days. It is the hull of its lines' service periods, a line
    /// without one counting as the billing period (`period_start`,
    /// `period_end`: what the billing run covered, which stays the engine's
    /// key); the ledger writes it with the lines (`writeLines`), so an edited
    /// proforma follows its lines and an issued one is frozen with the rest.
    ///
    /// Existing rows are filled from their lines. An issued document some of
    /// whose lines carry no service period was printed with its billing
    /// period: it keeps that, so the ledger says what its stored PDF and XML
    /// say, and the row is listed in `document_period_assumed` with why
    /// (`ardoise verify` names them).
    static func registerDocumentPeriod(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16 document period") { db in
            try db.execute(
                sql: """
                    ALTER TABLE invoice ADD COLUMN service_start TEXT;
                    ALTER TABLE invoice ADD COLUMN service_end TEXT CHECK (service_end >= service_start);
                    CREATE TABLE document_period_assumed (
                      invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
                      reason TEXT NOT NULL
                    );
                    INSERT INTO document_period_assumed(invoice_id, reason)
                    SELECT i.id, CASE WHEN NOT EXISTS (SELECT 1 FROM invoice_line l WHERE l.invoice_id = i.id)
                                      THEN 'no line: the billing period'
                                      WHEN NOT EXISTS (SELECT 1 FROM invoice_line l WHERE l.invoice_id = i.id AND l.service_start IS NOT NULL)
                                      THEN 'no line carries a service period: the billing period'
                                      ELSE 'some lines carry no service period: the billing period, as its documents were printed' END
                    FROM invoice i
                    WHERE i.status = 'issued'
                      AND (EXISTS (SELECT 1 FROM invoice_line l WHERE l.invoice_id = i.id AND (l.service_start IS NULL OR l.service_end IS NULL))
                           OR NOT EXISTS (SELECT 1 FROM invoice_line l WHERE l.invoice_id = i.id));
                    -- The frozen rows are filled once, here: the trigger that refuses any change to them is set again at once.
                    DROP TRIGGER invoice_frozen_update;
                    UPDATE invoice SET
                      service_start = CASE WHEN id IN (SELECT invoice_id FROM document_period_assumed) THEN period_start
                        ELSE COALESCE((SELECT MIN(COALESCE(l.service_start, invoice.period_start)) FROM invoice_line l
                                       WHERE l.invoice_id = invoice.id), period_start) END,
                      service_end = CASE WHEN id IN (SELECT invoice_id FROM document_period_assumed) THEN period_end
                        ELSE COALESCE((SELECT MAX(COALESCE(l.service_end, invoice.period_end)) FROM invoice_line l
                                       WHERE l.invoice_id = invoice.id), period_end) END;
                    CREATE TRIGGER invoice_frozen_update BEFORE UPDATE ON invoice
                      WHEN OLD.status IN ('issued', 'discarded')
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_issued_with_period BEFORE UPDATE OF status ON invoice
                      WHEN NEW.status = 'issued' AND (NEW.service_start IS NULL OR NEW.service_end IS NULL)
                      BEGIN SELECT RAISE(ABORT, 'a document is issued with its service period'); END;
                    CREATE TRIGGER document_period_assumed_frozen_update BEFORE UPDATE ON document_period_assumed
                      BEGIN SELECT RAISE(ABORT, 'what the v16 migration assumed is kept as it was'); END;
                    CREATE TRIGGER document_period_assumed_frozen_delete BEFORE DELETE ON document_period_assumed
                      BEGIN SELECT RAISE(ABORT, 'what the v16 migration assumed is kept as it was'); END;
                    """)
        }
    }
}

extension Schema {
    /// "v16 line discounts": a line priced below its order's price keeps the
    /// price before the discount (`gross_unit_price`), so the documents show
    /// the gross price and the discount (BT-148, BT-147) instead of hiding it
    /// in the net price. Lines stored before have none.
    static func registerLineDiscounts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16 line discounts") { db in
            try db.execute(
                sql: "ALTER TABLE invoice_line ADD COLUMN gross_unit_price INTEGER CHECK (gross_unit_price >= 0)")
        }
    }
}

extension LedgerDatabase {
    /// Stores a document's service period from its lines, just written: the
    /// first and last day they bill, a line without days counting as the
    /// billing period. Called with every write of the lines, so it is never stale.
    func storeDocumentPeriod(_ db: any SQLSession, id: Int64) throws {
        try db.execute(
            sql: """
                UPDATE invoice SET
                  service_start = COALESCE((SELECT MIN(COALESCE(l.service_start, invoice.period_start)) FROM invoice_line l
                                            WHERE l.invoice_id = invoice.id), period_start),
                  service_end = COALESCE((SELECT MAX(COALESCE(l.service_end, invoice.period_end)) FROM invoice_line l
                                          WHERE l.invoice_id = invoice.id), period_end)
                WHERE id = ?
                """, arguments: [id])
    }

    /// The documents whose period "v16 document period" could not take from their lines, with why.
    public func documentPeriodsAssumed() throws -> [(number: String, reason: String)] {
        try engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT i.number, a.reason FROM document_period_assumed a JOIN invoice i ON i.id = a.invoice_id ORDER BY i.id
                    """
            ).map { try (($0[0] as String?) ?? "?", $0[1]) }
        }
    }
}
