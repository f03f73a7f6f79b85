import BillingModel
@testable import Documents
import Foundation
import Testing

/// A document expected on one page is drawn at once, and each text measured before it is drawn is laid out
/// once: the PDF is byte for byte the one counting the pages first and laying every text out again gives.
@Suite struct RenderingOnceTests {
    /// Twelve lines whose labels wrap over several lines each: expected on one page, it takes two.
    static let wrappingInvoice: InvoiceDocument = {
        var d = Examples.acmeInvoice
        d.lines = (1...PDFRenderer.linesSurelyOnOnePage).map { i in
            Examples.line(
                label: String(repeating: "Plateau repas du comité de direction n° \(i), salle « Étoile » ; ", count: 5),
                quantity: i, unitPrice: Examples.price("12.50"), vatRate: Examples.ten)
        }
        return d
    }()

    @Test(arguments: Examples.all.map(\.name) + ["wrapping-invoice", "proforma"])
    func drawnOnceIsTheSameBytes(name: String) throws {
        var document = try #require(
            name == "wrapping-invoice"
                ? Self.wrappingInvoice
                : name == "proforma" ? Examples.acmeInvoice : Examples.document(name))
        if name == "proforma" { document.isProforma = true }
        let renderer = PDFRenderer()
        let once = try renderer.render(document)
        let reference = try renderer.renderCountingFirst(document)
        #expect(once == reference, "\(name): \(once.count) bytes against \(reference.count)")
        // The page tree's count: the wrapping invoice took the way of a document counted first.
        let text = String(decoding: once, as: UTF8.self)
        let count = text.range(of: #"/Count \d+"#, options: .regularExpression).flatMap { Int(text[$0].dropFirst(7)) }
        #expect(
            count == (name == "wrapping-invoice" || name == "long-invoice" ? count.map { max($0, 2) } : 1),
            "\(name): \(count ?? 0) pages")
    }
}
