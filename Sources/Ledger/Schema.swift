import GRDB

/// The ledger's migrations. Each is named, written in raw SQL only (never
/// through app types) and frozen once shipped: a change of schema is a new
/// migration appended at the end.
///
/// Names kept free for the billing engine's later migration: `invoice`,
/// `invoice_line`, `credit_note`, `number_series`, `audit_log`.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 imports") { db in
            // One row per version of a delivered file. Register files carry
            // their site and business day (from the name); `version` counts
            // deliveries of the same name.
            try db.execute(sql: """
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
            try db.execute(sql: """
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
            try db.execute(sql: """
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
            try db.execute(sql: """
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
            try db.execute(sql: """
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
            try db.execute(sql: """
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
        return migrator
    }
}
