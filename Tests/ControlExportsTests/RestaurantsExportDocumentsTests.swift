import BillingEngine
import BillingModel
@testable import ControlExports
import DemoMonthSupport
import Foundation
import GRDB
@testable import Ledger
import Testing
import TestSupport

/// The restaurants workbook holds every document of the period that bills the restaurants: credit notes
/// (negative) and documents typed in too, so its totals are the ledger's.
@Suite struct RestaurantsExportDocumentsTests {
    @Test(.enabled(if: Readers.openpyxl || Tools.inCI, "openpyxl missing: run .ci/setup"))
    func creditNotesAndTypedInDocumentsAreInTheTotals() throws {
        let month = try DemoMonth("restaurants-credits", sites: 1, clients: 4, seed: 5)
        let engine = try month.bill(validateAll: true)
        let invoice = try #require(
            try month.ledger.invoices(status: .issued).first { $0.origin == .contract && $0.type == .invoice })
        let number = try #require(invoice.number)
        _ = try engine.credit(
            invoice: number, selections: [CreditSelection(line: 1, amount: Money(cents: 100))], reason: "geste",
            on: DemoMonth.issueDay, issue: true)
        let manual = try engine.createManual(
            ManualDocument(
                type: .invoice, client: invoice.client, period: DemoMonth.october,
                lines: [
                    (
                        label: "Prestation exceptionnelle", quantity: 1, unitPrice: Price(tenThousandths: 500_000),
                        vat: VATRate(tenThousandths: 100_000)
                    )
                ]),
            reason: "extra", on: DemoMonth.issueDay)
        _ = try engine.validate(ids: [manual], on: DemoMonth.issueDay)

        let exports = ControlExports(ledger: month.ledger, settings: month.workspace.settings)
        let path = month.folder.appendingPathComponent("restaurants.xlsx").path
        _ = try exports.restaurants(period: DemoMonth.october, to: path)
        let totals = try #require(try Readers.openpyxl(path).first)
        let client = try totals.column("Client"), ttc = try totals.column("Facturé TTC")
        // The ledger's net of the client's October documents, events aside.
        let net: Int64 = try month.ledger.engine.read { db in
            try db.fetchValue(
                Int64.self,
                sql: """
                    SELECT SUM(CASE type WHEN 'credit_note' THEN -total_ttc ELSE total_ttc END) FROM invoice
                    WHERE status = 'issued' AND client = ? AND origin <> 'events' AND period_end BETWEEN '2026-10-01' AND '2026-10-31'
                    """, arguments: [invoice.client]) ?? 0
        }
        let row = try #require(totals.body.first { $0[client]?.text == invoice.client })
        #expect(row[ttc]?.cents == net)
        let documents = try totals.column("Documents")
        let count: Int = try month.ledger.engine.read { db in
            try db.fetchValue(
                Int.self,
                sql: """
                    SELECT COUNT(*) FROM invoice WHERE status = 'issued' AND client = ? AND origin <> 'events'
                      AND period_end BETWEEN '2026-10-01' AND '2026-10-31'
                    """, arguments: [invoice.client]) ?? 0
        }
        #expect(row[documents]?.number == Double(count))
    }
}
