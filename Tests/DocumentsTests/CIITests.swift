import BillingModel
import Documents
import Foundation
import Testing

@Suite struct CIITests {
    @Test func acmeTotals() {
        let t = Examples.acmeInvoice.totals
        #expect(t.totalHT.description == "21592.36")
        #expect(t.totalVAT.description == "2317.64")
        #expect(t.totalTTC.description == "23910.00")
        #expect(t.totalTTC.french == "23\u{202F}910,00")
    }

    @Test(arguments: Examples.all.map(\.name))
    func dump(name: String) throws {
        let doc = try #require(Examples.all.first { $0.name == name }?.document)
        let dir = "/tmp/ardoise-docs"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try CrossIndustryInvoice.xml(doc).write(toFile: "\(dir)/\(name).xml", atomically: true, encoding: .utf8)
    }
}

@Suite struct PDFDump {
    @Test(arguments: Examples.all.map(\.name))
    func dumpPDF(name: String) throws {
        let doc = try #require(Examples.all.first { $0.name == name }?.document)
        let bytes = try PDFRenderer().render(doc)
        try Data(bytes).write(to: URL(fileURLWithPath: "/tmp/ardoise-docs/\(name).pdf"))
    }
}

@Suite struct FXDump {
    @Test(arguments: Examples.all.map(\.name))
    func dumpFX(name: String) throws {
        let doc = try #require(Examples.all.first { $0.name == name }?.document)
        let r = try FacturX.withSystemProfile().render(doc)
        try Data(r.pdf).write(to: URL(fileURLWithPath: "/tmp/ardoise-docs/\(name)-fx.pdf"))
    }
}
