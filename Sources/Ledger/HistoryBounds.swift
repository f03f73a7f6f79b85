import BillingModel
import Foundation
import GRDB

extension Schema {
    /// "v17 history bounds": what lets the daily work read its own period, not
    /// the whole history (issue 23: a month cost more with each month behind it).
    ///
    /// - `site_day_redelivered`: every site-day whose current register file
    ///   changed after it was first recorded, kept by trigger in the importing
    ///   transaction. Late revenue (a document that billed another version
    ///   than the current one) can only be on such a site-day: the search for
    ///   it starts from these few rows instead of every site-day ever billed.
    ///   Append-only, like the history it summarises.
    /// - `invoice_discarded_key`: discarded documents by generation key, so the
    ///   daily run asks about the keys it is about to generate, not every
    ///   document ever discarded.
    /// - `invoice_contract_period`: live contract invoices by period end, so
    ///   billing a period reads the documents that overlap it.
    static func registerHistoryBounds(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v17 history bounds") { db in
            try db.execute(
                sql: """
                    CREATE TABLE site_day_redelivered (
                      site TEXT NOT NULL,
                      day INTEGER NOT NULL,
                      PRIMARY KEY (site, day)
                    ) WITHOUT ROWID;
                    INSERT OR IGNORE INTO site_day_redelivered (site, day)
                      SELECT site, day FROM imported_file WHERE kind = 'registers' GROUP BY site, day HAVING COUNT(*) > 1;
                    INSERT OR IGNORE INTO site_day_redelivered (site, day)
                      SELECT i.site, i.day FROM invoice_site_day i JOIN site_day s ON s.site = i.site AND s.day = i.day
                      WHERE s.current_file_id <> i.file_id;
                    CREATE TRIGGER site_day_redelivered_update AFTER UPDATE ON site_day
                      WHEN NEW.current_file_id IS NOT OLD.current_file_id OR NEW.site IS NOT OLD.site OR NEW.day IS NOT OLD.day
                      BEGIN INSERT OR IGNORE INTO site_day_redelivered (site, day) VALUES (NEW.site, NEW.day); END;
                    CREATE TRIGGER site_day_redelivered_insert AFTER INSERT ON site_day
                      WHEN EXISTS (SELECT 1 FROM invoice_site_day WHERE site = NEW.site AND day = NEW.day)
                      BEGIN INSERT OR IGNORE INTO site_day_redelivered (site, day) VALUES (NEW.site, NEW.day); END;
                    CREATE TRIGGER site_day_redelivered_frozen_update BEFORE UPDATE ON site_day_redelivered
                      BEGIN SELECT RAISE(ABORT, 'a re-delivered site-day stays recorded'); END;
                    CREATE TRIGGER site_day_redelivered_frozen_delete BEFORE DELETE ON site_day_redelivered
                      BEGIN SELECT RAISE(ABORT, 'a re-delivered site-day stays recorded'); END;
                    CREATE INDEX invoice_discarded_key ON invoice(generation_key) WHERE status = 'discarded' AND generation_key IS NOT NULL;
                    CREATE INDEX invoice_contract_period ON invoice(period_end)
                      WHERE origin = 'contract' AND type = 'invoice' AND status <> 'discarded';
                    """)
        }
    }
}

extension LedgerDatabase {
    /// The periods of the live contract documents (proformas and issued) of each client whose period overlaps
    /// `period` (those the plan can meet), to bill only what is unbilled.
    public func contractPeriods(clients: Set<String>?, overlapping period: Period) throws -> [String: [(
        period: Period, document: String
    )]] {
        try engine.read { db in
            var out: [String: [(period: Period, document: String)]] = [:]
            for r in try db.fetchAll(
                sql: """
                    SELECT client, period_start, period_end, COALESCE(number, 'proforma ' || id) FROM invoice\(db.sql(sqlite: " INDEXED BY invoice_contract_period", postgres: ""))
                    WHERE origin = 'contract' AND type = 'invoice' AND status <> 'discarded' AND period_end >= ? AND period_start <= ?
                    ORDER BY client, period_start, id
                    """, arguments: [period.start.description, period.end.description])
            {
                let client: String = try r[0]
                guard clients?.contains(client) ?? true else { continue }
                let document: String = try r[3]
                out[client, default: []].append(
                    (period: try StoredValue.period(try r[1], try r[2], "period", of: document), document: document))
            }
            return out
        }
    }
}
