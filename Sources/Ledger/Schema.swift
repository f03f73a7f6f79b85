import GRDB

/// The ledger's migrations. Each is named, written in raw SQL only (never
/// through app types) and frozen once shipped: a change of schema is a new
/// migration appended at the end.
///
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 imports") { db in
            // One row per version of a delivered file. Register files carry
            // their site and business day (from the name); `version` counts
            // deliveries of the same name.
            try db.execute(
                sql: """
                    CREATE TABLE imported_file (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL CHECK (name <> ''),
                      kind TEXT NOT NULL CHECK (kind IN ('registers', 'events')),
                      version INTEGER NOT NULL CHECK (version >= 1),
                      sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                      size INTEGER NOT NULL CHECK (size >= 0),
                      imported_at TEXT NOT NULL,
                      status TEXT NOT NULL CHECK (status IN ('imported', 'replaced', 'conflict')),
                      site TEXT,
                      day INTEGER,
                      row_count INTEGER NOT NULL CHECK (row_count >= 0),
                      rejected_count INTEGER NOT NULL CHECK (rejected_count >= 0),
                      warning_count INTEGER NOT NULL CHECK (warning_count >= 0),
                      message TEXT,
                      UNIQUE (name, version),
                      CHECK ((kind = 'registers') = (site IS NOT NULL AND day IS NOT NULL))
                    );
                    """)
            // Ticket lines, clustered by file: every aggregation reads the
            // current file of each site-day, so the primary key is its covering index.
            // Measured on a generated month (1M lines): a partial covering index
            // for the per-rate sums cut `revenueDays` from 1.4 s to 1.1 s but the
            // import from 308k to 264k rows/s; a second one for covers to 0.7 s
            // but 210k rows/s. The import target wins: no secondary index.
            // (`x IN (...)` in a CHECK builds an ephemeral table at every insert:
            // a third of the import time; the ORed equalities cost nothing.)
            try db.execute(
                sql: """
                    CREATE TABLE ticket_line (
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      line INTEGER NOT NULL CHECK (line >= 2),
                      ticket TEXT NOT NULL CHECK (ticket <> ''),
                      site TEXT NOT NULL,
                      register INTEGER NOT NULL,
                      day INTEGER NOT NULL,
                      time INTEGER NOT NULL CHECK (time BETWEEN 0 AND 86399),
                      badge TEXT,
                      client TEXT,
                      category TEXT,
                      activity TEXT NOT NULL CHECK (activity = 'SELF' OR activity = 'CAFET' OR activity = 'BRASS'),
                      article TEXT NOT NULL,
                      label TEXT NOT NULL,
                      quantity INTEGER NOT NULL,
                      unit_price INTEGER NOT NULL,
                      vat_rate INTEGER NOT NULL CHECK (vat_rate BETWEEN 0 AND 999999),
                      amount INTEGER NOT NULL,
                      employer_share INTEGER NOT NULL,
                      PRIMARY KEY (file_id, line),
                      CHECK ((client IS NULL) = (category IS NULL))
                    ) WITHOUT ROWID;
                    """)
            // Which version of a site-day's file is the truth, and which one
            // a validated invoice used.
            try db.execute(
                sql: """
                    CREATE TABLE site_day (
                      site TEXT NOT NULL,
                      day INTEGER NOT NULL,
                      current_file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      billed_file_id INTEGER REFERENCES imported_file(id),
                      PRIMARY KEY (site, day)
                    ) WITHOUT ROWID;
                    CREATE INDEX site_day_by_day ON site_day(day, site, current_file_id, billed_file_id);
                    """)
            // The quarantine: nothing delivered is ever lost.
            try db.execute(
                sql: """
                    CREATE TABLE rejected_row (
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      line INTEGER NOT NULL CHECK (line >= 1),
                      raw BLOB NOT NULL,
                      reason TEXT NOT NULL CHECK (reason <> ''),
                      PRIMARY KEY (file_id, line)
                    ) WITHOUT ROWID;
                    CREATE TABLE import_warning (
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      line INTEGER NOT NULL CHECK (line >= 1),
                      reason TEXT NOT NULL CHECK (reason <> ''),
                      PRIMARY KEY (file_id, line, reason)
                    ) WITHOUT ROWID;
                    """)
            // A corrected re-delivery of a site-day already on a validated
            // invoice: the billing engine bills the difference in the open period.
            try db.execute(
                sql: """
                    CREATE TABLE late_revenue (
                      id INTEGER PRIMARY KEY,
                      site TEXT NOT NULL,
                      day INTEGER NOT NULL,
                      billed_file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      recorded_at TEXT NOT NULL,
                      reason TEXT NOT NULL,
                      settled_at TEXT,
                      CHECK (billed_file_id <> file_id),
                      FOREIGN KEY (site, day) REFERENCES site_day(site, day)
                    );
                    CREATE INDEX late_revenue_open ON late_revenue(settled_at, site, day);
                    """)
            // Event orders: every revision kept; the order points at its
            // highest revision, which is the truth.
            try db.execute(
                sql: """
                    CREATE TABLE event_order (
                      order_id TEXT PRIMARY KEY NOT NULL CHECK (order_id <> ''),
                      current_revision INTEGER NOT NULL CHECK (current_revision >= 1),
                      FOREIGN KEY (order_id, current_revision)
                        REFERENCES event_order_revision(order_id, revision) DEFERRABLE INITIALLY DEFERRED
                    );
                    CREATE TABLE event_order_revision (
                      id INTEGER PRIMARY KEY,
                      order_id TEXT NOT NULL REFERENCES event_order(order_id) DEFERRABLE INITIALLY DEFERRED,
                      revision INTEGER NOT NULL CHECK (revision >= 1),
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      line INTEGER NOT NULL CHECK (line >= 1),
                      client TEXT NOT NULL CHECK (client <> ''),
                      site TEXT NOT NULL CHECK (site <> ''),
                      po_number TEXT,
                      event_date INTEGER NOT NULL,
                      status TEXT NOT NULL CHECK (status IN ('confirmed', 'delivered', 'cancelled')),
                      delivered_at TEXT,
                      delivered_day INTEGER,
                      ordered_by TEXT,
                      cost_center TEXT,
                      UNIQUE (order_id, revision),
                      CHECK (status <> 'delivered' OR delivered_at IS NOT NULL),
                      CHECK ((delivered_at IS NULL) = (delivered_day IS NULL))
                    );
                    CREATE INDEX event_order_revision_delivered ON event_order_revision(delivered_day);
                    CREATE TABLE event_order_line (
                      revision_id INTEGER NOT NULL REFERENCES event_order_revision(id),
                      line_no INTEGER NOT NULL CHECK (line_no >= 1),
                      article TEXT NOT NULL CHECK (article <> ''),
                      label TEXT NOT NULL,
                      quantity INTEGER NOT NULL CHECK (quantity >= 1),
                      unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
                      vat_rate INTEGER NOT NULL CHECK (vat_rate BETWEEN 0 AND 999999),
                      PRIMARY KEY (revision_id, line_no)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2 invoices") { db in
            // Invoices and credit notes. A proforma is a draft: editable, no
            // number. Issuing gives it the next number of its series, its
            // dates and its totals, and freezes it: the triggers below make
            // the database itself refuse any change to an issued document.
            // Dates are ISO text (YYYY-MM-DD) so months can be compared in SQL.
            try db.execute(
                sql: """
                    CREATE TABLE number_series (
                      code TEXT PRIMARY KEY,
                      last_number INTEGER NOT NULL DEFAULT 0 CHECK (last_number >= 0)
                    );
                    CREATE TABLE invoice (
                      id INTEGER PRIMARY KEY,
                      type TEXT NOT NULL CHECK (type = 'invoice' OR type = 'credit_note'),
                      status TEXT NOT NULL CHECK (status = 'proforma' OR status = 'issued' OR status = 'discarded'),
                      number TEXT UNIQUE CHECK (number IS NULL OR length(number) BETWEEN 1 AND 35),
                      series TEXT NOT NULL REFERENCES number_series(code),
                      client TEXT NOT NULL CHECK (client <> ''),
                      payer TEXT,
                      site TEXT,
                      period_start TEXT NOT NULL,
                      period_end TEXT NOT NULL CHECK (period_end >= period_start),
                      issue_date TEXT NOT NULL,
                      due_date TEXT NOT NULL CHECK (due_date >= issue_date),
                      payment_terms TEXT NOT NULL,
                      po_number TEXT,
                      order_id TEXT,
                      order_revision INTEGER,
                      credited_invoice_id INTEGER REFERENCES invoice(id),
                      origin TEXT NOT NULL CHECK (origin IN ('contract', 'events', 'correction', 'manual', 'credit')),
                      generation_key TEXT,
                      automatic INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
                      total_ht INTEGER NOT NULL,
                      total_vat INTEGER NOT NULL,
                      total_ttc INTEGER NOT NULL CHECK (total_ttc = total_ht + total_vat),
                      created_at TEXT NOT NULL,
                      issued_at TEXT,
                      CHECK ((status = 'issued') = (number IS NOT NULL)),
                      CHECK (status <> 'issued' OR issued_at IS NOT NULL),
                      CHECK (origin <> 'credit' OR credited_invoice_id IS NOT NULL)
                    );
                    CREATE UNIQUE INDEX invoice_generation ON invoice(generation_key)
                      WHERE generation_key IS NOT NULL AND status <> 'discarded';
                    CREATE INDEX invoice_client_period ON invoice(client, period_start);
                    CREATE INDEX invoice_order ON invoice(order_id) WHERE order_id IS NOT NULL;
                    CREATE TABLE invoice_line (
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id),
                      position INTEGER NOT NULL CHECK (position >= 1),
                      label TEXT NOT NULL CHECK (label <> ''),
                      quantity INTEGER NOT NULL,
                      unit_price INTEGER NOT NULL,
                      net INTEGER NOT NULL,
                      vat_rate INTEGER NOT NULL CHECK (vat_rate BETWEEN 0 AND 999999),
                      revenue_type TEXT,
                      site TEXT,
                      service_start TEXT,
                      service_end TEXT,
                      term_line INTEGER,
                      explanation TEXT NOT NULL DEFAULT '',
                      order_id TEXT,
                      PRIMARY KEY (invoice_id, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE invoice_vat (
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id),
                      rate INTEGER NOT NULL,
                      base INTEGER NOT NULL,
                      vat INTEGER NOT NULL,
                      PRIMARY KEY (invoice_id, rate)
                    ) WITHOUT ROWID;
                    -- The register file version of each site-day an issued invoice billed,
                    -- per client: a corrected re-delivery is compared against it.
                    CREATE TABLE invoice_site_day (
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id),
                      client TEXT NOT NULL,
                      site TEXT NOT NULL,
                      day INTEGER NOT NULL,
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      PRIMARY KEY (invoice_id, site, day)
                    ) WITHOUT ROWID;
                    CREATE INDEX invoice_site_day_by_day ON invoice_site_day(site, day);
                    CREATE TABLE audit_log (
                      id INTEGER PRIMARY KEY,
                      at TEXT NOT NULL,
                      actor TEXT NOT NULL CHECK (actor <> ''),
                      action TEXT NOT NULL,
                      invoice_id INTEGER REFERENCES invoice(id),
                      details TEXT NOT NULL DEFAULT ''
                    );
                    CREATE TABLE closed_month (
                      month TEXT PRIMARY KEY CHECK (length(month) = 7),
                      closed_at TEXT NOT NULL,
                      closed_by TEXT NOT NULL
                    );
                    CREATE TABLE outbox (
                      id INTEGER PRIMARY KEY,
                      invoice_id INTEGER NOT NULL UNIQUE REFERENCES invoice(id),
                      message_id TEXT NOT NULL UNIQUE,
                      recipients TEXT NOT NULL,
                      status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at TEXT,
                      last_error TEXT,
                      sent_at TEXT,
                      created_at TEXT NOT NULL
                    );
                    CREATE TABLE outbox_attempt (
                      outbox_id INTEGER NOT NULL REFERENCES outbox(id),
                      at TEXT NOT NULL,
                      outcome TEXT NOT NULL,
                      response TEXT NOT NULL DEFAULT ''
                    );

                    -- An issued (or discarded) document never changes and is never deleted.
                    CREATE TRIGGER invoice_frozen_update BEFORE UPDATE ON invoice
                      WHEN OLD.status IN ('issued', 'discarded')
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_frozen_delete BEFORE DELETE ON invoice
                      WHEN OLD.status <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted: make a credit note'); END;
                    CREATE TRIGGER invoice_line_frozen_insert BEFORE INSERT ON invoice_line
                      WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_line_frozen_update BEFORE UPDATE ON invoice_line
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_line_frozen_delete BEFORE DELETE ON invoice_line
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_vat_frozen_insert BEFORE INSERT ON invoice_vat
                      WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_vat_frozen_update BEFORE UPDATE ON invoice_vat
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_vat_frozen_delete BEFORE DELETE ON invoice_vat
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    -- Nothing is issued in a closed month.
                    CREATE TRIGGER invoice_closed_month BEFORE UPDATE OF status ON invoice
                      WHEN NEW.status = 'issued'
                       AND EXISTS (SELECT 1 FROM closed_month WHERE month = substr(NEW.issue_date, 1, 7))
                      BEGIN SELECT RAISE(ABORT, 'the month of the issue date is closed'); END;
                    -- Numbers only move forward by one: no gap, no reuse.
                    CREATE TRIGGER number_series_no_gap BEFORE UPDATE ON number_series
                      WHEN NEW.last_number <> OLD.last_number + 1
                      BEGIN SELECT RAISE(ABORT, 'a number series only moves forward by one'); END;
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v3 event billing") { db in
            // The engine looks up what was billed for an order by its lines
            // (orders grouped monthly share one invoice).
            try db.execute(
                sql: """
                    CREATE INDEX invoice_line_order ON invoice_line(order_id) WHERE order_id IS NOT NULL;
                    CREATE INDEX invoice_credited ON invoice(credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;
                    """)
            // Late revenue of a client checked against its issued documents and
            // found to change no amount: settled without a document.
            try db.execute(
                sql: """
                    CREATE TABLE late_revenue_checked (
                      client TEXT NOT NULL,
                      site TEXT NOT NULL,
                      day INTEGER NOT NULL,
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      checked_at TEXT NOT NULL,
                      PRIMARY KEY (client, site, day, file_id)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4 outbox") { db in
            // The outbox of "v2 invoices" is filled when invoices are issued
            // and emptied by the sender. A message sent is final: the database
            // refuses to change or delete it, so no code path can queue it again.
            // The sender asks for the due pending messages in order.
            try db.execute(
                sql: """
                    CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
                    CREATE INDEX outbox_attempt_outbox ON outbox_attempt(outbox_id);
                    CREATE TRIGGER outbox_sent_final BEFORE UPDATE ON outbox
                      WHEN OLD.status = 'sent'
                      BEGIN SELECT RAISE(ABORT, 'a sent message is final'); END;
                    CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
                      BEGIN SELECT RAISE(ABORT, 'the outbox keeps every message'); END;
                    CREATE TRIGGER outbox_attempt_append_only_update BEFORE UPDATE ON outbox_attempt
                      BEGIN SELECT RAISE(ABORT, 'delivery attempts are append-only'); END;
                    CREATE TRIGGER outbox_attempt_append_only_delete BEFORE DELETE ON outbox_attempt
                      BEGIN SELECT RAISE(ABORT, 'delivery attempts are append-only'); END;
                    """)
        }
        migrator.registerMigration("v5 order revisions") { db in
            // Each revision of an event order is billed once. A line records the
            // revision it priced; a revision that changes nothing billable (a new
            // purchase-order number) is recorded as checked. The engine only looks
            // again at an order when a newer revision arrives, so a later contract
            // edit never re-prices an order already settled. Lines stored before
            // this migration fall back on their document's revision (the frozen
            // lines are not rewritten).
            try db.execute(
                sql: """
                    ALTER TABLE invoice_line ADD COLUMN order_revision INTEGER CHECK (order_revision >= 1);
                    CREATE TABLE event_order_checked (
                      order_id TEXT NOT NULL REFERENCES event_order(order_id),
                      revision INTEGER NOT NULL CHECK (revision >= 1),
                      checked_at TEXT NOT NULL,
                      reason TEXT NOT NULL,
                      PRIMARY KEY (order_id, revision)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v6 chronological numbering") { db in
            // Numbers follow dates within a series (French law: a continuous
            // and chronological sequence): a document dated before the last
            // issued document of its series is refused. The Swift check in
            // `issue` says so in words first; this keeps it true for every
            // writer. Documents issued before this migration are not re-checked.
            try db.execute(
                sql: """
                    CREATE INDEX invoice_series_issue_date ON invoice(series, issue_date) WHERE status = 'issued';
                    CREATE TRIGGER invoice_chronological BEFORE UPDATE OF status ON invoice
                      WHEN NEW.status = 'issued'
                       AND EXISTS (SELECT 1 FROM invoice WHERE series = NEW.series AND status = 'issued'
                                   AND issue_date > NEW.issue_date AND id <> NEW.id)
                      BEGIN SELECT RAISE(ABORT, 'a document is never dated before the last issued document of its series'); END;
                    """)
        }
        migrator.registerMigration("v7 issued documents") { db in
            // What was issued stays as issued: the Factur-X PDF and the CII XML
            // rendered once, at validation, stored with their SHA-256 and served
            // from here ever after. Each row also holds the canonical
            // serialisation of the document's frozen content (`content`) and
            // chains it: `hash` = SHA-256 of `content`, which names the previous
            // document's hash in its series (64 zeros for the first). Rows are
            // append-only, and a row joins its series' chain only right after
            // the one before it, with that one's hash. `at_issue` is 0 for a
            // document issued before this migration, stored at its first render.
            try db.execute(
                sql: """
                    CREATE TABLE issued_document (
                      invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
                      series TEXT NOT NULL,
                      sequence INTEGER NOT NULL CHECK (sequence >= 1),
                      pdf BLOB NOT NULL,
                      pdf_sha256 TEXT NOT NULL CHECK (length(pdf_sha256) = 64),
                      xml BLOB NOT NULL,
                      xml_sha256 TEXT NOT NULL CHECK (length(xml_sha256) = 64),
                      content TEXT NOT NULL,
                      previous_hash TEXT NOT NULL CHECK (length(previous_hash) = 64),
                      hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
                      stored_at TEXT NOT NULL,
                      at_issue INTEGER NOT NULL CHECK (at_issue IN (0, 1)),
                      UNIQUE (series, sequence)
                    );
                    CREATE TRIGGER issued_document_of_issued BEFORE INSERT ON issued_document
                      WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) IS NOT 'issued'
                        OR (SELECT series FROM invoice WHERE id = NEW.invoice_id) IS NOT NEW.series
                      BEGIN SELECT RAISE(ABORT, 'only an issued document is stored, in its own series'); END;
                    CREATE TRIGGER issued_document_chained BEFORE INSERT ON issued_document
                      WHEN NEW.previous_hash IS NOT (CASE WHEN NEW.sequence = 1 THEN '0000000000000000000000000000000000000000000000000000000000000000'
                            ELSE (SELECT hash FROM issued_document WHERE series = NEW.series AND sequence = NEW.sequence - 1) END)
                      BEGIN SELECT RAISE(ABORT, 'an issued document joins its chain right after the previous one, with its hash'); END;
                    CREATE TRIGGER issued_document_frozen_update BEFORE UPDATE ON issued_document
                      BEGIN SELECT RAISE(ABORT, 'a stored document never changes'); END;
                    CREATE TRIGGER issued_document_frozen_delete BEFORE DELETE ON issued_document
                      BEGIN SELECT RAISE(ABORT, 'a stored document is never deleted'); END;
                    """)
        }
        registerJournalEntries(&migrator)
        registerClosing(&migrator)
        registerUsers(&migrator)
        registerDailyRevenue(&migrator)
        registerPayments(&migrator)
        registerReminders(&migrator)
        registerLoginAddresses(&migrator)
        registerImportConflicts(&migrator)
        registerLedgerIdentity(&migrator)
        LedgerGuards.register(&migrator)
        registerBilledOnce(&migrator)
        registerAmountBounds(&migrator)
        registerMailClaims(&migrator)
        registerDocumentPeriod(&migrator)
        registerLineDiscounts(&migrator)
        registerPlatformFlows(&migrator)
        registerEReporting(&migrator)
        LedgerDatabase.registerAuditParameters(&migrator)
        LineBasisMigration.register(&migrator)
        registerVATOnReceipts(&migrator)
        GuaranteeGaps.register(&migrator)
        registerHistoryBounds(&migrator)
        registerPayerBreakdown(&migrator)
        registerBillingInputs(&migrator)
        registerCatchUpBounds(&migrator)
        LineFactsMigration.register(&migrator)
        LedgerChanges.register(&migrator)
        registerPaymentEntryIndexes(&migrator)
        registerAuditByDocument(&migrator)
        registerEntryLinesInOrder(&migrator)
        registerOpenInvoices(&migrator)
        return migrator
    }
}
