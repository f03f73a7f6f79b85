import BillingEngine
import BillingModel
import Documents
import Foundation
import Ledger
import Settings
import Testing
import TestSupport
import Workspace

/// The documents of a billed month say what the ledger says and what the law asks: one service period everywhere,
/// a delivery date never after the issue date, the seller's registration, discounts, delivery places, purchase
/// orders per line, the operation category, the client a payer pays for; and every PDF passes the PDF/A checks.
@Suite(.serialized) struct DocumentTruthTests {
    static func issuedMonth() throws -> BilledMonth {
        let m = try BilledMonth()
        _ = try m.engine.validate(
            ids: m.ledger.invoices(status: .proforma).compactMap(\.id), on: BilledMonth.issueDay, now: BilledMonth.t0)
        return m
    }

    static func compact(_ xml: String) -> String {
        xml.replacingOccurrences(of: #">\s+<"#, with: "><", options: .regularExpression)
    }

    /// The two days (BT-73, BT-74) of the header's billing period, and the delivery date (BT-72), as written.
    static func headerDates(_ xml: String) -> (start: String, end: String, delivery: String)? {
        let x = compact(xml)
        guard let settlement = x.range(of: "<ram:ApplicableHeaderTradeSettlement>"),
            let period = x.range(of: "<ram:BillingSpecifiedPeriod>", range: settlement.upperBound..<x.endIndex),
            let delivery = x.range(of: "<ram:ActualDeliverySupplyChainEvent>")
        else { return nil }
        func days(after i: String.Index) -> [String] {
            var out: [String] = []
            var from = i
            while out.count < 2, let r = x.range(of: "<udt:DateTimeString format=\"102\">", range: from..<x.endIndex) {
                out.append(String(x[r.upperBound...].prefix(8)))
                from = r.upperBound
            }
            return out
        }
        let p = days(after: period.upperBound), d = days(after: delivery.upperBound)
        guard p.count == 2, let first = d.first else { return nil }
        return (p[0], p[1], first)
    }

    static func compactDay(_ day: Day) -> String { day.compact }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func everyOutputShowsTheServicePeriodTheLedgerStoredWithTheDocument() throws {
        let m = try Self.issuedMonth()
        let fx = try FacturX.withSystemProfile()
        var differFromTheBillingRun = 0, billedInAdvance = 0
        let all = try m.ledger.documentsWithReferences(status: .issued)
        #expect(!all.isEmpty)
        for (stored, refs) in all {
            let i = stored.invoice
            let number = i.number ?? "?"
            // The ledger's fact: the hull of the lines' days, a line without days counting as the billing period.
            let starts = stored.lines.map { $0.serviceStart ?? i.periodStart },
                ends = stored.lines.map { $0.serviceEnd ?? i.periodEnd }
            let start = try #require(i.serviceStart), end = try #require(i.serviceEnd)
            #expect(start == starts.min() && end == ends.max(), "\(number): stored \(start)..\(end)")
            if start != i.periodStart || end != i.periodEnd { differFromTheBillingRun += 1 }
            // JSON (`invoices show --format json`, the API).
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(InvoiceJSON.encode(stored).utf8)) as? [String: Any])
            #expect(
                json["period_start"] as? String == start.description
                    && json["period_end"] as? String == end.description,
                "\(number): JSON \(json)")
            // XML: BT-73/BT-74, and BT-72 never after the issue date.
            let rendered = try m.workspace.documents.render(
                m.workspace.documents.document(stored, references: refs), facturX: fx)
            let xml = try #require(rendered.xml)
            let dates = try #require(Self.headerDates(xml))
            #expect(
                dates.start == Self.compactDay(start) && dates.end == Self.compactDay(end), "\(number): XML \(dates)")
            #expect(
                dates.delivery <= Self.compactDay(i.issueDate),
                "\(number): delivered \(dates.delivery), issued \(i.issueDate)")
            if end > i.issueDate {
                billedInAdvance += 1
            } else {
                #expect(dates.delivery == Self.compactDay(end), "\(number): a past period is delivered on its last day")
            }
            // The PDF's "Période".
            let text = try Tools.pdfText(rendered.pdf).replacingOccurrences(
                of: #"\s+"#, with: " ", options: .regularExpression)
            let (s, e) = (start, end)
            let printed = s == e ? "Période : le \(s.french)" : "Période : du \(s.french) au \(e.french)"
            #expect(text.contains(printed), "\(number): \(printed) not in the PDF")
        }
        #expect(
            differFromTheBillingRun > 0, "the month has documents whose days differ from their billing run's period")
        #expect(billedInAdvance > 0, "the month has a fee billed in advance")
    }

    @Test(.enabled(if: Tools.validatorsAvailable, "needs python3 with factur-x, saxonche, lxml and pypdf"))
    func everyIssuedDocumentPassesTheValidatorsAndThePDFAChecks() throws {
        let m = try Self.issuedMonth()
        let folder = Repository.temporaryDirectory("ardoise-pdfa")
        let all = try m.ledger.documentsWithReferences(status: .issued)
        for (stored, _) in all {
            let files = try #require(try m.workspace.issuedFiles(stored.invoice))
            let name = stored.invoice.number ?? "?"
            try Data(files.xml).write(to: folder.appendingPathComponent("\(name).xml"))
            try Data(files.pdf).write(to: folder.appendingPathComponent("\(name).pdf"))
        }
        let validated = try Tools.run(Tools.python, [Tools.batchValidator.path, folder.path])
        #expect(
            validated.output.contains("files: \(all.count) failed-asserts: 0 xsd-errors: 0 pdf-mismatches: 0"),
            "\(validated.output)")
        let pdfa = try Tools.run(
            Tools.python, [Repository.root.appendingPathComponent(".ci/check_pdfa.py").path, folder.path])
        #expect(pdfa.status == 0, "\(pdfa.output)")
        #expect(pdfa.output.contains("files: \(all.count) problems: 0"), "\(pdfa.output)")
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func theMonthsDocumentsSayTheSellersRegistrationWhereAndForWhomAndWhatTheySell() throws {
        let m = try Self.issuedMonth()
        let s = m.workspace.settings
        let registration = "SAS au capital de 150\u{202F}000 €, RCS Nanterre 812 457 638"
        #expect(s.seller.legalForm == "SAS" && s.seller.rcsCity == "Nanterre")
        var payerDocuments = 0, mixed = 0, delivered = 0, discounted = 0, linePOs = 0
        for (stored, refs) in try m.ledger.documentsWithReferences(status: .issued) {
            let i = stored.invoice
            let number = i.number ?? "?"
            let doc = try m.workspace.documents.document(stored, references: refs)
            let xml = Self.compact(CrossIndustryInvoice.xml(doc))
            #expect(xml.contains("<ram:Description>\(registration)</ram:Description>"), "\(number): BT-33")
            let text = try Tools.pdfText(try PDFRenderer().render(doc)).replacingOccurrences(
                of: #"\s+"#, with: " ", options: .regularExpression)
            #expect(
                text.contains(registration.replacingOccurrences(of: "\u{202F}", with: " ")), "\(number): the footer")
            // BT-23 from the revenue types: the cafeteria sells goods.
            let natures = Set(
                stored.lines.map { l in l.revenueType.flatMap { s.revenueType($0)?.nature } ?? .services })
            let code = natures == [.goods] ? "B1" : natures.contains(.goods) ? "M1" : "S1"
            #expect(
                xml.contains("<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>\(code)</ram:ID>"),
                "\(number): \(code)")
            if code == "M1" { mixed += 1 }
            if code == "B1" { #expect(!text.contains("TVA acquittée"), "\(number)") }
            // Where the service happened: the site's address.
            if let site = i.site ?? Set(stored.lines.map(\.site)).first ?? nil,
                Set(stored.lines.map(\.site)).count == 1 || i.site != nil,
                let address = s.site(site)?.address
            {
                #expect(
                    xml.contains("<ram:ShipToTradeParty><ram:Name>\(s.client(i.client)?.legalName ?? "?")</ram:Name>"),
                    "\(number)")
                #expect(xml.contains("<ram:CityName>\(address.city)</ram:CityName>"))
                #expect(text.contains("Lieu de la prestation : "), "\(number)")
                delivered += 1
            }
            // A payer's document names the client it pays for.
            if i.payer != nil {
                let client = try #require(s.client(i.client))
                #expect(
                    text.contains("Pour le compte de \(client.legalName) (client \(i.client))"), "\(number): \(text)")
                payerDocuments += 1
            }
            // Discounts shown, not hidden in the net price.
            for l in stored.lines where l.grossUnitPrice != nil {
                let gross = try #require(l.grossPrice)
                #expect(
                    xml.contains("<ram:GrossPriceProductTradePrice><ram:ChargeAmount>\(gross)</ram:ChargeAmount>"),
                    "\(number)")
                #expect(text.contains("Prix brut \(gross.french) € HT, remise"), "\(number)")
                discounted += 1
            }
            // Purchase orders per line.
            for order in refs.lineOrders {
                guard let po = order.poNumber else { continue }
                #expect(
                    xml.contains("<ram:BuyerOrderReferencedDocument><ram:LineID>\(po)</ram:LineID>"), "\(number): \(po)"
                )
                linePOs += 1
            }
        }
        #expect(
            payerDocuments > 0 && mixed > 0 && delivered > 0 && discounted > 0 && linePOs > 0,
            "payer \(payerDocuments), mixed \(mixed), delivered \(delivered), discounted \(discounted), line POs \(linePOs)"
        )
    }
}
