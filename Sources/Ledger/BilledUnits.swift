import BillingModel
import Diagnostics
import Foundation
import GRDB

/// What a live document bills, unit by unit, so that the database itself
/// refuses to bill it twice: a client's day of revenue at a site (per
/// invoice of the contract: payer, site, fees apart), a fee period, an event
/// order revision. A unit belongs to at most one live document (proforma or
/// issued); discarding a proforma frees its units. Credit notes,
/// corrections (late revenue) and documents typed in carry none.
public enum BilledUnit {
    /// A day of revenue of `client` at `site`, on the invoice of the contract
    /// identified by payer, document site and whether it holds the fees apart.
    public static func day(client: String, payer: String?, documentSite: String?, fees: Bool, site: String, day: Day)
        -> String
    {
        ["day", client, payer ?? "", documentSite ?? "", fees ? "fees" : "", site, String(day.ordinal)].joined(
            separator: "|")
    }

    /// A fee of the contract for its service period (the line's label names the fee period).
    public static func fee(client: String, payer: String?, label: String, service: Period) -> String {
        ["fee", client, payer ?? "", label, service.start.description, service.end.description].joined(separator: "|")
    }

    /// A revision of an event order, billed by an invoice (a credit note of a change is aside).
    public static func order(_ id: String, revision: Int) -> String { "order|\(id)|\(revision)" }

    /// How a unit reads for people: `C0002 at LD01 on 2026-10-05`, `fee "Frais de gestion octobre 2026"`, `order EVT-1 revision 2`.
    public static func describe(_ unit: String) -> String {
        let f = unit.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        switch f.first {
        case "day" where f.count == 7:
            return "\(f[1]) at \(f[5]) on \(Int(f[6]).map { Day(ordinal: $0).description } ?? f[6])"
        case "fee" where f.count == 6: return "\(f[1]) fee \"\(f[3])\" (\(f[4])..\(f[5]))"
        case "order" where f.count == 3: return "order \(f[1]) revision \(f[2])"
        default: return unit
        }
    }
}

extension Schema {
    /// "v15 billed once": the units each live document bills, one row each,
    /// the unit the primary key. Filled in the transaction that creates the
    /// document; the rows of a discarded (or deleted) proforma are removed by
    /// trigger; those of an issued document never go. An existing ledger is
    /// filled from its live contract and event documents (issued first; a
    /// unit billed twice before this migration stays with the first).
    static func registerBilledOnce(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15 billed once") { db in
            try db.execute(
                sql: """
                    CREATE TABLE billed_unit (
                      unit TEXT PRIMARY KEY NOT NULL CHECK (unit <> ''),
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id)
                    ) WITHOUT ROWID;
                    CREATE INDEX billed_unit_invoice ON billed_unit(invoice_id);
                    INSERT OR IGNORE INTO billed_unit(unit, invoice_id)
                      SELECT 'day|' || v.client || '|' || ifnull(v.payer, '') || '|' || ifnull(v.site, '') || '|'
                             || (CASE WHEN v.generation_key LIKE '%|fees' THEN 'fees' ELSE '' END) || '|' || i.site || '|' || i.day, v.id
                      FROM invoice_site_day i JOIN invoice v ON v.id = i.invoice_id
                      WHERE v.origin = 'contract' AND v.type = 'invoice' AND v.status <> 'discarded'
                      ORDER BY v.status = 'issued' DESC, v.id;
                    INSERT OR IGNORE INTO billed_unit(unit, invoice_id)
                      SELECT 'fee|' || v.client || '|' || ifnull(v.payer, '') || '|' || l.label || '|' || l.service_start || '|' || l.service_end, v.id
                      FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id
                      WHERE v.origin = 'contract' AND v.type = 'invoice' AND v.status <> 'discarded'
                        AND l.site IS NULL AND l.order_id IS NULL AND l.service_start IS NOT NULL AND l.service_end IS NOT NULL
                      ORDER BY v.status = 'issued' DESC, v.id;
                    INSERT OR IGNORE INTO billed_unit(unit, invoice_id)
                      SELECT DISTINCT 'order|' || l.order_id || '|' || ifnull(l.order_revision, v.order_revision), v.id
                      FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id
                      WHERE v.origin IN ('contract', 'events') AND v.type = 'invoice' AND v.status <> 'discarded'
                        AND l.order_id IS NOT NULL AND ifnull(l.order_revision, v.order_revision) IS NOT NULL
                      ORDER BY v.status = 'issued' DESC, v.id;
                    CREATE TRIGGER billed_unit_of_proforma BEFORE INSERT ON billed_unit
                      WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) IS NOT 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'a document bills its units when it is created, as a proforma'); END;
                    CREATE TRIGGER billed_unit_frozen_update BEFORE UPDATE ON billed_unit
                      BEGIN SELECT RAISE(ABORT, 'what a document billed never changes'); END;
                    CREATE TRIGGER billed_unit_kept_delete BEFORE DELETE ON billed_unit
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) = 'issued'
                      BEGIN SELECT RAISE(ABORT, 'what an issued document billed stays billed'); END;
                    CREATE TRIGGER billed_unit_freed_discard AFTER UPDATE OF status ON invoice
                      WHEN NEW.status = 'discarded'
                      BEGIN DELETE FROM billed_unit WHERE invoice_id = NEW.id; END;
                    CREATE TRIGGER billed_unit_freed_delete BEFORE DELETE ON invoice
                      WHEN OLD.status = 'proforma'
                      BEGIN DELETE FROM billed_unit WHERE invoice_id = OLD.id; END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// Stores the units a new document bills, refusing (before anything of
    /// it is written) a unit another live document already bills. Order
    /// revisions are read from the lines of an invoice of a contract or an
    /// order; `extra` comes from the engine (days and fees).
    func billUnits(of new: NewInvoice, invoiceID id: Int64, db: any SQLSession) throws {
        guard new.type == .invoice, new.origin == .contract || new.origin == .events else { return }
        var units = Set(new.billedUnits)
        for l in new.lines {
            if let o = l.orderId, let r = l.orderRevision ?? new.orderRevision {
                units.insert(BilledUnit.order(o, revision: r))
            }
        }
        guard !units.isEmpty else { return }
        let list = "[" + units.sorted().map(JSON.string).joined(separator: ",") + "]"
        try db.execute(
            sql: "INSERT INTO billed_unit(unit, invoice_id) SELECT value, ? FROM (\(db.stringsOfJSONArgument)) j",
            arguments: [id, list])
    }

    /// The units of `new` another live document (not `except`) already bills, with that document's name.
    func alreadyBilled(_ new: NewInvoice, except: Int64?, db: any SQLSession) throws -> [(
        unit: String, document: String
    )] {
        guard new.type == .invoice, new.origin == .contract || new.origin == .events else { return [] }
        var units = Set(new.billedUnits)
        for l in new.lines {
            if let o = l.orderId, let r = l.orderRevision ?? new.orderRevision {
                units.insert(BilledUnit.order(o, revision: r))
            }
        }
        guard !units.isEmpty else { return [] }
        let list = "[" + units.sorted().map(JSON.string).joined(separator: ",") + "]"
        return try db.fetchAll(
            sql: """
                SELECT b.unit, COALESCE(v.number, 'proforma ' || v.id) FROM (\(db.stringsOfJSONArgument)) j JOIN billed_unit b ON b.unit = j.value
                JOIN invoice v ON v.id = b.invoice_id WHERE b.invoice_id <> ? ORDER BY b.unit
                """, arguments: [list, except ?? -1]
        ).map { try (unit: $0[0] as String, document: $0[1] as String) }
    }

    /// The issue date and number of the last issued document of a series (numbers follow dates).
    public func lastIssued(series: String) throws -> (day: Day, number: String)? {
        try engine.read { db in
            try db.fetchOne(
                sql: """
                    SELECT issue_date, number FROM invoice WHERE series = ? AND status = 'issued' ORDER BY issue_date DESC, id DESC LIMIT 1
                    """, arguments: [series]
            ).map { r in
                let number: String = try r[1]
                return (day: try StoredValue.day(try r[0], "issue date", of: number), number: number)
            }
        }
    }

    /// The first day of each site with a register file in the ledger (when the ledger started receiving its files).
    public func firstRegisterDays() throws -> [String: Day] {
        try engine.read { db in
            var out: [String: Day] = [:]
            for r in try db.fetchAll(sql: "SELECT site, MIN(day) FROM site_day GROUP BY site") {
                out[try r[0]] = Day(ordinal: try r[1])
            }
            return out
        }
    }

    /// The site-days with a register file received, between two days.
    public func siteDaysReceived(in period: Period) throws -> Set<SiteDayKey> {
        try engine.read { db in
            Set(
                try db.fetchAll(
                    sql: "SELECT site, day FROM site_day WHERE day BETWEEN ? AND ?",
                    arguments: [period.start.ordinal, period.end.ordinal]
                ).map { try SiteDayKey(site: $0[0], day: Day(ordinal: $0[1])) })
        }
    }
}

/// A document refused because another live document already bills some of what it bills.
public struct BilledTwice: Error, CustomStringConvertible, Sendable {
    public var client: String
    /// The units billed already, each with the document that bills it.
    public var units: [(unit: String, document: String)]
    public var description: String {
        let shown = units.prefix(5).map { "\(BilledUnit.describe($0.unit)) by \($0.document)" }
        return "already billed: " + shown.joined(separator: ", ")
            + (units.count > 5 ? " and \(units.count - 5) more" : "")
    }
}

extension LedgerDatabase {
    func refuseBilledTwice(_ new: NewInvoice, except: Int64?, db: any SQLSession) throws {
        let twice = try alreadyBilled(new, except: except, db: db)
        if !twice.isEmpty { throw BilledTwice(client: new.client, units: twice) }
    }
}
