import BillingModel
import Documents
import Foundation
import TestSupport
import Testing

/// What the law asks a document to say, read back from the XML and from the PDF's text: the notes in their right
/// place, the seller's registration, discounts, where the service happened, purchase orders per line, the operation
/// category, the delivery date; and every variant still through the official validators.
@Suite(.serialized) struct LegalMentionsTests {
    static let output = Repository.temporaryDirectory("ardoise-legal-mentions")

    /// The ACME invoice with everything the audit found missing: a registered seller, a discounted event line with
    /// its purchase order, packaged goods, a delivery place, October's consumption and November's fee in advance.
    static let complete: InvoiceDocument = {
        var d = Examples.acmeInvoice
        d.seller.legalForm = "SAS"
        d.seller.shareCapital = Money(cents: 15_000_000)
        d.seller.rcsCity = "Paris"
        d.issueDate = day("2026-11-01")
        let november = Period(start: day("2026-11-01"), end: day("2026-11-30"))
        d.period = Period(start: Examples.october.start, end: november.end)
        var lines = Examples.acmeLines.map { l -> InvoiceDocument.Line in
            var l = l
            l.servicePeriod = Examples.october
            return l
        }
        lines[4].servicePeriod = november
        var event = InvoiceDocument.Line(
            label: "Plateau déjeuner", quantity: 12, unitPrice: Examples.price("21.7500"),
            net: Money(cents: 26100), vatRate: Examples.ten, servicePeriod: Examples.october)
        event.grossPrice = Examples.price("24.1667")
        event.purchaseOrder = "PO-77"
        lines.append(event)
        var goods = InvoiceDocument.Line(
            label: "Sandwichs emballés", quantity: 10, unitPrice: Examples.price("4.00"),
            net: Money(cents: 4000), vatRate: Percentage(tenThousandths: 55_000), servicePeriod: Examples.october)
        goods.nature = .goods
        lines.append(goods)
        d.lines = lines
        d.totals = (try? InvoiceTotals(lines: lines.map { (net: $0.net, vat: $0.vatRate) })) ?? .zero
        d.delivery = .init(
            name: "ACME Énergies SA", place: "Restaurant PUT01 - Tour Horizon",
            address: .init(lines: ["1 rue des Fêtes"], postcode: "93200", city: "Saint-Denis"))
        d.billedFor = "Pour le compte de ACME Énergies SA (client C0001), site Restaurant PUT01 - Tour Horizon (PUT01)"
        return d
    }()

    /// The PDF's text with every run of spaces and line breaks as one space: pdftotext breaks lines where the
    /// layout wraps them.
    static func text(_ pdf: [UInt8]) throws -> String {
        try Tools.pdfText(pdf, in: output).replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
    }

    /// The XML without the layout between elements, for exact checks of nesting.
    static func compact(_ xml: String) -> String {
        xml.replacingOccurrences(of: #">\s+<"#, with: "><", options: .regularExpression)
    }

    static func note(_ subject: String, in xml: String) -> String? {
        guard
            let r = xml.range(of: "</ram:Content>\n            <ram:SubjectCode>\(subject)</ram:SubjectCode>")
                ?? xml.range(
                    of: #"</ram:Content>\s*<ram:SubjectCode>\#(subject)</ram:SubjectCode>"#, options: .regularExpression
                ),
            let open = xml.range(of: "<ram:Content>", options: .backwards, range: xml.startIndex..<r.lowerBound)
        else { return nil }
        return String(xml[open.upperBound..<r.lowerBound])
    }

    @Test func thePMTNoteCarriesTheRecoveryIndemnityAndThePMDNoteThePenalties() throws {
        let xml = CrossIndustryInvoice.xml(Examples.acmeInvoice)
        let pmt = try #require(Self.note("PMT", in: xml))
        let pmd = try #require(Self.note("PMD", in: xml))
        #expect(pmt.contains("Indemnité forfaitaire pour frais de recouvrement") && pmt.contains("40,00 €"), "\(pmt)")
        #expect(pmd.contains("pénalités au taux annuel de 12 %"), "\(pmd)")
        #expect(!pmt.contains("pénalités au taux"), "\(pmt)")
    }

    @Test func theSellersLegalFormCapitalAndRegistryAreInTheFooterAndInBT33() throws {
        let d = Self.complete
        #expect(d.seller.legalMention == "SAS au capital de 150\u{202F}000 €, RCS Paris 812 345 676")
        let xml = CrossIndustryInvoice.xml(d)
        #expect(
            Self.compact(xml).contains(
                "<ram:SellerTradeParty><ram:Name>Serenest Restauration SAS</ram:Name><ram:Description>SAS au capital de 150\u{202F}000 €, RCS Paris 812 345 676</ram:Description>"
            ), "\(xml.prefix(3000))")
        let text = try Self.text(PDFRenderer().render(d))
        #expect(
            text.contains("SAS au capital de 150 000 €, RCS Paris 812 345 676")
                || text.contains("SAS au capital de 150\u{202F}000 €, RCS Paris 812 345 676"), "\(text)")
    }

    @Test func aDiscountShowsTheGrossPriceAndTheDiscountInTheXMLAndTheWordRemiseOnThePDF() throws {
        let xml = CrossIndustryInvoice.xml(Self.complete)
        let compact = Self.compact(CrossIndustryInvoice.xml(Self.complete))
        #expect(
            compact.contains(
                "<ram:GrossPriceProductTradePrice><ram:ChargeAmount>24.1667</ram:ChargeAmount>"
                    + "<ram:AppliedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>"
                    + "<ram:ActualAmount>2.4167</ram:ActualAmount></ram:AppliedTradeAllowanceCharge></ram:GrossPriceProductTradePrice>"
                    + "<ram:NetPriceProductTradePrice><ram:ChargeAmount>21.75</ram:ChargeAmount>"), "\(xml)")
        let text = try Self.text(PDFRenderer().render(Self.complete))
        #expect(text.contains("Prix brut 24,1667 € HT, remise 2,4167 € par unité"), "\(text)")
        // A line without a discount has no gross price.
        #expect(CrossIndustryInvoice.xml(Examples.acmeInvoice).contains("GrossPrice") == false)
    }

    @Test func theDeliveryPlaceIsTheShipToPartyAndIsPrinted() throws {
        let xml = CrossIndustryInvoice.xml(Self.complete)
        #expect(
            Self.compact(xml).contains(
                "<ram:ApplicableHeaderTradeDelivery><ram:ShipToTradeParty><ram:Name>ACME Énergies SA</ram:Name>"
                    + "<ram:PostalTradeAddress><ram:PostcodeCode>93200</ram:PostcodeCode><ram:LineOne>1 rue des Fêtes</ram:LineOne>"
                    + "<ram:CityName>Saint-Denis</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress></ram:ShipToTradeParty>"
            ), "\(xml)")
        let text = try Self.text(PDFRenderer().render(Self.complete))
        #expect(
            text.contains(
                "Lieu de la prestation : Restaurant PUT01 - Tour Horizon, 1 rue des Fêtes, 93200 Saint-Denis, pour ACME Énergies SA"
            ), "\(text)")
        #expect(text.contains("Pour le compte de ACME Énergies SA (client C0001)"), "\(text)")
    }

    @Test func aLinesPurchaseOrderIsItsBT132AndTheDocumentsBT13OnlyWhenAllLinesShareIt() throws {
        let xml = CrossIndustryInvoice.xml(Self.complete)
        #expect(
            Self.compact(xml).contains(
                "<ram:SpecifiedLineTradeAgreement><ram:BuyerOrderReferencedDocument><ram:LineID>PO-77</ram:LineID>"),
            "\(xml)")
        #expect(!xml.contains("<ram:IssuerAssignedID>PO-77</ram:IssuerAssignedID>"), "not every line answers PO-77")
        var one = Examples.acmeInvoice
        one.lines = one.lines.map {
            var l = $0; l.purchaseOrder = "PO-9"; return l
        }
        #expect(one.documentPurchaseOrder == "PO-9")
        #expect(
            Self.compact(CrossIndustryInvoice.xml(one)).contains(
                "<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-9</ram:IssuerAssignedID>"))
        let text = try Self.text(PDFRenderer().render(Self.complete))
        #expect(text.contains("Bon de commande : PO-77"), "\(text)")
    }

    @Test func theOperationCategoryFollowsTheLinesAndTheVATRegimeIsSaidForServicesOnly() throws {
        #expect(Examples.acmeInvoice.operationCategory == .services)
        #expect(
            Self.compact(CrossIndustryInvoice.xml(Examples.acmeInvoice)).contains(
                "<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>S1</ram:ID>"))
        let mixed = Self.complete
        #expect(mixed.operationCategory == .mixed)
        let mixedXML = CrossIndustryInvoice.xml(mixed)
        #expect(mixedXML.contains("<ram:ID>M1</ram:ID>"))
        let mixedText = try Self.text(PDFRenderer().render(mixed))
        #expect(
            mixedText.contains(
                "Nature de l'opération : Livraison de biens et prestations de services. TVA des prestations de services acquittée sur les encaissements."
            ), "\(mixedText)")
        var goods = Examples.acmeInvoice
        goods.lines = goods.lines.map {
            var l = $0; l.nature = .goods; return l
        }
        #expect(goods.operationCategory == .goods)
        let goodsXML = CrossIndustryInvoice.xml(goods)
        #expect(goodsXML.contains("<ram:ID>B1</ram:ID>"))
        #expect(!goodsXML.contains("DueDateTypeCode"), "VAT on goods is due on delivery")
        #expect(!goodsXML.contains("acquittée sur les"))
        let goodsText = try Self.text(PDFRenderer().render(goods))
        #expect(goodsText.contains("Nature de l'opération : Livraison de biens."))
        #expect(!goodsText.contains("TVA acquittée"))
    }

    @Test func theDeliveryDateIsNeverAfterTheIssueDate() throws {
        let d = Self.complete
        #expect(d.period.end == day("2026-11-30"))
        #expect(d.deliveryDate == day("2026-10-31"), "October delivered; November's fee is in advance")
        let xml = CrossIndustryInvoice.xml(d)
        #expect(
            Self.compact(xml).contains(
                "<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime><udt:DateTimeString format=\"102\">20261031</udt:DateTimeString>"
            ), "\(xml)")
        // The service period (BT-73/BT-74) is the document's, the advance included.
        #expect(xml.contains("<udt:DateTimeString format=\"102\">20261130</udt:DateTimeString>"))
        var advance = Examples.acmeInvoice
        advance.issueDate = day("2026-10-01")
        #expect(advance.deliveryDate == day("2026-10-01"), "billed wholly in advance: nothing delivered yet")
    }

    @Test func aProformaNeitherAsksToBePaidNorGivesTheBankDetails() throws {
        var d = Examples.acmeInvoice
        d.isProforma = true
        let text = try Self.text(PDFRenderer().render(d))
        #expect(text.contains("PROFORMA"))
        #expect(text.contains("ne constitue pas une facture"))
        #expect(!text.contains("à payer"), "\(text)")
        #expect(!text.contains("IBAN"), "\(text)")
        #expect(!text.contains(Examples.seller.iban))
        #expect(!text.contains("Date d'échéance"))
    }

    @Test(
        .enabled(if: Tools.validatorsAvailable, "needs python3 with factur-x, saxonche and lxml"),
        arguments: ["complete", "goods"])
    func everyVariantPassesTheOfficialValidatorsAndThePDFAChecks(name: String) throws {
        var doc = Self.complete
        if name == "goods" {
            doc.lines = doc.lines.map {
                var l = $0; l.nature = .goods; return l
            }
        }
        let fx = try FacturX.withSystemProfile().render(doc)
        let xmlURL = Self.output.appendingPathComponent("\(name).xml")
        let pdfURL = Self.output.appendingPathComponent("\(name).pdf")
        try Data(fx.xml.utf8).write(to: xmlURL)
        try Data(fx.pdf).write(to: pdfURL)
        let result = try Tools.run(Tools.python, [Tools.validator.path, xmlURL.path, "--pdf", pdfURL.path])
        #expect(result.output.contains("failed-asserts: 0 xsd-errors: 0"), "\(result.output)")
        let pdfa = try Tools.run(Tools.python, [Tools.pdfaChecker.path, pdfURL.path])
        #expect(pdfa.status == 0 && pdfa.output.contains("files: 1 problems: 0"), "\(pdfa.output)")
    }
}

extension Tools {
    /// The checker of the PDF/A-3 clauses veraPDF would check that are cheap to check (veraPDF is Java, not installed).
    static let pdfaChecker = Repository.root.appendingPathComponent(".ci/check_pdfa.py")
}
