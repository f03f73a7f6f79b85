@testable import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// Billing reads a window's revenue on every core (the site-days cut into parts, each read by its own
/// connection) and evaluates the contracts on every core: the revenue and the drafts are the ones a single scan
/// and an evaluation one contract after the other give.
@Suite struct ParallelRevenueTests {
    static let october = Period(parsing: "2026-10")!

    @Test func theRevenueReadInPartsIsTheRevenueReadInOnePass() throws {
        let s = try Scratch()
        for (i, d) in ["01", "02", "05", "06", "07", "08", "09", "12"].enumerated() {
            try s.write(
                "PIE_LD01_202610\(d).csv",
                EndToEndTests.registerFile(
                    day: "2026-10-\(d)", a: 100 + i, b: 50 + 3 * i, c: 25,
                    guests: Array(repeating: "13,00", count: i)))
        }
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let caps = [ClientCategory(client: "ACME", category: "A"): Money(cents: 420)]
        let whole = try ledger.periodRevenue(period: Self.october, caps: caps)
        #expect(whole.days.count > 8)
        let loader = RevenueLoader(ledger: ledger)
        for parts in [1, 2, 3, 8] {
            let cut = try loader.scanInParallel(
                files: ledger.currentFiles(period: Self.october), caps: caps, parts: parts)
            #expect(cut.days == whole.days, "\(parts) parts")
            #expect(
                Set(cut.trays.map { "\($0)" }) == Set(whole.trays.map { "\($0)" })
                    && cut.trays.count == whole.trays.count)
        }
        // The drafts of every contract evaluated on every core: those of each contract evaluated one after the other.
        let engine = try s.engine(ledger, day("2026-11-02"))
        let plan = engine.plan(period: Self.october, explicitRange: false, only: nil)
        let together = try engine.draft(plan, issueDate: day("2026-11-02"))
        let revenue = try RevenueLoader(ledger: ledger).load(
            window: Self.october, contracts: engine.contracts.mapValues(\.contract),
            knownClients: Set(s.workspace.settings.clients.map(\.code)))
        var oneByOne: [NewInvoice] = []
        for (compiled, period) in plan {
            let one = engine.draftOne(
                compiled, period: period, issueDate: day("2026-11-02"),
                revenue: revenue.byClient[compiled.contract.client] ?? .init())
            if case .drafts(let drafts) = one.outcome { oneByOne += drafts }
        }
        #expect(!together.drafts.isEmpty && together.failures.isEmpty)
        #expect(together.drafts.map(\.generationKey) == oneByOne.map(\.generationKey))
        #expect(together.drafts.map(\.lines) == oneByOne.map(\.lines))
    }
}
