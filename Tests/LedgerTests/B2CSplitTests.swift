import BillingModel
import Testing
import TestSupport
@testable import Ledger

/// The e-reported B2C totals split TTC into net and VAT with the engine's one rounding, and a total past what
/// 64-bit cents times a million can hold is split, never a trap.
@Suite struct B2CSplitTests {
    @Test func aDayIsSplitWithTheOneRoundingAndAHugeOneDoesNotTrap() throws {
        let day = B2CDayTotal(day: day("2026-10-05"), vatRate: 100_000, paidTTC: 1_100, lines: 1)
        #expect(try day.net == 1_000 && day.vat == 100)
        let halfCent = B2CDayTotal(day: day.day, vatRate: 55_000, paidTTC: 211, lines: 1)  // 211 / 1.055 = 200.0
        #expect(try halfCent.net + halfCent.vat == 211)
        let huge = B2CDayTotal(day: day.day, vatRate: 100_000, paidTTC: 9_000_000_000_000_000, lines: 1)
        let (net, vat) = (try huge.net, try huge.vat)
        #expect(net + vat == huge.paidTTC && net < huge.paidTTC, "\(net)")
    }
}
