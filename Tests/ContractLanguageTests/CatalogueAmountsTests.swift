import BillingModel
@testable import ContractLanguage
import Testing

/// The amounts `grammar/contract-terms.md` says must come out exactly.
@Suite struct CatalogueAmountsTests {
    func evaluate(
        _ text: String, period: String, issued: String = "2026-11-02", days: [RevenueDay] = [],
        orders: [EventOrder] = []
    ) throws -> Evaluation {
        let (contract, file) = Fixtures.contract(text)
        let c = try #require(contract, "\(file.diagnostics.map(\.message))")
        return try CompiledContract(c, indexSeries: Fixtures.context.indexSeries)
            .evaluate(
                period: try #require(Period(parsing: period)), issueDate: try #require(Day(iso: issued)),
                revenue: ClientRevenue(days: days, orders: orders))
    }

    let header = """
        client C0027
          sites LD01
          valid from 2026-01-01
          invoice monthly, one invoice per client
          payment 30 days
          validation automatic
          not billed: SUBV, DROIT, CAFET

        """

    func day(_ iso: String, covers: Int) -> RevenueDay {
        RevenueDay(site: "LD01", day: Day(iso: iso)!, covers: ["A": covers])
    }

    @Test func graduatedAndVolumeBands() throws {
        for (mode, expected) in [("graduated", 240_000), ("volume", 150_000)] {
            let e = try evaluate(
                header + """
                      fee "Redevance" per month at 20% VAT, \(mode):
                        up to 2,000 covers: 0.60 HT
                        up to 4,000 covers: 0.45 HT
                        above: 0.30 HT
                    """, period: "2026-10", days: [day("2026-10-05", covers: 5000)])
            #expect(e.lines.map(\.net).sum() == Money(cents: Int64(expected)), "\(mode)")
        }
    }

    @Test func bandLimitsAreInclusive() throws {
        let e = try evaluate(
            header + """
                  fee "Redevance" per month at 20% VAT, volume:
                    up to 2,000 covers: 0.60 HT
                    above: 0.30 HT
                """, period: "2026-10", days: [day("2026-10-05", covers: 2000)])
        #expect(e.lines.map(\.net).sum() == Money(cents: 120_000))
    }

    @Test func prorationFromTheFifteenth() throws {
        let text =
            header.replacingOccurrences(of: "valid from 2026-01-01", with: "valid from 2026-10-15") + """
                  fee "Frais de gestion" 1,200.00 HT per month at 20% VAT, in arrears
                """
        let e = try evaluate(text, period: "2026-10")
        #expect(e.lines.map(\.net) == [Money(cents: 65_806)])
    }

    @Test func inAdvanceBillsTheMonthOfTheIssueDate() throws {
        let e = try evaluate(
            header + """
                  fee "Frais de gestion" 1,200.00 HT per month at 20% VAT, in advance
                """, period: "2026-10")
        #expect(e.lines.map(\.label) == ["Frais de gestion novembre 2026"])
    }

    @Test func indexRevision() throws {
        let revision = IndexRevision(
            month: 1, day: 1, series: "X", fixedPart: Percentage("0.15")!, indexedPart: Percentage("0.85")!,
            baseIndex: Percentage("118.2")!, lagMonths: 4)
        #expect(revision.revise(Price("2.35")!, index: Percentage("121.7")!) == Price("2.4091"))
        #expect(revision.referenceMonth(for: Day(iso: "2027-01-01")!) == (2026, 9))
    }

    @Test func floorProratedInAPartialMonth() throws {
        let text =
            header.replacingOccurrences(of: "valid from 2026-01-01", with: "valid from 2026-10-15") + """
                  fee "Frais de gestion" per month at 20% VAT, in arrears: max(1,500.00 HT, 0.45 HT per cover)
                """
        let e = try evaluate(text, period: "2026-10", days: [day("2026-10-20", covers: 100)])
        // 1,500.00 × 17/31 = 822.58
        #expect(e.lines.map(\.net) == [Money(cents: 82_258)])
    }

    @Test func dailyMinimumGuaranteeOnOpenDaysOnly() throws {
        let text = """
            client C0014
              valid from 2026-01-01
              invoice monthly, one invoice per client
              payment 30 days
              validation automatic
              not billed: SUBV, DROIT, EVT
              minimum guarantee 250 covers per day, shortfall at 1.50 HT per cover at 10% VAT
            """
        var closed = RevenueDay(site: "LD01", day: Day(iso: "2026-10-10")!)
        closed.siteOpen = false
        let e = try evaluate(
            text, period: "2026-10",
            days: [
                RevenueDay(site: "LD01", day: Day(iso: "2026-10-05")!, covers: ["A": 200], guestCovers: 10),
                RevenueDay(site: "LD01", day: Day(iso: "2026-10-06")!),  // open, the client had nobody
                closed
            ])
        #expect(e.lines.map(\.quantity) == [290])
        #expect(e.lines.map(\.net) == [Money(cents: 43_500)])
    }

    @Test func missingIndexIsAnErrorNeverAZero() throws {
        var context = Fixtures.context
        context.indexSeries["ILC-RESTO"]?["2026-09"] = nil
        context.today = Day(iso: "2026-01-01")!  // lint date before the revision: lint passes
        let text = """
            client C0025
              valid from 2025-01-01
              invoice monthly, one invoice per client
              payment 30 days
              validation automatic
              not billed: SUBV, FRAIS
              admission fee 2.35 HT per cover at 10% VAT
                revised each year on 1 October by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 1 months before
            """
        let file = CheckedFile(path: "x.ard", text: text, context: context)
        let contract = try #require(file.contract)
        #expect(throws: EvaluationError.self) {
            try CompiledContract(contract, indexSeries: context.indexSeries)
                .evaluate(
                    period: Period(parsing: "2026-10")!, issueDate: Day(iso: "2026-11-02")!,
                    revenue: ClientRevenue(days: [
                        RevenueDay(site: "LD01", day: Day(iso: "2026-10-05")!, covers: ["A": 10])
                    ]))
        }
    }

    @Test func eventDiscountAndDeliveryFee() throws {
        let text = """
            client C0013
              valid from 2026-01-01
              invoice monthly, one invoice per client
              payment 30 days
              validation automatic
              not billed: SUBV, INVIT, CAFET
              events at order prices, one invoice per order
                discount 10% on event lines
                delivery fee 35.00 HT at 20% VAT on orders under 100.00 HT
            """
        let contract = try #require(Fixtures.contract(text).0)
        let compiled = CompiledContract(contract, indexSeries: [:])
        let order = EventOrder(
            id: "E1", revision: 1, site: "LD01", deliveredOn: Day(iso: "2026-10-14")!,
            lines: [
                .init(
                    article: "CANAPE", label: "Canapé", quantity: 41, unitPrice: Price("2.675")!, vat: Percentage("10")!
                )
            ])
        let lines = try compiled.priceOrder(order)
        // 2.675 × 0.9 = 2.4075 ; 41 × 2.4075 = 98.7075 → 98.71 < 100.00: delivery fee
        #expect(lines.map(\.unitPrice) == [Price("2.4075")!, Price("35.00")!])
        #expect(lines.map(\.net) == [Money(cents: 9871), Money(cents: 3500)])
    }

    @Test func unbilledRevenueIsReported() throws {
        let text = """
            client ACME
              valid from 2026-10-10
              invoice monthly, one invoice per client
              payment 30 days
              validation automatic
              not billed: INVIT, DROIT, FRAIS
              subsidy per cover at 10% VAT
                category A: 4.20 HT
            """
        let e = try evaluate(
            text, period: "2026-10",
            days: [
                RevenueDay(
                    site: "LD01", day: Day(iso: "2026-10-05")!, covers: ["A": 1],
                    employerShare: ["A": [Percentage("10")!: Money(cents: 420)]]),
                RevenueDay(
                    site: "LD01", day: Day(iso: "2026-10-12")!, covers: ["B": 1], guestCovers: 1,
                    guestTTC: [Percentage("10")!: Money(cents: 1000)],
                    employerShare: [
                        "B": [Percentage("10")!: Money(cents: 310)], "INV": [Percentage("10")!: Money(cents: 1000)]
                    ])
            ])
        #expect(
            e.unbilled.map(\.reason) == [
                "outside the contract's validity", "employer share of a category no subsidy term prices",
                "guest tickets, no guest term"
            ])
        #expect(e.unbilled.map(\.amountTTC) == [Money(cents: 420), Money(cents: 310), Money(cents: 1000)])
    }
}
