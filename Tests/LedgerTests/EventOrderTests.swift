import BillingModel
import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

@Suite struct EventOrderTests {
    @Test func sampleOrdersAreImportedWithExactPrices() throws {
        let (ledger, _) = try freshLedger()
        let importer = EventOrderImporter(ledger: ledger, knownClients: ["C0013", "C0014", "C0025", "C0027"])
        let url = samples.appendingPathComponent("EVT_20261014.jsonl")
        let result = importer.importFile(at: url)
        #expect(result.status == .imported, "\(result)")
        #expect(result.rows == 5)
        #expect(result.rejected.isEmpty)
        let order = try #require(try ledger.currentOrder("EVT-2026-004513"))
        #expect(order.revision.revision == 3)
        #expect(order.revision.poNumber == "4500123470")
        #expect(
            order.lines.map(\.price) == [Price("29.90"), Price("2.675"), Price("1.005"), Price("14.90"), Price("38.5")])
        #expect(order.lines[1].price.tenThousandths == 26_750)
        #expect(order.lines[2].price.tenThousandths == 10_050)
        #expect(order.lines[4].price.tenThousandths == 385_000)
        #expect(order.lines[4].rate == VATRate(whole: 20))
        let coffret = try #require(try ledger.currentOrder("EVT-2026-004514"))
        #expect(coffret.lines[1].price.tenThousandths == 183_350)
        #expect(coffret.lines[1].rate == VATRate(tenThousandths: 55_000))
        let plateau = try #require(try ledger.currentOrder("EVT-2026-004512"))
        #expect(plateau.lines[0].price.tenThousandths == 241_667)
        #expect(plateau.revision.poNumber == nil)
        #expect(plateau.revision.costCenter == nil)
        let october = try #require(Period(parsing: "2026-10"))
        let delivered = try ledger.deliveredOrders(period: october)
        #expect(delivered.map(\.revision.orderId) == ["EVT-2026-004511", "EVT-2026-004513"])
        #expect(delivered.allSatisfy { $0.revision.deliveryDay == Day(year: 2026, month: 10, day: 14) })
        #expect(importer.importFile(at: url).status == .unchanged)
        #expect(try count(ledger, "SELECT COUNT(*) FROM event_order_revision") == 5)
    }

    @Test func revisionsHighestIsCurrentLowerKeptAsHistorySameWithOtherContentIsAConflict() throws {
        let (ledger, dir) = try freshLedger()
        func order(_ revision: Int, quantity: Int, price: String) -> String {
            """
            {"order_id":"EVT-1","revision":\(revision),"client":"C0001","site":"LD01","event_date":"2026-10-20",\
            "status":"confirmed","lines":[{"article":"PDJ","label":"Petit-déjeuner","quantity":\(quantity),\
            "unit_price_ht":\(price),"vat_rate":"10.0"}]}
            """
        }
        let first = dir.appendingPathComponent("EVT_20261015.jsonl")
        try (order(2, quantity: 10, price: "\"7.90\"") + "\n").write(to: first, atomically: true, encoding: .utf8)
        let importer = EventOrderImporter(ledger: ledger)
        #expect(importer.importFile(at: first).status == .imported)
        let second = dir.appendingPathComponent("EVT_20261016.jsonl")
        try [
            order(2, quantity: 99, price: "1"), order(1, quantity: 5, price: "2.675e0"),
            order(3, quantity: 12, price: "7.9")
        ]
        .joined(separator: "\r\n").write(to: second, atomically: true, encoding: .utf8)
        let result = importer.importFile(at: second)
        // Revision 2 again with other lines is a conflict: kept beside the stored one, never dropped.
        #expect(result.status == .conflict, "\(result)")
        #expect(result.conflicts.map(\.line) == [1])
        #expect(
            try count(ledger, "SELECT COUNT(*) FROM event_order_conflict WHERE order_id = 'EVT-1' AND revision = 2")
                == 1)
        #expect(result.rows == 3)
        #expect(result.warnings.map(\.line) == [2])
        let current = try #require(try ledger.currentOrder("EVT-1"))
        #expect(current.revision.revision == 3)
        #expect(current.lines.first?.quantity == 12)
        #expect(current.lines.first?.price == Price("7.90"))
        #expect(try count(ledger, "SELECT COUNT(*) FROM event_order_revision WHERE order_id = 'EVT-1'") == 3)
        // Revision 2 stays as first delivered; revision 1 (history) has its exact exponent price.
        #expect(
            try count(
                ledger,
                """
                SELECT quantity FROM event_order_line l JOIN event_order_revision r ON r.id = l.revision_id
                WHERE r.revision = 2
                """) == 10)
        #expect(
            try count(
                ledger,
                """
                SELECT unit_price FROM event_order_line l JOIN event_order_revision r ON r.id = l.revision_id
                WHERE r.revision = 1
                """) == 26_750)
    }

    @Test func aLineIsCheckedWithoutALedgerAsTheImportChecksIt() {
        let nul =
            #"{"order_id":"E1","revision":1,"client":"C1","site":"LD01","event_date":"2026-10-20","status":"confirmed","lines":[{"article":"A","label":"Champ\u0000HIDDEN","quantity":1,"unit_price_ht":"1.00","vat_rate":"7.0"}]}"#
        let faults = EventOrderImporter.faults(ofLine: Array(nul.utf8))
        #expect(faults?.contains("`lines[0].label` holds the control character U+0000") == true, "\(faults ?? "")")
        #expect(faults?.contains("`lines[0].vat_rate` 7 is not a VAT rate of the settings") == true, "\(faults ?? "")")
        let good = nul.replacingOccurrences(of: #"\u0000HIDDEN"#, with: "").replacingOccurrences(
            of: "7.0", with: "10.0")
        #expect(EventOrderImporter.faults(ofLine: Array(good.utf8)) == nil)
    }

    @Test func theLedgerRefusesAnOrderLinePastTheImportBounds() throws {
        let (ledger, _) = try freshLedger()
        let result = EventOrderImporter(ledger: ledger).importFile(
            at: samples.appendingPathComponent("EVT_20261014.jsonl"))
        #expect(result.status == .imported)
        let revision = try #require(try ledger.currentOrder("EVT-2026-004513")?.revision.id)
        for (quantity, price) in [(1_000_000, 1), (1, 100_000_000_000)] {
            #expect(throws: SQLEngineError.self) {
                try ledger.engine.transaction { db in
                    try db.execute(
                        sql: """
                            INSERT INTO event_order_line (revision_id, line_no, article, label, quantity, unit_price, vat_rate)
                            VALUES (?, 99, 'A', 'x', ?, ?, 100000)
                            """, arguments: [revision, quantity, price])
                }
            }
        }
    }

    @Test func invalidOrdersAreRejectedAtTheirLineWithEveryFault() throws {
        let (ledger, dir) = try freshLedger()
        let lines = [
            #"{"order_id":"E1","revision":1,"client":"C1","site":"LD01","event_date":"2026-10-20","status":"delivered","lines":[{"article":"A","label":"x","quantity":1,"unit_price_ht":"1.00","vat_rate":"10.0"}]}"#,
            #"{"order_id":"E2","revision":1,"client":"C1","site":"LD01","po_number":null,"event_date":"2026-10-20","status":"confirmed","lines":[{"article":"A","label":"x","quantity":0,"unit_price_ht":1.00001,"vat_rate":"10.0"}]}"#,
            #"{"order_id":"E3","revision":1,"client":"C1""#,
            #"{"order_id":"E4","revision":1,"client":"C1","site":"LD01","event_date":"2026-10-20","status":"delivered","delivered_at":"2026-10-20T23:30:00Z","lines":[{"article":"A","label":"x","quantity":2,"unit_price_ht":45,"vat_rate":5.5}]}"#
        ]
        let url = dir.appendingPathComponent("EVT_20261020.jsonl")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let result = EventOrderImporter(ledger: ledger).importFile(at: url)
        #expect(result.status == .imported)
        #expect(result.rows == 1)
        #expect(result.rejected.map(\.line) == [1, 2, 3])
        #expect(result.rejected[0].reason.contains("needs `delivered_at`"))
        #expect(result.rejected[1].reason.contains("`po_number` is null"))
        #expect(result.rejected[1].reason.contains("quantity"))
        #expect(result.rejected[1].reason.contains("1.00001"))
        #expect(result.rejected[2].reason.contains("invalid JSON"))
        #expect(try count(ledger, "SELECT COUNT(*) FROM rejected_row") == 3)
        // 23:30 UTC on 20 October is 21 October in Paris.
        let e4 = try #require(try ledger.currentOrder("E4"))
        #expect(e4.revision.deliveryDay == Day(year: 2026, month: 10, day: 21))
        #expect(e4.lines[0].price == Price("45"))
        #expect(e4.lines[0].rate == VATRate(tenThousandths: 55_000))
    }
}
