import GRDB

/// "v17 guarantee gaps": what SQL on the file could still do, found by the attack
/// suite (Tests/LedgerTests/GuaranteeAttackTests.swift) and refused here.
///
/// - A line, a VAT row or a site-day moved onto a document that is no proforma
///   (`UPDATE invoice_line SET invoice_id = <issued>`): the "v2 invoices" and
///   "v15 ledger guards" triggers looked at the row's old document only.
/// - A proforma issued by `UPDATE` with a number the series never gave: issuing
///   now takes exactly the series' next number in the same transaction (one more
///   issued document of the series than before = the series' last number).
/// - `INSERT OR REPLACE` deletes the conflicting row without firing DELETE triggers
///   (unless `recursive_triggers` is on, which a writer chooses): an issued document
///   replaced by a proforma, a stored document, an audit row, an entry, a closed month, a billed unit, a payment or its allocation
///   replaced. A BEFORE INSERT trigger still sees the old row, and refuses.
///   Not on `ticket_line`: any per-row trigger there slows the import's hot path (a
///   million lines inserted in 1.7 s without, 2.9 s with a trivial trigger, 4.3 s with
///   the key lookup, measured with sqlite3 on this schema); a replaced line of a billed
///   file is found by `ardoise verify` (the revenue hash each issued document keeps,
///   "v15 ledger guards"). PostgreSQL refuses it (`ON CONFLICT DO UPDATE` is an update).
///   Only tables no engine path writes with `INSERT OR IGNORE` are guarded this way
///   (the trigger would turn an ignored duplicate into an error).
enum GuaranteeGaps {
    static let name = "v17 guarantee gaps"

    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(name) { db in
            try db.execute(sql: sqlite)
        }
    }

    static let sqlite = """
        CREATE TRIGGER invoice_line_frozen_target BEFORE UPDATE ON invoice_line
          WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) IS NOT 'proforma'
          BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
        CREATE TRIGGER invoice_vat_frozen_target BEFORE UPDATE ON invoice_vat
          WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) IS NOT 'proforma'
          BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
        CREATE TRIGGER invoice_site_day_frozen_target BEFORE UPDATE ON invoice_site_day
          WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) IS NOT 'proforma'
          BEGIN SELECT RAISE(ABORT, 'the site-days of an issued invoice never change'); END;

        -- The number a series gave and no document has taken yet: kept by the series' own update, so that
        -- checking an issue costs one key lookup whatever the size of the series (counting its issued
        -- documents cost 2-4 ms per issue at 27,000 documents).
        CREATE TABLE number_taken (
          series TEXT PRIMARY KEY REFERENCES number_series(code),
          sequence INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TRIGGER number_series_taken AFTER UPDATE OF last_number ON number_series
          BEGIN INSERT OR REPLACE INTO number_taken (series, sequence) VALUES (NEW.code, NEW.last_number); END;
        CREATE TRIGGER invoice_issued_with_next_number BEFORE UPDATE OF status ON invoice
          WHEN NEW.status = 'issued' AND OLD.status = 'proforma'
           AND NOT EXISTS (SELECT 1 FROM number_taken t JOIN number_series s ON s.code = t.series
                           WHERE t.series = NEW.series AND t.sequence = s.last_number)
          BEGIN SELECT RAISE(ABORT, 'a document is issued with the next number of its series, taken in the same transaction'); END;
        CREATE TRIGGER invoice_issued_takes_its_number AFTER UPDATE OF status ON invoice
          WHEN NEW.status = 'issued' AND OLD.status = 'proforma'
          BEGIN DELETE FROM number_taken WHERE series = NEW.series; END;

        CREATE TRIGGER invoice_no_replace BEFORE INSERT ON invoice
          WHEN EXISTS (SELECT 1 FROM invoice WHERE id = NEW.id)
            OR (NEW.generation_key IS NOT NULL
                AND EXISTS (SELECT 1 FROM invoice WHERE generation_key = NEW.generation_key AND status <> 'discarded'))
          BEGIN SELECT RAISE(ABORT, 'a document is never replaced: make a credit note'); END;
        CREATE TRIGGER issued_document_no_replace BEFORE INSERT ON issued_document
          WHEN EXISTS (SELECT 1 FROM issued_document WHERE invoice_id = NEW.invoice_id
                       OR (series = NEW.series AND sequence = NEW.sequence) OR hash = NEW.hash)
          BEGIN SELECT RAISE(ABORT, 'a stored document is never replaced'); END;
        CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
          WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER journal_entry_no_replace BEFORE INSERT ON journal_entry
          WHEN EXISTS (SELECT 1 FROM journal_entry WHERE id = NEW.id OR (journal = NEW.journal AND number = NEW.number)
                       OR invoice_id = NEW.invoice_id)
          BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: post a reversing entry'); END;
        CREATE TRIGGER closed_month_no_replace BEFORE INSERT ON closed_month
          WHEN EXISTS (SELECT 1 FROM closed_month WHERE month = NEW.month)
          BEGIN SELECT RAISE(ABORT, 'a closed month is never reopened'); END;
        CREATE TRIGGER billed_unit_no_replace BEFORE INSERT ON billed_unit
          WHEN EXISTS (SELECT 1 FROM billed_unit WHERE unit = NEW.unit)
          BEGIN SELECT RAISE(ABORT, 'a unit is billed by one live document'); END;
        CREATE TRIGGER payment_no_replace BEFORE INSERT ON payment
          WHEN EXISTS (SELECT 1 FROM payment WHERE id = NEW.id OR bank_ref = NEW.bank_ref)
          BEGIN SELECT RAISE(ABORT, 'payments are kept: unmatch them'); END;
        CREATE TRIGGER payment_allocation_no_replace BEFORE INSERT ON payment_allocation
          WHEN EXISTS (SELECT 1 FROM payment_allocation WHERE id = NEW.id)
          BEGIN SELECT RAISE(ABORT, 'allocations are kept: an unmatch marks them removed'); END;
        CREATE TRIGGER vat_pending_no_replace BEFORE INSERT ON vat_pending
          WHEN EXISTS (SELECT 1 FROM vat_pending WHERE document_id = NEW.document_id AND rate = NEW.rate)
          BEGIN SELECT RAISE(ABORT, 'pending VAT is recorded once, with its document'); END;
        CREATE TRIGGER vat_receipt_move_no_replace BEFORE INSERT ON vat_receipt_move
          WHEN EXISTS (SELECT 1 FROM vat_receipt_move WHERE id = NEW.id)
          BEGIN SELECT RAISE(ABORT, 'VAT moves are append-only: a removal moves back'); END;
        """
}
