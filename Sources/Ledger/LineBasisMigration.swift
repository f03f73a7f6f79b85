import BillingModel
import Foundation
import GRDB

/// "v16 line basis": each invoice line stores what it was computed from
/// (`LineBasis`: the kind of term, the category, the VAT rate and whether
/// guests count, beside its site, service period, order and revision), written
/// by the engine when it stores the line. Lines stored before are filled once
/// here, from what they hold today; the lines it cannot tell keep a null kind
/// (the revenue screen says nothing is known) and the migration lists them in
/// the audit log (`line-basis`), so nobody is left guessing.
///
/// The classification below reads the engine's English explanations as they
/// were written up to this migration: it is frozen with it and used nowhere
/// else. Nothing reads an explanation after it.
///
/// SQLite only, on GRDB: a PostgreSQL ledger has no lines stored before this migration (it starts at the
/// current schema, or is copied from a SQLite ledger already migrated), so its twin in `PostgresSchema` only
/// adds the column(s).
enum LineBasisMigration {
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16 line basis") { db in
            let kinds = LineBasis.Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            try db.execute(
                sql: """
                    ALTER TABLE invoice_line ADD COLUMN basis_kind TEXT CHECK (basis_kind IN (\(kinds)));
                    ALTER TABLE invoice_line ADD COLUMN basis_category TEXT;
                    ALTER TABLE invoice_line ADD COLUMN basis_rate INTEGER CHECK (basis_rate BETWEEN 0 AND 999999);
                    ALTER TABLE invoice_line ADD COLUMN basis_guests INTEGER CHECK (basis_guests IN (0, 1));
                    """)
            // The lines of issued documents are frozen by a trigger: it is lifted for this one fill (the
            // columns are new, no figure of a line changes) and put back exactly as it was.
            let freeze = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'invoice_line_frozen_update'")
            try db.execute(sql: "DROP TRIGGER IF EXISTS invoice_line_frozen_update")
            let update = try db.makeStatement(
                sql: """
                    UPDATE invoice_line SET basis_kind = ?, basis_category = ?, basis_rate = ?, basis_guests = ?
                    WHERE invoice_id = ? AND position = ?
                    """)
            var filled = 0
            var unknown: [String] = []
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.invoice_id, l.position, l.label, l.explanation, l.order_id, l.service_start, l.service_end, l.vat_rate,
                           v.origin, v.number
                    FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id ORDER BY l.invoice_id, l.position
                    """)
            for r in rows {
                let id: Int64 = r[0], position: Int = r[1]
                guard
                    let b = classify(
                        label: r[2], explanation: r[3], orderID: r[4], serviceStart: r[5], serviceEnd: r[6],
                        vatRate: r[7], origin: r[8])
                else {
                    let number: String? = r[9]
                    unknown.append("\(number ?? "proforma \(id)") line \(position)")
                    continue
                }
                try update.execute(arguments: [
                    b.kind.rawValue, b.category, b.rate?.tenThousandths, b.guests, id, position
                ])
                filled += 1
            }
            if let freeze { try db.execute(sql: freeze) }
            guard !rows.isEmpty else { return }
            try LedgerDatabase.appendAudit(
                GRDBSession(db: db), at: LedgerDatabase.timestamp(), actor: "ardoise", action: "line-basis",
                invoiceID: nil,
                parameters: AuditParameters(["filled": .integer(Int64(filled)), "unknown": .list(unknown)]))
        }
    }

    /// What a line stored before the migration was computed from, from its
    /// explanation and label as the engine wrote them then; nil when they do not say.
    static func classify(
        label: String, explanation: String, orderID: String?, serviceStart: String?, serviceEnd: String?,
        vatRate: Int64, origin: String
    ) -> LineBasis? {
        let base = explanation.components(separatedBy: "; edited by ")[0]
        let rate = VATRate(tenThousandths: vatRate)
        if orderID != nil { return LineBasis(base.contains(": delivery fee ") ? .deliveryFee : .eventOrder) }
        if base.hasPrefix("credits line ") || origin == "credit" { return LineBasis(.credit) }
        if base.hasPrefix("typed in: ") || base.hasPrefix("added by ") || origin == "manual" {
            return LineBasis(.typedIn)
        }
        guard let s = serviceStart.flatMap(Day.init(iso:)), let e = serviceEnd.flatMap(Day.init(iso:)), s <= e else {
            return nil
        }
        if base.contains(" HT per month ") || base.contains(" HT per quarter ") { return LineBasis(.flatFee) }
        if base.contains(" guest tickets, ") {
            return LineBasis(.guestMeals, category: DinerCategory.guests, rate: rate)
        }
        if base.contains("badge holders' cafeteria tickets") {
            return LineBasis(.cafeteriaParticipation, rate: rate, guests: false)
        }
        if base.hasPrefix("employer share recorded by the registers ") {
            return LineBasis(.subsidyAsRecorded, rate: rate, guests: !base.contains(", guests billed apart"))
        }
        if let c = word(after: "covers of category ", in: base) {
            return LineBasis(base.contains(", each min(") ? .subsidyCappedByTray : .subsidyPerCover, category: c)
        }
        if base.contains(" covers (guests included) × ") { return LineBasis(.admissionFee) }
        if base.hasPrefix("max(") { return LineBasis(.floorFee) }
        if base.hasPrefix("graduated: ") || base.hasPrefix("volume: ") { return LineBasis(.tieredFee) }
        if base.contains(" open days under ") { return LineBasis(.minimumGuarantee) }
        // A late-revenue correction's line (its explanation compares amounts): the category its label names.
        if let c = word(after: "catégorie ", in: label) { return LineBasis(.subsidyPerCover, category: c) }
        return nil
    }

    /// The word following `marker` in `text` (up to a space, comma or parenthesis).
    static func word(after marker: String, in text: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        let w = text[r.upperBound...].prefix { !" ,()".contains($0) }
        return w.isEmpty ? nil : String(w)
    }
}
