import BillingModel
import GRDB
import Ledger
import Spreadsheets

/// `ardoise export events`: every event order of the period (an event date or
/// a delivery in it, or a document for it issued in it), all its revisions,
/// beside the issued invoices and credit notes that billed it.
///
/// Ordered HT is the revision's lines at order prices (quantity × unit price,
/// rounded to the cent per line); invoiced HT adds the net of the issued
/// document lines that carry the order (credit notes negative). On the
/// current revision, the order's invoiced HT over all its documents is set
/// beside what is ordered now (nothing for a cancelled order); a difference
/// is highlighted. A contract's discount or delivery fee is a difference too:
/// the highlight says where to look, the `Documents` sheet says why.
extension ControlExports {
    /// `clients`: only these clients' orders (a web user's scope); nil: every client.
    public func events(period: Period, clients: Set<String>? = nil, to path: String) throws -> ExportSummary {
        let workbook = try Workbook(path: path, constantMemory: true)
        let ordersSheet = try workbook.addSheet("Commandes", columns: [
            Column("Commande", width: 18), Column("Révision", width: 9), Column("Actuelle", width: 9), Column("Client", width: 10),
            Column("Site", width: 7), Column("Statut", width: 10), Column("Date de l'événement", width: 18), Column("Livrée le", width: 12),
            Column("Bon de commande", width: 16), Column("Commandée par", width: 18), Column("Centre de coût", width: 14),
            Column("Lignes commandées", width: 12), Column("Commandé HT", width: 13), Column("Facturé HT (cette révision)", width: 15),
            Column("Documents (cette révision)", width: 34), Column("Facturé HT (tous documents)", width: 15), Column("Écart HT", width: 14),
        ])
        let orderLinesSheet = try workbook.addSheet("Lignes de commande", columns: [
            Column("Commande", width: 18), Column("Révision", width: 9), Column("Ligne", width: 6), Column("Article", width: 14),
            Column("Libellé", width: 36), Column("Quantité", width: 9), Column("Prix unitaire HT", width: 16), Column("Montant HT", width: 13),
            Column("TVA %", width: 7),
        ])
        let documentsSheet = try workbook.addSheet("Documents", columns: [
            Column("Commande", width: 18), Column("Révision", width: 9), Column("Document", width: 17), Column("Type", width: 9),
            Column("Date d'émission", width: 15), Column("Ligne", width: 6), Column("Libellé", width: 36), Column("Quantité", width: 9),
            Column("Prix unitaire HT", width: 16), Column("Montant HT", width: 13), Column("TVA %", width: 7),
        ])
        let s = period.start, e = period.end
        try ledger.pool.read { db in
            let inPeriod = """
                SELECT order_id FROM event_order_revision WHERE event_date BETWEEN \(s.ordinal) AND \(e.ordinal)
                                                             OR delivered_day BETWEEN \(s.ordinal) AND \(e.ordinal)
                UNION SELECT l.order_id FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
                WHERE i.status = 'issued' AND l.order_id IS NOT NULL AND i.issue_date BETWEEN '\(s)' AND '\(e)'
                """
            // The clients travel as one JSON argument, bound in each query below that reads `scope`.
            let scope = clients == nil ? inPeriod : """
                SELECT order_id FROM (\(inPeriod)) WHERE order_id IN
                  (SELECT order_id FROM event_order_revision WHERE client IN (SELECT value FROM json_each(?)))
                """
            let arguments: StatementArguments = clients.map { [Ledger.jsonArray($0.sorted())] } ?? []
            // Document lines by order and revision.
            var billed: [String: [DocumentLine]] = [:]
            let docRows = try Row.fetchCursor(db, sql: """
                SELECT l.order_id, COALESCE(l.order_revision, i.order_revision), i.number, i.type, i.issue_date, l.position, l.label,
                       l.quantity, l.unit_price, l.net, l.vat_rate
                FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
                WHERE i.status = 'issued' AND l.order_id IN (\(scope))
                ORDER BY l.order_id, i.issued_at, i.id, l.position
                """, arguments: arguments)
            while let r = try docRows.next() {
                let credit = (r[3] as String) == "credit_note"
                let net: Int64 = r[9]
                let line = DocumentLine(revision: r[1], number: r[2], creditNote: credit, issueDate: r[4], position: r[5], label: r[6],
                                        quantity: r[7], unitPrice: r[8], net: credit ? -net : net, vat: r[10])
                billed[r[0], default: []].append(line)
                try documentsSheet.append([
                    .text(r[0] as String), line.revision.map { .integer($0) } ?? .empty, .text(line.number),
                    .text(FrenchCells.documentType(creditNote: credit)), .isoDate(line.issueDate), .integer(line.position), .text(line.label),
                    .integer(line.quantity), .unitPrice(line.unitPrice), .amount(cents: line.net), .vatRate(line.vat),
                ])
            }
            // Ordered amounts by revision.
            var ordered: [Int64: (count: Int, cents: Int64)] = [:]
            let lineRows = try Row.fetchCursor(db, sql: """
                SELECT r.id, r.order_id, r.revision, l.line_no, l.article, l.label, l.quantity, l.unit_price, l.vat_rate
                FROM event_order_revision r JOIN event_order_line l ON l.revision_id = r.id
                WHERE r.order_id IN (\(scope)) ORDER BY r.order_id, r.revision, l.line_no
                """, arguments: arguments)
            while let r = try lineRows.next() {
                let quantity: Int = r[6], price: Int64 = r[7]
                let what = "event order \(r[1] as String) revision \(r[2] as Int64), line \(r[3] as Int64)"
                let amount: Money
                do { amount = try Price(tenThousandths: price).times(quantity) } catch { throw ExportOverflow(what) }
                ordered[r[0], default: (0, 0)].count += 1
                ordered[r[0], default: (0, 0)].cents = try addCents(ordered[r[0], default: (0, 0)].cents, amount.cents, what)
                try orderLinesSheet.append([
                    .text(r[1] as String), .integer(r[2] as Int64), .integer(r[3] as Int64), .text(r[4] as String), .text(r[5] as String),
                    .integer(quantity), .unitPrice(price), .amount(amount), .vatRate(r[8]),
                ])
            }
            let revisions = try Row.fetchCursor(db, sql: """
                SELECT r.id, r.order_id, r.revision, o.current_revision, r.client, r.site, r.status, r.event_date, r.delivered_day,
                       r.po_number, r.ordered_by, r.cost_center
                FROM event_order_revision r JOIN event_order o ON o.order_id = r.order_id
                WHERE r.order_id IN (\(scope)) ORDER BY r.order_id, r.revision
                """, arguments: arguments)
            while let r = try revisions.next() {
                let order: String = r[1], revision: Int = r[2], current = revision == (r[3] as Int), status: String = r[6]
                let lines = billed[order] ?? []
                let mine = lines.filter { $0.revision == revision }
                let numbers = mine.reduce(into: [String]()) { if !$0.contains($1.number) { $0.append($1.number) } }
                let o = ordered[r[0]] ?? (0, 0)
                var cells: [Cell] = [
                    .text(order), .integer(revision), .text(current ? "oui" : "non"), .text(r[4] as String), .text(r[5] as String),
                    .text(FrenchCells.orderStatus(status)), .date(Day(ordinal: r[7])), .date((r[8] as Int?).map { Day(ordinal: $0) }), .text(r[9] as String?),
                    .text(r[10] as String?), .text(r[11] as String?), .integer(o.count), .amount(cents: o.cents),
                    .amount(cents: try mine.reduce(Int64(0)) { (t, l) throws(ExportOverflow) in try addCents(t, l.net, "the documents of order \(order)") }),
                    .text(numbers.joined(separator: ", ")),
                ]
                if current {
                    let invoiced = try lines.reduce(Int64(0)) { (t, l) throws(ExportOverflow) in try addCents(t, l.net, "the documents of order \(order)") }
                    let difference = try addCents(invoiced, -(status == "cancelled" ? 0 : o.cents), "the difference of order \(order)")
                    cells += [.amount(cents: invoiced).highlighted(difference != 0), .amount(cents: difference).highlighted(difference != 0)]
                }
                try ordersSheet.append(cells)
            }
        }
        try workbook.close()
        return ExportSummary(path: path, sheets: [ordersSheet, orderLinesSheet, documentsSheet])
    }

    struct DocumentLine {
        var revision: Int?, number: String, creditNote: Bool, issueDate: String, position: Int, label: String
        var quantity: Int64, unitPrice: Int64, net: Int64, vat: Int64
    }
}
