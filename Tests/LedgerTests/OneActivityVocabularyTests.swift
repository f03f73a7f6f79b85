import BillingModel
import Foundation
import Testing
import TestSupport
@testable import Ledger

/// One `Activity` for the settings, the ledger's daily revenue and the dashboards: the ledger keeps the codes
/// "v11 daily revenue" stores (`EVENT` for events, where the settings say `EVENTS`), so existing ledgers read.
@Suite struct OneActivityVocabularyTests {
    @Test func eachActivityWithDailyRevenueHasTheCodeTheLedgerStoresAndReadsBack() throws {
        let ledger = try TestEngine.newLedger(in: Repository.temporaryDirectory("activity"))
        #expect(Activity.withDailyRevenue.map(\.dailyRevenueCode) == ["SELF", "CAFET", "BRASS", "EVENT"])
        #expect(Activity.fees.dailyRevenueCode == nil)
        #expect(
            Activity.allCases.map(\.rawValue) == ["SELF", "CAFET", "BRASS", "EVENTS", "FEES"], "the settings' words")
        for a in Activity.withDailyRevenue {
            let code = try #require(a.dailyRevenueCode)
            #expect(Activity(dailyRevenueCode: code) == a)
            try ledger.engine.write { s in
                try s.execute(
                    sql: """
                        INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share) VALUES (1, 'LD01', 'C1', ?, 0, 1, 100, 0)
                        """, arguments: [code])
            }
        }
        // The settings' word is not what the ledger stores: the constraint of "v11 daily revenue" still refuses it.
        #expect(Activity(dailyRevenueCode: "EVENTS") == nil)
        #expect(throws: (any Error).self) {
            try ledger.engine.write { s in
                try s.execute(
                    sql: """
                        INSERT INTO daily_revenue (day, site, client, activity, covers, lines, amount, employer_share) VALUES (2, 'LD01', 'C1', 'EVENTS', 0, 1, 100, 0)
                        """)
            }
        }
    }
}
