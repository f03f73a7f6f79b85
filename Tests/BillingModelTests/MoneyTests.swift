import Testing
@testable import BillingModel

@Suite struct MoneyTests {
    @Test func parsesAndPrints() throws {
        #expect(Money("1,500.00")?.cents == 150_000)
        #expect(Money("23910")?.description == "23910.00")
        #expect(Money("0.001") == nil)
        #expect(Money("1,50.00") == nil)
        #expect(Money(decimalComma: "-3,50")?.cents == -350)
        #expect(Money(cents: 2_391_000).grouped == "23,910.00")
        #expect(Price("24.1667")?.description == "24.1667")
        #expect(Price("2.4091")?.description == "2.4091")
        #expect(Price("45")?.description == "45.00")
        #expect(Percentage("5.5")?.description == "5.5")
        #expect(Percentage(decimalComma: "10,0")?.oneDecimal == "10.0")
    }

    @Test func roundsHalfAwayFromZero() {
        #expect(divideRoundingHalfAwayFromZero(5, 2) == 3)
        #expect(divideRoundingHalfAwayFromZero(-5, 2) == -3)
        #expect(divideRoundingHalfAwayFromZero(4, 3) == 1)
        #expect(divideRoundingHalfAwayFromZero(-4, 3) == -1)
    }

    @Test func worksTheContractsExamples() throws {
        let ten = try #require(Percentage("10"))
        let twenty = try #require(Percentage("20"))
        // guest meals: 260.00 TTC at 10% -> 236.36
        #expect(try #require(Money("260.00")).excludingVAT(at: ten) == Money(cents: 23636))
        // 3,520 covers x 2.35 = 8,272.00
        #expect(try #require(Price("2.35")).times(3520) == Money(cents: 827_200))
        // VAT 10% on 20,008.36 = 2,000.84 ; 20% on 1,584.00 = 316.80
        #expect(try Money(cents: 2_000_836).percent(ten) == Money(cents: 200_084))
        #expect(try Money(cents: 158_400).percent(twenty) == Money(cents: 31_680))
        // 1,200.00 from 15 October: 17/31 -> 658.06
        #expect(try Money(cents: 120_000).prorated(17, over: 31) == Money(cents: 65_806))
        // 60% of 2.35 -> 1.41
        #expect(try #require(Price("2.35")).percent(try #require(Percentage("60"))) == Price("1.41"))
    }

    @Test func paymentTermsBothEndOfMonthModes() throws {
        let issued = try #require(Day(iso: "2026-11-02"))
        #expect(PaymentTerms.daysThenEndOfMonth(30).dueDate(issuedOn: issued).description == "2026-12-31")
        #expect(PaymentTerms.endOfMonthThenDays(30).dueDate(issuedOn: issued).description == "2026-12-30")
        #expect(PaymentTerms.days(61).legalCapExceeded == 60)
        #expect(PaymentTerms.daysThenEndOfMonth(46).legalCapExceeded == 45)
        #expect(PaymentTerms.daysThenEndOfMonth(45).legalCapExceeded == nil)
    }

    @Test func periodsParseAndName() throws {
        let w = try #require(Period(parsing: "2026-W01"))
        #expect(w.description == "2025-12-29..2027-01-04" || w.start.description == "2025-12-29")
        #expect(w.name == "2026-W01")
        let m = try #require(Period(parsing: "2026-02"))
        #expect(m.dayCount == 28 && m.name == "2026-02")
        #expect(Period(parsing: "2026-10-01..2026-10-15")?.dayCount == 15)
        #expect(Period(parsing: "2026-Q4")?.name == "2026-Q4")
        #expect(Period(parsing: "2026-13") == nil)
        #expect(Day(french: "05/10/2026")?.description == "2026-10-05")
        #expect(Day(iso: "2026-10-05")?.isoWeekday == 1)
        #expect(Day(iso: "2026-01-31")?.addingMonths(1).description == "2026-02-28")
    }

    @Test(
        arguments: [
            (Int64(0), 2, 2, ".", nil, "0.00"), (Int64(-5), 2, 2, ".", nil, "-0.05"),
            (Int64(123_456_789), 2, 2, ",", " ", "1 234 567,89"),
            (Int64(-100_000_000), 2, 2, ".", ",", "-1,000,000.00"), (Int64(175_750), 4, 0, ".", nil, "17.575"),
            (Int64(200_000), 4, 0, ".", nil, "20"),
            (Int64(55_000), 4, 1, ",", nil, "5,5"), (Int64(999), 2, 2, ".", ",", "9.99"),
            (Int64(100_000), 2, 2, ".", "\u{202F}", "1\u{202F}000.00")
        ] as [(Int64, Int, Int, Character, Character?, String)])
    func decimalsPrintExactly(
        value: Int64, scale: Int, minimum: Int, separator: Character, group: Character?, expected: String
    ) {
        #expect(
            DecimalText.format(
                value, scale: scale, minimumFraction: minimum, decimalSeparator: separator, groupSeparator: group)
                == expected)
    }
}
