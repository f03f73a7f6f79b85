import BillingModel
import Diagnostics
import Foundation
import GRDB

// Proformas: created (or replaced) by generation, edited by a person, discarded; never numbered here.
extension LedgerDatabase {
    /// Creates a proforma. When a live document with the same generation key
    /// exists: a proforma is replaced (discarded, audited), an issued document
    /// is kept and nil is returned (generation is idempotent).
    @discardableResult
    public func createProforma(_ new: NewInvoice, actor: String, at date: Date = Date()) throws -> Int64? {
        try engine.write { db in try createProforma(new, actor: actor, at: date, db: db) }
    }

    /// Stores drafts as proformas in one transaction, each as `createProforma` does; a draft refused because
    /// it would bill a unit twice leaves nothing of it written, and the others are stored.
    /// `inputs`: what the evaluations that made them read ("v18 billing inputs"), recorded in the same
    /// transaction for each client none of whose drafts was refused.
    public func storeProformas(_ drafts: [NewInvoice], inputs: [BillingInputs] = [], actor: String, at date: Date)
        throws -> [ProformaStoreOutcome]
    {
        try engine.write { db in
            var outcomes: [ProformaStoreOutcome] = []
            outcomes.reserveCapacity(drafts.count)
            for d in drafts {
                let made: Int64?
                do {
                    made = try createProforma(d, actor: actor, at: date, db: db)
                } catch let twice as BilledTwice {
                    outcomes.append(.refused(twice))
                    continue
                }
                if let id = made {
                    outcomes.append(.created(id))
                } else if let key = d.generationKey,
                    let existing = try db.fetchRecord(
                        Invoice.self, sql: "SELECT * FROM invoice WHERE generation_key = ? AND status <> 'discarded'",
                        arguments: [key])
                {
                    outcomes.append(.existing(id: existing.id, issued: existing.status == .issued))
                } else {
                    outcomes.append(.nothing)
                }
            }
            var refused: Set<String> = []
            for (d, o) in zip(drafts, outcomes) { if case .refused = o { refused.insert(d.client) } }
            try recordBillingInputs(inputs.filter { !refused.contains($0.client) }, db: db)
            return outcomes
        }
    }

    func createProforma(_ new: NewInvoice, actor: String, at date: Date, db: any SQLSession) throws -> Int64? {
        let now = LedgerDatabase.timestamp(date)
        if let key = new.generationKey,
            let existing = try db.fetchRecord(
                Invoice.self, sql: "SELECT * FROM invoice WHERE generation_key = ? AND status <> 'discarded'",
                arguments: [key])
        {
            if existing.status == .issued { return nil }
            if try sameContent(existing, new, db: db) { return nil }
            // A proforma finance staff edited is theirs: regeneration never throws the edit away.
            if try db.fetchValue(
                Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM audit_log WHERE invoice_id = ? AND action = 'edit')",
                arguments: [existing.id]) ?? false
            {
                return nil
            }
            try refuseBilledTwice(new, except: existing.id, db: db)
            try db.execute(sql: "UPDATE invoice SET status = 'discarded' WHERE id = ?", arguments: [existing.id])
            try appendAudit(
                db, at: now, actor: actor, action: "discard", invoiceID: existing.id,
                AuditParameters(["cause": .text("regenerated")]))
        } else {
            try refuseBilledTwice(new, except: nil, db: db)
        }
        // Not INSERT OR IGNORE: "v15 ledger guards" refuses any insert of an existing series.
        try db.execute(
            sql:
                "INSERT INTO number_series(code, last_number) SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM number_series WHERE code = ?)",
            arguments: [new.series, new.series])
        let totals: InvoiceTotals
        do { totals = try InvoiceTotals(lines: new.lines.map { ($0.net, $0.vat) }) } catch {
            throw InvoiceError.doesNotAddUp(
                kind: new.type, client: new.client, period: "\(new.period)", overflow: error)
        }
        var invoice = Invoice(
            id: nil, type: new.type, status: .proforma, number: nil, series: new.series, client: new.client,
            payer: new.payer, site: new.site, periodStart: new.period.start,
            periodEnd: new.period.end, issueDate: new.issueDate,
            dueDate: max(new.dueDate, new.issueDate), paymentTerms: new.paymentTerms,
            poNumber: new.poNumber, orderId: new.orderId, orderRevision: new.orderRevision,
            creditedInvoiceId: new.creditedInvoiceId, origin: new.origin, generationKey: new.generationKey,
            automatic: new.automatic, totalHt: totals.totalHT.cents, totalVat: totals.totalVAT.cents,
            totalTtc: totals.totalTTC.cents, createdAt: now, issuedAt: nil)
        invoice.id = try db.insert(invoice)
        guard let id = invoice.id else { throw LedgerError.internalInconsistency("the invoice was not stored") }
        try writeLines(db, id: id, lines: new.lines, totals: totals)
        try LedgerDatabase.writeLineTickets(db, id: id, new.lineTickets)
        try billUnits(of: new, invoiceID: id, db: db)
        if !new.siteDays.isEmpty {
            // One statement per document: the site-days as a JSON array of [site, day].
            let pairs =
                "[" + Set(new.siteDays).map { "[\(JSON.string($0.site)),\($0.day.ordinal)]" }.joined(separator: ",")
                + "]"
            try db.execute(
                sql: db.sql(
                    sqlite: """
                        INSERT OR IGNORE INTO invoice_site_day(invoice_id, client, site, day, file_id)
                        SELECT ?, ?, s.site, s.day, s.current_file_id
                        FROM json_each(?) j JOIN site_day s ON s.site = json_extract(j.value, '$[0]') AND s.day = json_extract(j.value, '$[1]')
                        """,
                    postgres: """
                        INSERT INTO invoice_site_day(invoice_id, client, site, day, file_id)
                        SELECT ?, ?, s.site, s.day, s.current_file_id
                        FROM json_array_elements(?::json) j JOIN site_day s ON s.site = j.value->>0 AND s.day = (j.value->>1)::bigint
                        ON CONFLICT DO NOTHING
                        """), arguments: [id, new.client, pairs])
        }
        try appendAudit(
            db, at: now, actor: actor, action: "generate", invoiceID: id,
            AuditParameters([
                "origin": .text(new.origin.rawValue), "type": .text(new.type.rawValue), "client": .text(new.client),
                "payer": .of(new.payer),
                "start": .of(new.period.start), "end": .of(new.period.end), "lines": .of(new.lines.count),
                "ttc": .of(totals.totalTTC)
            ]))
        return id
    }

    func sameContent(_ existing: Invoice, _ new: NewInvoice, db: any SQLSession) throws -> Bool {
        guard let id = existing.id else { return false }
        let lines = try db.fetchRecords(
            InvoiceLine.self, sql: "SELECT * FROM invoice_line WHERE invoice_id = ? ORDER BY position", arguments: [id])
        // The dates of a proforma are provisional (validation sets them): a day later, the same lines, terms and
        // register files are the same proforma. A file delivered again (even with the same amounts) makes a new
        // one, else the old proforma, recorded at the replaced file, could never be issued.
        guard lines.map({ NewInvoiceLine($0) }) == new.lines, existing.paymentTerms == new.paymentTerms,
            try LedgerDatabase.lineTickets(db, id: id) == new.lineTickets
        else { return false }
        let stale =
            try db.fetchValue(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM invoice_site_day i JOIN site_day s ON s.site = i.site AND s.day = i.day
                                   WHERE i.invoice_id = ? AND s.current_file_id <> i.file_id)
                    """, arguments: [id]) ?? false
        return !stale
    }

    func writeLines(_ db: any SQLSession, id: Int64, lines: [NewInvoiceLine], totals: InvoiceTotals) throws {
        // Statements prepared once per connection (the seam caches them): thousands of lines per billing run.
        let encoder = LineFacts.storedEncoder
        // One multi-row INSERT for the lines on PostgreSQL (`insertRows`): a round trip a line was most of billing.
        try db.insertRows(
            into: "invoice_line",
            columns: [
                "invoice_id", "position", "label", "quantity", "unit_price", "net", "vat_rate", "revenue_type", "site",
                "service_start", "service_end", "term_line", "explanation", "order_id", "order_revision",
                "gross_unit_price", "basis_kind", "basis_category", "basis_rate", "basis_guests", "facts"
            ],
            try lines.enumerated().map { i, l in
                let b = l.basis
                let facts = try l.facts.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
                let values: [any SQLArgument] = [
                    id, i + 1, l.label, l.quantity, l.unitPrice.tenThousandths, l.net.cents, l.vat.tenThousandths,
                    l.revenueType, l.site, l.service?.start.description, l.service?.end.description, l.termLine,
                    l.explanation, l.orderId, l.orderRevision, l.grossUnitPrice?.tenThousandths,
                    b?.kind.rawValue, b?.category, b?.rate?.tenThousandths, b.map { $0.guests }, facts
                ]
                return values.map(\.sqlValue)
            })
        try db.insertRows(
            into: "invoice_vat", columns: ["invoice_id", "rate", "base", "vat"],
            totals.breakdown.map { v in
                [.integer(id), .integer(v.rate.tenThousandths), .integer(v.base.cents), .integer(v.vat.cents)]
            })
        try storeDocumentPeriod(db, id: id)
    }

    /// Discards a proforma (kept, with the reason, for the audit).
    public func discard(id: Int64, reason: String, actor: String, at date: Date = Date()) throws {
        try discard(id: id, AuditParameters(["reason": .text(reason)]), actor: actor, at: date)
    }

    /// Discards the proforma of an older revision of an event order that a newer revision supersedes.
    public func discard(id: Int64, supersededBy order: String, revision: Int, actor: String, at date: Date = Date())
        throws
    {
        try discard(
            id: id, AuditParameters(["cause": .text("superseded"), "order": .text(order), "revision": .of(revision)]),
            actor: actor, at: date)
    }

    func discard(id: Int64, _ parameters: AuditParameters, actor: String, at date: Date) throws {
        try engine.write { db in
            guard let invoice = try db.fetchRecord(Invoice.self, id: id) else { throw InvoiceError.noInvoice("\(id)") }
            guard invoice.status == .proforma else {
                throw InvoiceError.notProforma(id: id, status: invoice.status, number: invoice.number, action: .discard)
            }
            try db.execute(sql: "UPDATE invoice SET status = 'discarded' WHERE id = ?", arguments: [id])
            try appendAudit(
                db, at: LedgerDatabase.timestamp(date), actor: actor, action: "discard", invoiceID: id, parameters)
        }
    }

    /// Discards the proformas of a contract's periodic billing, for each
    /// (client, exact period) generated again, whose generation key the new
    /// evaluation no longer produces (the revenue or orders they billed are
    /// gone). A proforma finance staff edited is kept. One transaction;
    /// returns the ids discarded.
    public func discardVanishedProformas(
        _ generated: [(client: String, period: Period)], keeping keys: Set<String>, actor: String,
        at date: Date = Date()
    ) throws -> [(client: String, period: Period, id: Int64)] {
        let now = LedgerDatabase.timestamp(date)
        guard !generated.isEmpty else { return [] }
        // The live proformas of every (client, period) in one query (one each was a round trip a client on
        // PostgreSQL), then discarded in the order the periods were given.
        var order: [String: Int] = [:]
        for (i, g) in generated.enumerated() {
            let key = "\(g.client)|\(g.period.start)|\(g.period.end)"
            if order[key] == nil { order[key] = i }
        }
        let list = JSON.array(
            generated.map {
                JSON.array([
                    JSON.string($0.client), JSON.string($0.period.start.description),
                    JSON.string($0.period.end.description)
                ])
            })
        return try engine.write { db in
            let live = """
                SELECT v.id, v.generation_key, v.client, v.period_start, v.period_end FROM \(LedgerDatabase.keyTriples(db)) k
                JOIN invoice v ON v.client = k.client AND v.period_start = k.period_start AND v.period_end = k.period_end
                WHERE v.status = 'proforma' AND v.origin = 'contract'
                  AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.invoice_id = v.id AND a.action = 'edit')
                ORDER BY v.id
                """
            var found: [(rank: Int, client: String, period: Period, id: Int64)] = []
            for r in try db.fetchAll(sql: live, arguments: [list]) where try !keys.contains(r[1] as String? ?? "") {
                let id: Int64 = try r[0], client: String = try r[2], start: String = try r[3], end: String = try r[4]
                guard let rank = order["\(client)|\(start)|\(end)"] else { continue }
                found.append((rank: rank, client: client, period: generated[rank].period, id: id))
            }
            // As the loop over `generated` found them: by period given, then by id.
            found.sort { ($0.rank, $0.id) < ($1.rank, $1.id) }
            var out: [(client: String, period: Period, id: Int64)] = []
            for f in found {
                try db.execute(sql: "UPDATE invoice SET status = 'discarded' WHERE id = ?", arguments: [f.id])
                try appendAudit(
                    db, at: now, actor: actor, action: "discard", invoiceID: f.id,
                    AuditParameters(["cause": .text("vanished")]))
                out.append((f.client, f.period, f.id))
            }
            return out
        }
    }

    /// Replaces the lines of a proforma (an edit), with the reason kept in the audit log.
    public func replaceLines(id: Int64, lines: [NewInvoiceLine], reason: String, actor: String, at date: Date = Date())
        throws
    {
        try engine.write { db in
            guard let invoice = try db.fetchRecord(Invoice.self, id: id) else { throw InvoiceError.noInvoice("\(id)") }
            guard invoice.status == .proforma else {
                throw InvoiceError.notProforma(id: id, status: invoice.status, number: invoice.number, action: .edit)
            }
            let before = try db.fetchRecords(
                InvoiceLine.self, sql: "SELECT * FROM invoice_line WHERE invoice_id = ? ORDER BY position",
                arguments: [id])
            // The tickets behind a line stay with it when the edit leaves the line as it was (wherever it moves);
            // an edited line no longer adds up to its tickets and loses them.
            var kept = try LedgerDatabase.lineTickets(db, id: id)
            var tickets: [Int: [TicketGroup]] = [:]
            for (i, l) in lines.enumerated() {
                guard let old = before.first(where: { kept[$0.position] != nil && NewInvoiceLine($0) == l }) else {
                    continue
                }
                tickets[i + 1] = kept.removeValue(forKey: old.position)
            }
            try db.execute(sql: "DELETE FROM invoice_line_tickets WHERE invoice_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM invoice_line WHERE invoice_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM invoice_vat WHERE invoice_id = ?", arguments: [id])
            let totals: InvoiceTotals
            do throws(MoneyOverflow) { totals = try InvoiceTotals(lines: lines.map { ($0.net, $0.vat) }) } catch {
                throw InvoiceError.doesNotAddUp(
                    kind: invoice.type, client: invoice.client, period: "\(invoice.periodStart)..\(invoice.periodEnd)",
                    overflow: error)
            }
            try writeLines(db, id: id, lines: lines, totals: totals)
            try LedgerDatabase.writeLineTickets(db, id: id, tickets)
            try db.execute(
                sql: "UPDATE invoice SET total_ht = ?, total_vat = ?, total_ttc = ? WHERE id = ?",
                arguments: [totals.totalHT.cents, totals.totalVAT.cents, totals.totalTTC.cents, id])
            try appendAudit(
                db, at: LedgerDatabase.timestamp(date), actor: actor, action: "edit", invoiceID: id,
                AuditParameters([
                    "reason": .text(reason), "lines_before": .of(before.count), "lines_after": .of(lines.count),
                    "ttc_before": .integer(invoice.totalTtc), "ttc_after": .of(totals.totalTTC)
                ]))
        }
    }
}
