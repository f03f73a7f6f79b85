import BillingModel
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
        let ordersSheet = try workbook.addSheet(
            "Commandes",
            columns: [
                Column("Commande", width: 18), Column("Révision", width: 9), Column("Actuelle", width: 9),
                Column("Client", width: 10),
                Column("Site", width: 7), Column("Statut", width: 10), Column("Date de l'événement", width: 18),
                Column("Livrée le", width: 12),
                Column("Bon de commande", width: 16), Column("Commandée par", width: 18),
                Column("Centre de coût", width: 14),
                Column("Lignes commandées", width: 12), Column("Commandé HT", width: 13),
                Column("Facturé HT (cette révision)", width: 15),
                Column("Documents (cette révision)", width: 34), Column("Facturé HT (tous documents)", width: 15),
                Column("Écart HT", width: 14)
            ])
        let orderLinesSheet = try workbook.addSheet(
            "Lignes de commande",
            columns: [
                Column("Commande", width: 18), Column("Révision", width: 9), Column("Ligne", width: 6),
                Column("Article", width: 14),
                Column("Libellé", width: 36), Column("Quantité", width: 9), Column("Prix unitaire HT", width: 16),
                Column("Montant HT", width: 13),
                Column("TVA %", width: 7)
            ])
        let documentsSheet = try workbook.addSheet(
            "Documents",
            columns: [
                Column("Commande", width: 18), Column("Révision", width: 9), Column("Document", width: 17),
                Column("Type", width: 9),
                Column("Date d'émission", width: 15), Column("Ligne", width: 6), Column("Libellé", width: 36),
                Column("Quantité", width: 9),
                Column("Prix unitaire HT", width: 16), Column("Montant HT", width: 13), Column("TVA %", width: 7)
            ])
        try ledger.readEventsExport(period: period, clients: clients) { reader in
            // Document lines by order and revision.
            var billed: [String: [DocumentLine]] = [:]
            try reader.documentLines { r in
                let credit = r.creditNote
                let line = DocumentLine(
                    revision: r.revision, number: r.number, creditNote: credit, issueDate: r.issueDate,
                    position: r.position, label: r.label, quantity: r.quantity, unitPrice: r.unitPrice,
                    net: credit ? -r.net : r.net, vat: r.vatRate)
                billed[r.orderID, default: []].append(line)
                try documentsSheet.append([
                    .text(r.orderID), line.revision.map { .integer($0) } ?? .empty, .text(line.number),
                    .text(FrenchCells.documentType(creditNote: credit)), .date(line.issueDate),
                    .integer(line.position), .text(line.label),
                    .integer(line.quantity), .unitPrice(line.unitPrice), .amount(cents: line.net), .vatRate(line.vat)
                ])
            }
            // Ordered amounts by revision.
            var ordered: [Int64: (count: Int, cents: Int64)] = [:]
            try reader.orderLines { r in
                let quantity = r.quantity, price = r.unitPrice
                let what = "event order \(r.orderID) revision \(r.revision), line \(r.lineNo)"
                let amount: Money
                do { amount = try Price(tenThousandths: price).times(quantity) } catch { throw ExportOverflow(what) }
                ordered[r.revisionID, default: (0, 0)].count += 1
                ordered[r.revisionID, default: (0, 0)].cents = try addCents(
                    ordered[r.revisionID, default: (0, 0)].cents, amount.cents, what)
                try orderLinesSheet.append([
                    .text(r.orderID), .integer(r.revision), .integer(r.lineNo), .text(r.article), .text(r.label),
                    .integer(quantity), .unitPrice(price), .amount(amount), .vatRate(r.vatRate)
                ])
            }
            try reader.revisions { r in
                let order = r.orderID, revision = r.revision, current = revision == r.currentRevision, status = r.status
                let lines = billed[order] ?? []
                let mine = lines.filter { $0.revision == revision }
                let numbers = mine.reduce(into: [String]()) { if !$0.contains($1.number) { $0.append($1.number) } }
                let o = ordered[r.id] ?? (0, 0)
                var cells: [Cell] = [
                    .text(order), .integer(revision), .text(current ? "oui" : "non"), .text(r.client), .text(r.site),
                    .text(FrenchCells.orderStatus(status)), .date(Day(ordinal: r.eventDate)),
                    .date(r.deliveredDay.map { Day(ordinal: $0) }),
                    .text(r.poNumber), .text(r.orderedBy), .text(r.costCenter), .integer(o.count),
                    .amount(cents: o.cents),
                    .amount(
                        cents: try mine.reduce(Int64(0)) { (t, l) throws(ExportOverflow) in
                            try addCents(t, l.net, "the documents of order \(order)")
                        }),
                    .text(numbers.joined(separator: ", "))
                ]
                if current {
                    let invoiced = try lines.reduce(Int64(0)) { (t, l) throws(ExportOverflow) in
                        try addCents(t, l.net, "the documents of order \(order)")
                    }
                    let difference = try addCents(
                        invoiced, -(status == "cancelled" ? 0 : o.cents), "the difference of order \(order)")
                    cells += [
                        .amount(cents: invoiced).highlighted(difference != 0),
                        .amount(cents: difference).highlighted(difference != 0)
                    ]
                }
                try ordersSheet.append(cells)
            }
        }
        try workbook.close()
        return ExportSummary(path: path, sheets: [ordersSheet, orderLinesSheet, documentsSheet])
    }

    struct DocumentLine {
        var revision: Int?, number: String, creditNote: Bool, issueDate: Day, position: Int, label: String
        var quantity: Int64, unitPrice: Int64, net: Int64, vat: Int64
    }
}
