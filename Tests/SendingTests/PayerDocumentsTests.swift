import BillingEngine
import BillingModel
import Documents
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// An invoice billed to a payer (a works council paying the employer share the registers recorded) names the client
/// and the site(s) it pays for, and shows under each of its lines the tickets behind it (per site, diner category and
/// share of a ticket: count × share = amount, adding up to the line), on the PDF and as the line's note (BT-127) in the
/// XML, from what the engine stored with the line; the amounts are the ones billed before.
@Suite(.serialized) struct PayerDocumentsTests {
    static func issuedMonth() throws -> BilledMonth {
        let m = try BilledMonth()
        _ = try m.engine.validate(
            ids: m.ledger.invoices(status: .proforma).compactMap(\.id), on: BilledMonth.issueDay, now: BilledMonth.t0)
        return m
    }

    static func text(_ pdf: [UInt8]) throws -> String {
        try Tools.pdfText(pdf).replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
    }

    static func compact(_ xml: String) -> String {
        xml.replacingOccurrences(of: #">\s+<"#, with: "><", options: .regularExpression)
    }

    /// The French figures as pdftotext gives them (the narrow no-break space as a space).
    static func plain(_ s: String) -> String { s.replacingOccurrences(of: "\u{202F}", with: " ") }

    /// The tickets behind each rate of a client's employer share over a period, counted from the ticket lines
    /// themselves: (site, category, rate, share of a ticket) → tickets; guests left out (billed on their own line).
    static func countedTickets(_ ledger: LedgerDatabase, client: String, from: String, to: String) throws -> [String:
        Int]
    {
        guard let start = Day(iso: from), let end = Day(iso: to) else { return [:] }
        return try ledger.engine.read { db in
            var out: [String: Int] = [:]
            for r in try db.fetchAll(
                sql: """
                    SELECT t.site, t.category, t.vat_rate, SUM(t.employer_share) AS share
                    FROM site_day s JOIN ticket_line t ON t.file_id = s.current_file_id
                    WHERE s.day BETWEEN ? AND ? AND t.client = ? AND t.category <> 'INV'
                    GROUP BY t.file_id, t.site, t.ticket, t.category, t.vat_rate HAVING SUM(t.employer_share) <> 0
                    """, arguments: [start.ordinal, end.ordinal, client])
            {
                let site: String = try r[0], category: String = try r[1], rate: Int64 = try r[2],
                    share: Int64 = try r[3]
                out["\(site) \(category) \(rate) \(share)", default: 0] += 1
            }
            return out
        }
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func aPayersInvoiceNamesTheClientAndSiteAndShowsTheTicketsBehindEachLine() throws {
        let m = try Self.issuedMonth()
        let s = m.workspace.settings
        var payerLines = 0
        for i in try m.ledger.invoices(status: .issued) where i.payer != nil && i.type == .invoice {
            let number = try #require(i.number)
            let id = try #require(i.id)
            let files = try #require(try m.workspace.issuedFiles(i))
            let text = try Self.text(files.pdf)
            let xml = Self.compact(String(decoding: files.xml, as: UTF8.self))
            let client = try #require(s.client(i.client))
            let stored = try #require(try m.ledger.invoice(id: id))
            let tickets = try m.ledger.lineTickets(invoiceID: id)
            // The client and the site(s) it pays for, on the PDF, in the XML's notes and as the delivery party (BG-13).
            let sites = Set(tickets.values.flatMap { $0.map { (g: TicketGroup) in g.site } }).sorted()
            #expect(!sites.isEmpty, "\(number): the tickets name their sites")
            let named = sites.map { code in s.site(code).map { "\($0.name) (\(code))" } ?? code }
            let forWhom =
                "Pour le compte de \(client.legalName) (client \(i.client)), \(sites.count == 1 ? "site" : "sites") \(named.joined(separator: ", "))"
            #expect(text.contains(forWhom), "\(number): \(text)")
            #expect(
                xml.contains("<ram:Content>\(forWhom)</ram:Content><ram:SubjectCode>AAI</ram:SubjectCode>"), "\(number)"
            )
            if sites.count == 1 {
                #expect(xml.contains("<ram:ShipToTradeParty><ram:Name>\(client.legalName)</ram:Name>"), "\(number)")
            }
            let counted = try Self.countedTickets(
                m.ledger, client: i.client, from: i.documentPeriod.start.description,
                to: i.documentPeriod.end.description)
            var stored_: [String: Int] = [:]
            for line in stored.lines where line.basisKind == .subsidyAsRecorded {
                let groups = try #require(
                    tickets[line.position], "\(number) line \(line.position): its tickets are stored with it")
                // The amount is the one billed: the recorded shares TTC, converted once; the groups add up to it.
                #expect(
                    try groups.total.excludingVAT(at: line.rate) == line.netAmount, "\(number) line \(line.position)")
                #expect(groups.allSatisfy { $0.includesVAT && $0.tickets > 0 })
                for g in groups {
                    stored_["\(g.site) \(g.category) \(line.vatRate) \(g.unit.cents)", default: 0] += g.tickets
                }
                // Under the line on the PDF, and as the line's note (BT-127) in the XML.
                for g in groups {
                    let row = Self.plain(
                        "Catégorie \(g.category), site \(g.site) : \(g.tickets) ticket\(g.tickets > 1 ? "s" : "") × \(g.unit.french) € TTC = \(try g.amount.french) € TTC"
                    )
                    #expect(text.contains(row), "\(number): \(row) not in \(text)")
                }
                let total = Self.plain(
                    "Total : \(try groups.total.french) € TTC, soit \(line.netAmount.french) € HT à \(line.rate.french) % de TVA"
                )
                #expect(text.contains(total), "\(number): \(total)")
                let note = try #require(
                    xml.range(
                        of:
                            "<ram:LineID>\(line.position)</ram:LineID><ram:IncludedNote><ram:Content>Décompte : Catégorie "
                    ),
                    "\(number) line \(line.position): no line note in \(xml)")
                let content = xml[note.upperBound...].prefix { $0 != "<" }
                #expect(
                    content.hasSuffix(
                        "Total : \(try groups.total.french) € TTC, soit \(line.netAmount.french) € HT à \(line.rate.french) % de TVA."
                    ), "\(content)")
                payerLines += 1
            }
            // What the engine stored is what the registers recorded, ticket by ticket.
            #expect(stored_ == counted, "\(number): stored \(stored_), counted from the ticket lines \(counted)")
        }
        #expect(payerLines > 0, "the month has subsidies billed to a works council")
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func aPayersProformaShowsItsTicketsAndNeitherAsksToBePaidNorGivesTheBankDetails() throws {
        let m = try Self.issuedMonth()
        let invoice = try #require(
            try m.ledger.invoices(status: .issued).first { $0.payer != nil && $0.type == .invoice })
        let invoiceID = try #require(invoice.id)
        let issued = try #require(try m.ledger.invoice(id: invoiceID))
        // The same document as it was waiting for validation.
        var proforma = issued
        proforma.invoice.status = .proforma
        proforma.invoice.number = nil
        let doc = try m.workspace.document(proforma)
        #expect(doc.isProforma && doc.lines.contains { !$0.tickets.isEmpty })
        let text = try Self.text(try m.workspace.documents.render(doc, facturX: Installation.facturX()).pdf)
        #expect(text.contains("PROFORMA") && text.contains("Ne pas payer"), "\(text)")
        #expect(text.contains("Catégorie ") && text.contains(" tickets × "), "\(text)")
        #expect(
            !text.contains("à payer") && !text.contains("IBAN") && !text.contains(m.workspace.settings.seller.iban),
            "\(text)")
    }

    @Test func aLinesTicketsStayWithItThroughAnEditAndAreFrozenOnceIssued() throws {
        let m = try BilledMonth()
        // An issued payer's invoice, and a proforma made from its lines.
        let invoice = try #require(
            try m.ledger.invoices(status: .issued).first { $0.payer != nil && $0.type == .invoice })
        let issuedID = try #require(invoice.id)
        let issued = try #require(try m.ledger.invoice(id: issuedID))
        let tickets = try m.ledger.lineTickets(invoiceID: issuedID)
        let position = try #require(tickets.keys.min())
        let line = try #require(issued.lines.first { $0.position == position })
        // Frozen with the issued document: nothing added, changed or removed.
        // Each in a transaction of its own: on PostgreSQL a refused statement ends its transaction.
        #expect(throws: SQLEngineError.self) {
            try m.ledger.engine.transaction { db in
                try db.execute(sql: "DELETE FROM invoice_line_tickets WHERE invoice_id = ?", arguments: [issuedID])
            }
        }
        #expect(throws: SQLEngineError.self) {
            try m.ledger.engine.transaction { db in
                try db.execute(
                    sql: "UPDATE invoice_line_tickets SET tickets = tickets + 1 WHERE invoice_id = ?",
                    arguments: [issuedID])
            }
        }
        #expect(throws: SQLEngineError.self) {
            try m.ledger.engine.transaction { db in
                try db.execute(
                    sql:
                        "INSERT INTO invoice_line_tickets(invoice_id, position, site, category, unit, includes_vat, tickets) VALUES (?, ?, 'X', 'A', 1, 1, 1)",
                    arguments: [issuedID, position])
            }
        }
        #expect(try m.ledger.lineTickets(invoiceID: issuedID) == tickets)
        // A proforma with that line and another: an edit that moves the line keeps its tickets; one that changes it drops them.
        var new = NewInvoice(
            type: .invoice, series: issued.invoice.series, client: issued.invoice.client, payer: issued.invoice.payer,
            period: try #require(Period(parsing: "2026-10")), issueDate: BilledMonth.issueDay,
            dueDate: BilledMonth.issueDay,
            paymentTerms: issued.invoice.paymentTerms, origin: .manual,
            lines: [
                NewInvoiceLine(line),
                NewInvoiceLine(
                    label: "Autre", quantity: 1, unitPrice: Price(tenThousandths: 10_000),
                    net: Money(cents: 100), vat: line.rate)
            ])
        new.lineTickets = [1: tickets[position] ?? []]
        let id = try #require(try m.ledger.createProforma(new, actor: "test"))
        #expect(try m.ledger.lineTickets(invoiceID: id) == [1: tickets[position] ?? []])
        try m.ledger.replaceLines(id: id, lines: new.lines.reversed(), reason: "ordre", actor: "test")
        #expect(
            try m.ledger.lineTickets(invoiceID: id) == [2: tickets[position] ?? []],
            "the line moved to position 2 with its tickets")
        var changed = new.lines
        changed[0].label = "Subvention employeur (corrigée)"
        try m.ledger.replaceLines(id: id, lines: changed, reason: "libellé", actor: "test")
        #expect(try m.ledger.lineTickets(invoiceID: id).isEmpty, "an edited line no longer adds up to its tickets")
    }
}
