import BillingModel
import Testing

/// Money arithmetic never traps: every operation on amounts gives the exact
/// result when it fits in cents (or ten-thousandths) and an error otherwise,
/// checked against a wide reference over extreme values.
@Suite struct MoneyArithmeticNeverTraps {
    static let extremes: [Int64] = [
        .min, .min + 1, -92_233_720_368_547_758, -1_000_000_000_000, -1, 0, 1, 99, 100, 1_000_000_000_000,
        92_233_720_368_547_758, .max - 1, .max
    ]
    static let quantities: [Int] = [
        .min, -2_147_483_647, -999_999, -1, 0, 1, 2, 999_999, 1_000_000_000, 2_147_483_647, .max
    ]

    /// The reference as an Int64, nil when it does not fit.
    static func fit(_ v: Int128) -> Int64? { Int64(exactly: v) }

    /// The reference: the quotient rounded half away from zero, in a type wider than both operands.
    static func rounded(_ n: Int128, _ d: Int128) -> Int128 { divideRoundingHalfAwayFromZero(n, d) }

    @Test func sumsAndDifferencesFitOrSaySo() {
        for a in Self.extremes {
            for b in Self.extremes {
                let sum = Int128(a) + Int128(b), difference = Int128(a) - Int128(b)
                let added = try? Money(cents: a).adding(Money(cents: b))
                let subtracted = try? Money(cents: a).subtracting(Money(cents: b))
                #expect(added?.cents == Self.fit(sum), "\(a) + \(b)")
                #expect(subtracted?.cents == Self.fit(difference), "\(a) - \(b)")
            }
            let negated = try? Money(cents: a).negated()
            let expected: Int64? = a == .min ? nil : -a
            #expect(negated?.cents == expected)
        }
        #expect(throws: MoneyOverflow.self) { try [Money(cents: .max), Money(cents: 1)].checkedSum() }
    }

    @Test func lineNetsFitOrSaySo() {
        for t in Self.extremes {
            for q in Self.quantities {
                let reference = Self.rounded(Int128(t) * Int128(q), 100)
                let net = try? Price(tenThousandths: t).times(q)
                #expect(net?.cents == Self.fit(reference), "\(q) × \(t)")
                for rate in [Percentage.zero, Percentage(whole: 10), Percentage(whole: 20)] {
                    let wide = Int128(t).multipliedReportingOverflow(by: Int128(q))
                    let n = wide.partialValue.multipliedReportingOverflow(by: Percentage.hundred)
                    let ttc = try? Price(tenThousandths: t).times(q, excludingVATAt: rate)
                    if wide.overflow || n.overflow {
                        #expect(ttc == nil)
                    } else {
                        let r = Self.rounded(n.partialValue, (Percentage.hundred + Int128(rate.tenThousandths)) * 100)
                        #expect(ttc?.cents == Self.fit(r), "\(q) × \(t) TTC at \(rate)")
                    }
                }
            }
        }
    }

    @Test func percentagesAndProrationsFitOrSaySo() {
        let rates: [Int64] = [.min, -1_000_000, 0, 55_000, 200_000, 1_000_000, 99_999_999, .max]
        for a in Self.extremes {
            for r in rates {
                let reference = Self.rounded(Int128(a) * Int128(r), Percentage.hundred)
                let share = try? Money(cents: a).percent(Percentage(tenThousandths: r))
                #expect(share?.cents == Self.fit(reference), "\(r) of \(a)")
                let price = try? Price(tenThousandths: a).percent(Percentage(tenThousandths: r))
                #expect(price?.tenThousandths == Self.fit(reference), "\(r) of price \(a)")
                let denominator = Percentage.hundred + Int128(r)
                let ht = try? Money(cents: a).excludingVAT(at: Percentage(tenThousandths: r))
                if denominator <= 0 {
                    #expect(ht == nil, "\(a) at \(r) % VAT")
                } else {
                    let r2 = Self.rounded(Int128(a) * Percentage.hundred, denominator)
                    #expect(ht?.cents == Self.fit(r2), "\(a) at \(r) % VAT")
                }
            }
            for (n, d) in [(17, 31), (Int.max, 1), (Int.min, 1), (1, 0), (31, 31)] {
                let p = try? Money(cents: a).prorated(n, over: d)
                if d == 0 { #expect(p == nil); continue }
                let reference = Self.rounded(Int128(a) * Int128(n), Int128(d))
                #expect(p?.cents == Self.fit(reference), "\(a) × \(n)/\(d)")
            }
            let asPrice = try? Money(cents: a).asPrice
            #expect(asPrice?.tenThousandths == Self.fit(Int128(a) * 100))
        }
    }

    @Test func theIssuesFiguresAreErrorsNotTraps() {
        // An event order line of 2147483647 × 99999999.9999 (Compiler.swift:499 trapped on it).
        #expect(throws: MoneyOverflow.self) { try Price(tenThousandths: 999_999_999_999).times(2_147_483_647) }
        // VAT of a base near the largest amount (Money.percent trapped).
        #expect(throws: MoneyOverflow.self) { try Money(cents: .max).percent(Percentage(whole: 101)) }
        // Totals of two lines that each fit but not together.
        #expect(throws: MoneyOverflow.self) {
            try InvoiceTotals(lines: [
                (net: Money(cents: .max), vat: Percentage.zero), (net: Money(cents: 1), vat: Percentage.zero)
            ])
        }
        #expect(throws: MoneyOverflow.self) {
            try InvoiceTotals(lines: [(net: Money(cents: .max / 10 * 9), vat: Percentage(whole: 20))])
        }
        #expect(
            (try? InvoiceTotals(lines: [(net: Money(cents: 100), vat: Percentage(whole: 20))]))?.totalTTC
                == Money(cents: 120))
    }

    @Test func boundedLinesAlwaysFitAndSoDoTheirSums() throws {
        // The largest line typed within the bounds, and nine thousand of them, fit.
        let largest = try AmountLimits.maxUnitPrice.times(AmountLimits.maxQuantity)
        #expect(largest == Money(cents: 999_998_999_990_000))
        #expect(try Array(repeating: largest, count: 9_000).checkedSum().cents > 0)
        #expect(
            try InvoiceTotals(lines: Array(repeating: (net: largest, vat: Percentage(whole: 20)), count: 1000)).totalTTC
                .cents > 0)
        try AmountLimits.checkTyped(
            line: 1, quantity: AmountLimits.maxQuantity, unitPrice: AmountLimits.maxUnitPrice, document: "d")
        try AmountLimits.checkTyped(
            line: 1, quantity: -AmountLimits.maxQuantity,
            unitPrice: Price(tenThousandths: -AmountLimits.maxUnitPrice.tenThousandths), document: "d")
        #expect(throws: AmountRefusal.self) {
            try AmountLimits.checkTyped(line: 1, quantity: 1_000_000, unitPrice: .zero, document: "d")
        }
        #expect(throws: AmountRefusal.self) {
            try AmountLimits.checkTyped(
                line: 1, quantity: 1, unitPrice: Price(tenThousandths: 100_000_000_000), document: "d")
        }
    }
}

/// The sign rules and the settings' limits on a document's amounts.
@Suite struct DocumentAmountRules {
    let limits = AmountLimits.standard
    let twenty = Percentage(whole: 20)

    func reason(_ lines: [Int64], creditNote: Bool = false, positiveLines: Bool = false) -> AmountRefusal.Reason? {
        do {
            _ = try limits.check(
                lines.map { (net: Money(cents: $0), vat: twenty) }, creditNote: creditNote,
                positiveLines: positiveLines,
                document: "the manual invoice for C0001")
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func anInvoiceIsNeverNegativeButMayBeZero() {
        #expect(
            reason([-9_999_999_999_999])
                == .lineAboveLimit(line: 1, net: Money(cents: -9_999_999_999_999), limit: limits.maxLineHT))
        #expect(reason([10_000, -20_000]) == .negativeInvoice(ttc: Money(cents: -12_000)))
        #expect(reason([10_000, -10_000]) == nil)  // the engine's zero-sum event difference invoices
        #expect(reason([10_000, -5_000]) == nil)  // a discount line on an invoice
    }

    @Test func aCreditNoteTypedInHasPositiveLines() {
        #expect(
            reason([10_000, -5_000], creditNote: true, positiveLines: true)
                == .negativeCreditLine(line: 2, net: Money(cents: -5_000)))
        #expect(reason([-10_000], creditNote: true) == .negativeCreditNote(ttc: Money(cents: -12_000)))
        #expect(reason([10_000], creditNote: true, positiveLines: true) == nil)
    }

    @Test func linesAndDocumentsPastTheLimitsAreNamed() {
        #expect(reason([50_000_000]) == nil)
        #expect(
            reason([50_000_001]) == .lineAboveLimit(line: 1, net: Money(cents: 50_000_001), limit: limits.maxLineHT))
        #expect(reason([40_000_000, 40_000_000]) == nil)  // 960,000.00 TTC
        #expect(
            reason([40_000_000, 40_000_000, 10_000_000])
                == .documentAboveLimit(ttc: Money(cents: 108_000_000), limit: limits.maxDocumentTTC))
        let text = AmountRefusal(
            document: "proforma 12 of C0002",
            reason: .documentAboveLimit(ttc: Money(cents: 108_000_000), limit: limits.maxDocumentTTC))
        #expect(
            text.description
                == "proforma 12 of C0002: 1,080,000.00 TTC is beyond the limit of 1,000,000.00 TTC per document (`limits: max_document_ttc` in the settings)"
        )
        #expect(text.exitStatus == 2)
    }
}
