import BillingModel
import Foundation
import GRDB

extension Schema {
    /// "v18 payer breakdown": the tickets behind a line billed to a payer (a works council pays the employer share the
    /// registers recorded), grouped by site, diner category and amount per ticket, as the engine counted them when it
    /// made the line: `tickets × unit` per row, the rows adding up to the line. Written with the line and frozen with
    /// it: nothing is added to, changed in or removed from an issued document's breakdown.
    static func registerPayerBreakdown(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v18 payer breakdown") { db in
            try db.execute(
                sql: """
                    CREATE TABLE invoice_line_tickets (
                      invoice_id INTEGER NOT NULL,
                      position INTEGER NOT NULL,
                      site TEXT NOT NULL CHECK (site <> ''),
                      category TEXT NOT NULL CHECK (category <> ''),
                      unit INTEGER NOT NULL,
                      includes_vat INTEGER NOT NULL CHECK (includes_vat IN (0, 1)),
                      tickets INTEGER NOT NULL CHECK (tickets > 0),
                      PRIMARY KEY (invoice_id, position, site, category, unit),
                      FOREIGN KEY (invoice_id, position) REFERENCES invoice_line(invoice_id, position)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER invoice_line_tickets_frozen_insert BEFORE INSERT ON invoice_line_tickets
                      WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) IS NOT 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    CREATE TRIGGER invoice_line_tickets_frozen_update BEFORE UPDATE ON invoice_line_tickets
                      BEGIN SELECT RAISE(ABORT, 'a line''s tickets are written with it, never changed'); END;
                    CREATE TRIGGER invoice_line_tickets_frozen_delete BEFORE DELETE ON invoice_line_tickets
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) IS NOT 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: make a credit note'); END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// Writes the tickets behind the lines of document `id`, by line position (1-based).
    static func writeLineTickets(_ db: any SQLSession, id: Int64, _ tickets: [Int: [TicketGroup]]) throws {
        guard !tickets.isEmpty else { return }
        var rows: [[SQLValue]] = []
        for (position, groups) in tickets.sorted(by: { $0.key < $1.key }) {
            for g in groups {
                rows.append(
                    [
                        .integer(id), .integer(Int64(position)), .text(g.site), .text(g.category),
                        .integer(g.unit.cents), g.includesVAT.sqlValue, g.tickets.sqlValue
                    ])
            }
        }
        try db.insertRows(
            into: "invoice_line_tickets",
            columns: ["invoice_id", "position", "site", "category", "unit", "includes_vat", "tickets"], rows)
    }

    /// The tickets behind the lines of document `id`, by line position: empty for a line without.
    static func lineTickets(_ db: any SQLSession, id: Int64) throws -> [Int: [TicketGroup]] {
        var out: [Int: [TicketGroup]] = [:]
        for r in try db.fetchAll(
            sql: """
                SELECT position, site, category, unit, includes_vat, tickets FROM invoice_line_tickets WHERE invoice_id = ?
                ORDER BY position, site, category, unit DESC
                """, arguments: [id])
        {
            out[try r[0] as Int, default: []].append(
                TicketGroup(
                    site: try r[1], category: try r[2], tickets: try r[5],
                    unit: Money(cents: try r[3]), includesVAT: try r[4]))
        }
        return out
    }

    /// The tickets behind the lines of document `id` (what its PDF and XML show under each payer's line).
    public func lineTickets(invoiceID id: Int64) throws -> [Int: [TicketGroup]] {
        try engine.read { db in try LedgerDatabase.lineTickets(db, id: id) }
    }
}
