import BillingModel
import Dashboards
import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

/// The aggregate's event rows follow an order's current revision: delivered
/// on a day at order prices HT (rounded per line), moved to another day,
/// cancelled; an older revision arriving late changes nothing.
@Suite struct EventRevenue {

    static func order(revision: Int, status: String, deliveredAt: String?) -> String {
        let delivered = deliveredAt.map { ",\"delivered_at\":\"\($0)\"" } ?? ""
        return
            "{\"order_id\":\"EVT-T-1\",\"revision\":\(revision),\"client\":\"C0002\",\"site\":\"PA02\",\"po_number\":\"PO1\","
            + "\"event_date\":\"2026-10-05\",\"status\":\"\(status)\"\(delivered),\"lines\":["
            + "{\"article\":\"PDJ\",\"label\":\"Petit-déjeuner\",\"quantity\":2,\"unit_price_ht\":\"10.00\",\"vat_rate\":\"10.0\"},"
            + "{\"article\":\"JUS\",\"label\":\"Jus\",\"quantity\":3,\"unit_price_ht\":\"1.115\",\"vat_rate\":\"5.5\"}]}\n"
    }

    /// Events amount per day of the first week of October, for client C0002.
    static func events(_ ledger: LedgerDatabase) throws -> [Int64] {
        let period = Period(start: day("2026-10-01"), end: day("2026-10-07"))
        return try Dashboard(ledger: ledger).byDay(period: period, selection: Selection(scope: .clients(["C0002"])))
            .map { $0.figures.amount(.events).cents }
    }

    @Test func eventRowsFollowTheCurrentRevision() throws {
        let dir = Repository.temporaryDirectory("dashboards-events")
        let ledger = try TestEngine.newLedger(in: dir, file: "ledger.sqlite")
        let importer = Importer(ledger: ledger)
        func deliver(_ name: String, _ text: String) throws {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            #expect(importer.importFile(at: url).status != .refused)
        }
        // 2 × 10.00 + 3 × 1.115 = 20.00 + 3.345 → 3.35 (rounded per line, half away from zero).
        try deliver(
            "EVT_20261005.jsonl", Self.order(revision: 1, status: "delivered", deliveredAt: "2026-10-05T12:00:00+02:00")
        )
        #expect(try Self.events(ledger) == [0, 0, 0, 0, 2_335, 0, 0])
        try deliver(
            "EVT_20261006.jsonl", Self.order(revision: 2, status: "delivered", deliveredAt: "2026-10-06T12:00:00+02:00")
        )
        #expect(try Self.events(ledger) == [0, 0, 0, 0, 0, 2_335, 0])
        // An older revision arriving late is history: nothing moves.
        try deliver(
            "EVT_20261006_2.jsonl",
            Self.order(revision: 1, status: "delivered", deliveredAt: "2026-10-05T12:00:00+02:00"))
        #expect(try Self.events(ledger) == [0, 0, 0, 0, 0, 2_335, 0])
        try deliver(
            "EVT_20261007.jsonl", Self.order(revision: 3, status: "cancelled", deliveredAt: "2026-10-06T12:00:00+02:00")
        )
        #expect(try Self.events(ledger) == [0, 0, 0, 0, 0, 0, 0])
        let rows = try ledger.engine.read { db in
            try db.fetchValue(Int64.self, sql: "SELECT COUNT(*) FROM daily_revenue")
        }
        #expect(rows == 0)
    }
}
