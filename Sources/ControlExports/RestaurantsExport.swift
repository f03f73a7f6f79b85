import BillingModel
import Foundation
import Ledger
import Settings
import Spreadsheets

/// `ardoise export restaurants`: every ticket line the period's restaurant
/// invoices billed, each beside the invoice (and invoice line) that billed it,
/// the invoices' lines with the ticket lines each one gathers, and the totals
/// per client, equal to the invoices.
///
/// Which documents: every issued document of the restaurants whose period
/// ends inside the period, as `bill --period` bills them (a weekly invoice of
/// 28 September – 4 October is October's): contract invoices, corrections,
/// documents typed in, and credit notes (negative), except those of events
/// (event invoices and the credit notes of event invoices are the events
/// export's). The totals are the ledger's net for those documents.
/// Which ticket lines: those of each client in the register file version the
/// client's contract invoice recorded for each site-day (`invoice_site_day`):
/// what the invoice was computed on, not a file delivered after it.
///
/// The ledger records which site-days a document billed, not which ticket
/// line went into which invoice line (invoice lines are computed from daily
/// aggregates). So a ticket line is linked to the line of those documents that
/// bills its revenue type, by the settings' `kind` of the line's revenue type:
/// - a guest's line (category `INV`) to the guest meals line, else the cafeteria one;
/// - a cafeteria line (activity `CAFET`) to the cafeteria participation line;
/// - any other line (self-service, brasserie) to the subsidy line, else the
///   admission fee line, else the minimum guarantee line;
/// among those, a line of the ticket's site (or of no site) whose service
/// period holds the day; the one whose label names the ticket's category
/// (`… catégorie A`) first, then the one at the ticket's VAT rate, then the first.
/// A ticket line no line bills (cafeteria sales of a contract that does not
/// bill them) keeps its invoice and an empty invoice line.
extension ControlExports {
    /// `clients`: only these clients' documents and tickets (a web user's scope); nil: every client.
    public func restaurants(period: Period, clients: Set<String>? = nil, to path: String) throws -> ExportSummary {
        let kinds = Dictionary(settings.revenueTypes.map { ($0.code, $0.kind) }, uniquingKeysWith: { a, _ in a })

        let workbook = try Workbook(path: path, constantMemory: true)
        let totalsSheet = try workbook.addSheet(
            "Totaux par client",
            columns: [
                Column("Client", width: 12), Column("Documents", width: 11), Column("Lignes de caisse", width: 15),
                Column("Montant des tickets TTC", width: 22), Column("Part patronale TTC", width: 18),
                Column("Facturé HT", width: 15), Column("TVA facturée", width: 14), Column("Facturé TTC", width: 15)
            ])
        let linesSheet = try workbook.addSheet(
            "Lignes de facture",
            columns: [
                Column("Client", width: 10), Column("Facture", width: 17), Column("Type", width: 9),
                Column("Origine", width: 15),
                Column("Facturé à", width: 12), Column("Site", width: 7), Column("Début de période", width: 16),
                Column("Fin de période", width: 14),
                Column("Ligne", width: 6), Column("Libellé", width: 44), Column("Type de revenu", width: 14),
                Column("Quantité", width: 10),
                Column("Prix unitaire HT", width: 16), Column("Montant HT", width: 13), Column("TVA %", width: 7),
                Column("Lignes de caisse", width: 15), Column("Montant des tickets TTC", width: 22),
                Column("Part patronale TTC", width: 18)
            ])
        let ticketsSheet = try workbook.addSheet(
            "Tickets",
            columns: [
                Column("Client", width: 10), Column("Site", width: 7), Column("Jour", width: 11),
                Column("Badge", width: 10),
                Column("Catégorie", width: 10), Column("Ticket", width: 10), Column("Activité", width: 9),
                Column("Article", width: 12),
                Column("Libellé", width: 28), Column("Quantité", width: 9), Column("Prix unitaire TTC", width: 16),
                Column("TVA %", width: 7),
                Column("Montant TTC", width: 12), Column("Part patronale TTC", width: 18), Column("Facture", width: 17),
                Column("Ligne de facture", width: 15), Column("Libellé de la ligne de facture", width: 40)
            ])

        try ledger.readRestaurantsExport(period: period, clients: clients) { reader in
            // The documents and their lines.
            var docs: [Doc] = []
            var docIndex: [Int64: Int] = [:]
            try reader.documents { r in
                docIndex[r.id] = docs.count
                docs.append(
                    Doc(
                        id: r.id, number: r.number, creditNote: r.creditNote, origin: r.origin, client: r.client,
                        payer: r.payer, site: r.site, start: r.serviceStart, end: r.serviceEnd, ht: r.totalHT,
                        vat: r.totalVAT,
                        ttc: r.totalTTC))
            }
            var lines: [Line] = []
            try reader.lines { r in
                guard let d = docIndex[r.invoiceID] else { return }
                let label = r.label, type = r.revenueType
                let line = Line(
                    doc: d, position: r.position, label: label, quantity: r.quantity, unitPrice: r.unitPrice,
                    net: r.net,
                    vat: r.vatRate, revenueType: type, kind: type.flatMap { kinds[$0] }, site: r.site,
                    serviceStart: r.serviceStart?.ordinal, serviceEnd: r.serviceEnd?.ordinal,
                    category: Self.category(inLabel: label))
                docs[d].lines.append(lines.count)
                lines.append(line)
            }
            // The site-days each client's contract invoices billed.
            var siteDays: [SiteDayClient: [Int]] = [:]
            try reader.contractSiteDays { r in
                guard let d = docIndex[r.invoiceID] else { return }
                siteDays[SiteDayClient(client: r.client, site: r.site, day: r.day), default: []].append(d)
            }

            // The ticket lines, in order: client, site, day, badge, ticket.
            var stats = [LineStats](repeating: LineStats(), count: lines.count)
            var clientTickets: [String: LineStats] = [:]
            var current = LineStats(), currentClient: String?
            try reader.billedTickets { r in
                let client = r.client, site = r.site, day = r.day, category = r.category, activity = r.activity
                let vat = r.vatRate, amount = r.amount, share = r.employerShare
                if client != currentClient {
                    if let c = currentClient { clientTickets[c] = current }
                    currentClient = client
                    current = LineStats()
                }
                try current.add(amount: amount, share: share, "the tickets of \(client)")
                let candidates = siteDays[SiteDayClient(client: client, site: site, day: day)] ?? []
                let link = Self.link(
                    candidates: candidates, docs: docs, lines: lines, site: site, day: day, category: category,
                    activity: activity, vat: vat)
                if let l = link {
                    try stats[l].add(
                        amount: amount, share: share,
                        "the tickets of \(docs[lines[l].doc].number), line \(lines[l].position)")
                }
                let invoice = link.map { docs[lines[$0].doc].number } ?? candidates.first.map { docs[$0].number }
                try ticketsSheet.append([
                    .text(client), .text(site), .date(Day(ordinal: day)), .text(r.badge), .text(category),
                    .text(r.ticket),
                    .text(activity), .text(r.article), .text(r.label), .integer(r.quantity),
                    .amount(cents: r.unitPrice),
                    .vatRate(vat), .amount(cents: amount), .amount(cents: share), .text(invoice),
                    link.map { .integer(lines[$0].position) } ?? .empty, .text(link.map { lines[$0].label })
                ])
            }
            if let c = currentClient { clientTickets[c] = current }

            // The invoices' lines, with the ticket lines linked to each.
            for l in lines.indices {
                let line = lines[l], doc = docs[line.doc], sign: Int64 = doc.creditNote ? -1 : 1
                try linesSheet.append([
                    .text(doc.client), .text(doc.number), .text(FrenchCells.documentType(creditNote: doc.creditNote)),
                    .text(FrenchCells.origin(doc.origin)),
                    .text(doc.payer ?? doc.client), .text(line.site ?? doc.site), .date(doc.start),
                    .date(doc.end),
                    .integer(line.position), .text(line.label), .text(line.revenueType), .integer(line.quantity),
                    .unitPrice(line.unitPrice), .amount(cents: sign * line.net), .vatRate(line.vat),
                    .integer(stats[l].count), .amount(cents: stats[l].amount), .amount(cents: stats[l].share)
                ])
            }

            // Totals per client: integer sums of the ledger's figures (credit notes negative).
            var byClient: [String: ClientTotals] = [:]
            for d in docs {
                let sign: Int64 = d.creditNote ? -1 : 1
                try byClient[d.client, default: ClientTotals()].add(
                    documents: 1, ht: sign * d.ht, vat: sign * d.vat, ttc: sign * d.ttc,
                    "the documents of \(d.client)")
            }
            for (c, t) in clientTickets { byClient[c, default: ClientTotals()].tickets = t }
            var all = ClientTotals()
            for (client, t) in byClient.sorted(by: { $0.key < $1.key }) {
                try all.add(documents: t.documents, ht: t.ht, vat: t.vat, ttc: t.ttc, "the total of every client")
                all.tickets.count += t.tickets.count
                try all.tickets.add(
                    amount: t.tickets.amount, share: t.tickets.share, count: 0, "the tickets of every client")
                try totalsSheet.append(t.cells(.text(client)))
            }
            try totalsSheet.append(all.cells(.text("Total")).map { $0.bold() })
        }
        try workbook.close()
        return ExportSummary(path: path, sheets: [totalsSheet, linesSheet, ticketsSheet])
    }

    /// The category a subsidy line's label names (`Subvention employeur catégorie A (45 couverts …)` → `A`).
    static func category(inLabel label: String) -> String? {
        guard let r = label.range(of: "catégorie ") else { return nil }
        let rest = label[r.upperBound...]
        let token = rest.prefix { !$0.isWhitespace && $0 != "(" && $0 != "," }
        return token.isEmpty ? nil : String(token)
    }

    /// The invoice line (index in `lines`) that bills a ticket line (the rule is on `restaurants`).
    static func link(
        candidates: [Int], docs: [Doc], lines: [Line], site: String, day: Int, category: String, activity: String,
        vat: Int64
    ) -> Int? {
        let order = category == DinerCategory.guests ? guestKinds : activity == "CAFET" ? cafeteriaKinds : coverKinds
        for kind in order {
            var best: Int?, bestScore = -1
            for d in candidates {
                for l in docs[d].lines {
                    let line = lines[l]
                    guard line.kind == kind, line.site == nil || line.site == site,
                        line.serviceStart.map({ $0 <= day }) ?? true, line.serviceEnd.map({ day <= $0 }) ?? true
                    else { continue }
                    let score = (line.category == category ? 2 : 0) + (line.vat == vat ? 1 : 0)
                    if score > bestScore { best = l; bestScore = score }
                }
            }
            if let best { return best }
        }
        return nil
    }

    /// The kinds of line a ticket line can be billed by, in order of preference.
    static let guestKinds: [RevenueKind] = [.guestMeals, .cafeteria]
    static let cafeteriaKinds: [RevenueKind] = [.cafeteria]
    static let coverKinds: [RevenueKind] = [.subsidy, .admissionFee, .minimumGuarantee]

    struct Doc {
        var id: Int64, number: String, creditNote: Bool, origin: String, client: String, payer: String?, site: String?
        var start: Day, end: Day, ht: Int64, vat: Int64, ttc: Int64
        var lines: [Int] = []
    }

    struct Line {
        var doc: Int, position: Int, label: String, quantity: Int64, unitPrice: Int64, net: Int64, vat: Int64
        var revenueType: String?, kind: RevenueKind?, site: String?, serviceStart: Int?, serviceEnd: Int?,
            category: String?
    }

    struct SiteDayClient: Hashable {
        var client: String, site: String, day: Int
    }

    struct LineStats {
        var count: Int64 = 0, amount: Int64 = 0, share: Int64 = 0
        mutating func add(amount a: Int64, share s: Int64, count c: Int64 = 1, _ what: @autoclosure () -> String)
            throws(ExportOverflow)
        {
            count += c
            amount = try addCents(amount, a, what())
            share = try addCents(share, s, what())
        }
    }

    struct ClientTotals {
        var documents = 0, ht: Int64 = 0, vat: Int64 = 0, ttc: Int64 = 0
        var tickets = LineStats()
        mutating func add(documents n: Int, ht h: Int64, vat v: Int64, ttc t: Int64, _ what: @autoclosure () -> String)
            throws(ExportOverflow)
        {
            documents += n
            ht = try addCents(ht, h, what())
            vat = try addCents(vat, v, what())
            ttc = try addCents(ttc, t, what())
        }
        func cells(_ first: Cell) -> [Cell] {
            [
                first, .integer(documents), .integer(tickets.count), .amount(cents: tickets.amount),
                .amount(cents: tickets.share),
                .amount(cents: ht), .amount(cents: vat), .amount(cents: ttc)
            ]
        }
    }
}
