import BillingEngine
import BillingModel
@testable import ControlExports
import DemoMonthSupport
import Foundation
import GRDB
@testable import Ledger
import Testing
import TestSupport

/// The control workbooks are read by the finance team in a French spreadsheet: French sheet names and headers,
/// days as real dates shown `jj/mm/aaaa` (never text), amounts as numbers with two decimals; and their totals are
/// the ledger's, credit notes (negative) included.
@Suite(.serialized) struct FrenchWorkbooksTests {
    /// A small month billed, events included, with a credit note on a restaurant invoice and one on an event invoice.
    static func month() throws -> DemoMonth {
        let month = try DemoMonth("french-workbooks", sites: 2, clients: 8, seed: 3)
        let engine = try month.engine()
        var d = DemoMonth.october.start
        while d <= DemoMonth.october.end {
            _ = try engine.billEvents(on: d)
            d = d.adding(days: 1)
        }
        _ = try month.bill(validateAll: true)
        let issued = try month.ledger.invoices(status: .issued)
        let restaurant = try #require(issued.first { $0.origin == .contract && $0.type == .invoice })
        let event = try #require(issued.first { $0.origin == .events && $0.type == .invoice })
        for i in [restaurant, event] {
            _ = try engine.credit(
                invoice: i.number ?? "", selections: [CreditSelection(line: 1, amount: Money(cents: 500))],
                reason: "geste", on: DemoMonth.issueDay, issue: true)
        }
        return month
    }

    /// Words of the English headers the workbooks had: none may be left in a header or a sheet name.
    static let english = [
        "Invoice", "Amount", "Order", "Line", "Label", "Quantity", "Period", "Day", "Revenue", "Unit price",
        "Difference", "Issue", "Employer", "Reason", "Check", "Account", "Rate", "Activity", "Category", "Current",
        "Status", "Delivered", "Cost center", "Billed", "Net HT", "Totals", "Late", "To do", "Result",
        "Series", "First", "Last", "Failures", "Unbilled", "Ordered", "Detail", "Debit", "Credit"
    ]

    /// Checks the French and the types of every sheet: headers, dates, amounts.
    static func expectFrench(_ sheets: [ReadSheet], _ what: String) {
        for s in sheets {
            for word in english {
                #expect(!s.name.contains(word), "\(what): sheet name \(s.name)")
                #expect(!s.header.contains { $0.contains(word) }, "\(what) \(s.name): an English header \(s.header)")
            }
            for row in s.body {
                for (n, c) in row.enumerated() {
                    guard let c else { continue }
                    if c.type == "d" {
                        #expect(c.format == "dd/mm/yyyy", "\(what) \(s.name) \(s.header[n]): \(c.format)")
                    }
                    // A day written as text would not sort nor filter as a date.
                    if c.type == "s", let t = c.text {
                        #expect(
                            t.range(of: #"^\d{4}-\d{2}-\d{2}$|^\d{2}/\d{2}/\d{4}$"#, options: .regularExpression)
                                == nil,
                            "\(what) \(s.name) \(s.header[n]): a date as text \(t)")
                    }
                }
            }
            // Amounts (HT, TTC, VAT, employer share, debit and credit) are numbers with two decimals.
            for (n, title) in s.header.enumerated()
            where !title.hasPrefix("Prix unitaire")
                && (["HT", "TTC", "TVA facturée", "Débit", "Crédit"].contains(where: { title.contains($0) })
                    || title == "TVA" && s.name == "TVA")
            {
                let cells = s.body.compactMap { $0.count > n ? $0[n] : nil }
                #expect(
                    cells.allSatisfy { $0.type == "n" && $0.format == "#,##0.00" },
                    "\(what) \(s.name) \(title): \(cells.prefix(3))")
            }
        }
    }

    @Test(.enabled(if: Readers.openpyxl || Tools.inCI, "openpyxl missing: run .ci/setup"))
    func workbooksAreFrenchWithRealDatesAndTotalsEqualToTheLedger() throws {
        let month = try Self.month()
        let exports = ControlExports(ledger: month.ledger, settings: month.workspace.settings)

        let restaurantsPath = month.folder.appendingPathComponent("restaurants.xlsx").path
        _ = try exports.restaurants(period: DemoMonth.october, to: restaurantsPath)
        let restaurants = try Readers.openpyxl(restaurantsPath)
        #expect(restaurants.map(\.name) == ["Totaux par client", "Lignes de facture", "Tickets"])
        #expect(
            restaurants[0].header == [
                "Client", "Documents", "Lignes de caisse", "Montant des tickets TTC", "Part patronale TTC",
                "Facturé HT", "TVA facturée", "Facturé TTC"
            ])
        Self.expectFrench(restaurants, "restaurants")
        #expect(restaurants[2].body.contains { $0[2]?.type == "d" }, "ticket days are dates")
        // The total row equals the ledger's net of the month's restaurant documents, the credit note deducted.
        let (ht, ttc, notes): (Int64, Int64, Int) = try month.ledger.engine.read { db in
            let r = try #require(
                try db.fetchOne(
                    sql: """
                        SELECT SUM(CASE i.type WHEN 'credit_note' THEN -i.total_ht ELSE i.total_ht END),
                               SUM(CASE i.type WHEN 'credit_note' THEN -i.total_ttc ELSE i.total_ttc END),
                               SUM(CASE WHEN i.type = 'credit_note' THEN 1 ELSE 0 END)
                        FROM invoice i LEFT JOIN invoice c ON c.id = i.credited_invoice_id
                        WHERE i.status = 'issued' AND i.period_end BETWEEN '2026-10-01' AND '2026-10-31'
                          AND i.origin <> 'events' AND COALESCE(c.origin, '') <> 'events'
                        """))
            return try (r[0], r[1], r[2])
        }
        #expect(notes == 1, "the restaurant credit note is October's")
        let totals = restaurants[0]
        let total = try #require(totals.body.last)
        #expect(total[0]?.text == "Total")
        let htColumn = try totals.column("Facturé HT"), ttcColumn = try totals.column("Facturé TTC")
        #expect(total[htColumn]?.cents == ht && total[ttcColumn]?.cents == ttc)
        let lines = restaurants[1]
        let typeColumn = try lines.column("Type")
        let types = Set(lines.body.compactMap { $0[typeColumn]?.text })
        #expect(types == ["facture", "avoir"], "\(types)")
        #expect(lines.body.compactMap { $0[6]?.type }.allSatisfy { $0 == "d" }, "period start is a date")

        let eventsPath = month.folder.appendingPathComponent("events.xlsx").path
        _ = try exports.events(period: DemoMonth.october, to: eventsPath)
        let events = try Readers.openpyxl(eventsPath)
        #expect(events.map(\.name) == ["Commandes", "Lignes de commande", "Documents"])
        Self.expectFrench(events, "events")
        let documents = events[2]
        let net = try documents.column("Montant HT"), type = try documents.column("Type")
        #expect(
            documents.body.contains { $0[type]?.text == "avoir" && ($0[net]?.cents ?? 0) < 0 },
            "the event credit note, negative")
        let invoiced: Int64 = try month.ledger.engine.read { db in
            try db.fetchValue(
                Int64.self,
                sql: """
                    SELECT SUM(CASE i.type WHEN 'credit_note' THEN -l.net ELSE l.net END) FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
                    WHERE i.status = 'issued' AND l.order_id IS NOT NULL
                    """) ?? 0
        }
        #expect(documents.body.compactMap { $0[net]?.cents }.reduce(0, +) == invoiced)

        let engine = try month.workspace.engine(today: DemoMonth.issueDay)
        let report = try engine.unbilled(period: DemoMonth.october, issueDate: DemoMonth.issueDay)
        let unbilledPath = month.folder.appendingPathComponent("unbilled.xlsx").path
        _ = try ControlExports.unbilled(report, to: unbilledPath)
        let unbilled = try Readers.openpyxl(unbilledPath)
        #expect(unbilled.map(\.name).prefix(2) == ["Non facturé", "Revenus tardifs"])
        Self.expectFrench(unbilled, "unbilled")
        #expect(unbilled[0].body.last?[3]?.cents == report.totalTTC.cents)

        let closing = try engine.closingReport(month: DemoMonth.october, today: DemoMonth.issueDay)
        let closingPath = month.folder.appendingPathComponent("closing.xlsx").path
        _ = try ControlExports.closing(closing, to: closingPath)
        let closingSheets = try Readers.openpyxl(closingPath)
        #expect(closingSheets.map(\.name) == ["Contrôles", "Documents", "Activités", "TVA", "Comptes"])
        Self.expectFrench(closingSheets, "closing")
        #expect(closingSheets[2].body.last?[1]?.cents == closing.totalHT.cents)
    }
}
