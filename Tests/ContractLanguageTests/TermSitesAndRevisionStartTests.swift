import BillingModel
import ContractLanguage
import Testing

/// Terms bound to some of the contract's sites (`at sites`), and index
/// revisions that start in a given year (`revised … from 2026`).
@Suite struct TermSitesAndRevisionStartTests {
    static var context: ContractContext { Fixtures.context }

    /// The fixture's names, with Orbital (C0025, two sites) also billed a daily guarantee.
    static var withGuarantee: ContractContext {
        var c = Fixtures.context
        c.clients["C0025"]?.revenueTypes.append("GARANTIE")
        return c
    }

    static let header = """
        client C0025
          sites LD01, LD02
          valid from 2026-01-01
          invoice monthly, one invoice per client
          payment 30 days
          validation by an accountant
          not billed: FRAIS

        """

    static func evaluate(_ text: String, period: String, days: [RevenueDay], context: ContractContext = context) throws
        -> [BilledLine]
    {
        let file = CheckedFile(path: "test.ard", text: text, context: context)
        let contract = try #require(file.contract, "\(file.diagnostics.map(\.message))")
        let p = try #require(Period(parsing: period))
        return try CompiledContract(contract, indexSeries: context.indexSeries)
            .evaluate(period: p, issueDate: p.end.adding(days: 1), revenue: ClientRevenue(days: days)).lines
    }

    @Test func aGuaranteeSignedForOneSiteBillsOnlyThatSitesShortfall() throws {
        let text =
            Self.header + """
                  subsidy per cover at 10% VAT
                    category A: 4.20 HT
                    category STA: nothing
                  admission fee 2.35 HT per cover at 10% VAT
                  minimum guarantee 250 covers per day, shortfall at 1.50 HT per cover at 10% VAT
                    at site LD01
                """
        let d = Day(iso: "2026-10-05")!
        let lines = try Self.evaluate(
            text, period: "2026-10",
            days: [
                RevenueDay(site: "LD01", day: d, covers: ["A": 200]),
                RevenueDay(site: "LD02", day: d, covers: ["A": 100])
            ], context: Self.withGuarantee)
        let guarantee = lines.filter { $0.label.hasPrefix("Minimum garanti") }
        // 50 covers short at LD01; LD02 (100 covers) has no guarantee.
        #expect(guarantee.map(\.label) == ["Minimum garanti LD01"])
        #expect(guarantee.map(\.net) == [Money(cents: 7_500)])
        #expect(guarantee[0].explanation.hasSuffix("(only at site LD01)"))
        // The admission fee, not bound, bills both sites' covers.
        #expect(lines.filter { $0.label == "Droit d'admission" }.map(\.quantity) == [300])
    }

    @Test func subsidiesThatDifferPerRestaurantDoNotOverlap() throws {
        let text =
            Self.header + """
                  subsidy per cover at 10% VAT
                    category A: 4.20 HT
                    category STA: nothing
                    at site LD01
                  subsidy per cover at 10% VAT
                    category A: 3.90 HT
                    category STA: nothing
                    at site LD02
                  admission fee 2.35 HT per cover at 10% VAT
                """
        let d = Day(iso: "2026-10-05")!
        let lines = try Self.evaluate(
            text, period: "2026-10",
            days: [
                RevenueDay(
                    site: "LD01", day: d, covers: ["A": 200],
                    employerShare: ["A": [Percentage(whole: 10): Money(cents: 84_000)]]),
                RevenueDay(
                    site: "LD02", day: d, covers: ["A": 100],
                    employerShare: ["A": [Percentage(whole: 10): Money(cents: 39_000)]])
            ])
        #expect(
            lines.filter { $0.label.hasPrefix("Subvention") }.map(\.net) == [Money(cents: 84_000), Money(cents: 39_000)]
        )

        // The same site twice: the same revenue priced twice.
        let twice = CheckedFile(
            path: "test.ard", text: text.replacingOccurrences(of: "at site LD02", with: "at sites LD02, LD01"),
            context: Self.context)
        #expect(twice.diagnostics.map(\.code).contains("E0403"))
    }

    @Test func aSubsidyBoundToOneSiteReportsTheOtherSitesShareAsUnbilled() throws {
        let text =
            Self.header + """
                  subsidy per cover at 10% VAT
                    category A: 4.20 HT
                    category STA: nothing
                    at site LD01
                  admission fee 2.35 HT per cover at 10% VAT
                """
        let file = CheckedFile(path: "test.ard", text: text, context: Self.context)
        let contract = try #require(file.contract)
        let d = Day(iso: "2026-10-05")!
        let evaluation = try CompiledContract(contract, indexSeries: [:]).evaluate(
            period: Period(parsing: "2026-10")!, issueDate: Day(iso: "2026-11-02")!,
            revenue: ClientRevenue(days: [
                RevenueDay(
                    site: "LD02", day: d, covers: ["A": 10],
                    employerShare: ["A": [Percentage(whole: 10): Money(cents: 4_200)]])
            ]))
        #expect(evaluation.unbilled.map(\.site) == ["LD02"])
        #expect(evaluation.unbilled.map(\.amountTTC) == [Money(cents: 4_200)])
    }

    @Test func termSitesAreFormattedCanonicallyAndIdempotently() throws {
        let text =
            Self.header + """
                  admission fee 2.35 HT per cover at 10% VAT
                        AT   SITES LD01
                  subsidy per cover at 10% VAT
                    category A: 4.20 HT
                    category STA: nothing
                    at site LD01 ,LD02
                """
        let file = CheckedFile(path: "test.ard", text: text, context: Self.context)
        let formatted = try #require(Formatter.format(file))
        #expect(formatted.contains("\n    at site LD01\n"))
        #expect(formatted.contains("\n    at sites LD01, LD02\n"))
        let again = CheckedFile(path: "test.ard", text: formatted, context: Self.context)
        #expect(Formatter.format(again) == formatted)
    }

    static func revisionContract(from year: String) -> String {
        """
        client C0025
          sites LD01, LD02
          valid from 2024-03-01
          invoice monthly, one invoice per client
          payment 30 days
          validation by an accountant
          not billed: FRAIS

          subsidy per cover at 10% VAT
            category A: 4.20 HT
            category STA: nothing
          admission fee 2.35 HT per cover at 10% VAT
            revised each year on 1 January\(year) by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 100), I of 4 months before
        """
    }

    @Test func noRevisionBeforeTheFirstYear() throws {
        let text = Self.revisionContract(from: " from 2026")
        let october = { (period: String, day: String) in
            try Self.evaluate(
                text, period: period, days: [RevenueDay(site: "LD01", day: Day(iso: day)!, covers: ["A": 100])]
            )
            .filter { $0.label == "Droit d'admission" }.map(\.unitPrice)
        }
        // 2025: not revised on 1 January 2025 (the first revision is in 2026).
        #expect(try october("2025-10", "2025-10-10") == [Price("2.35")!])
        // 2026: revised with September 2025 (118.2): 2.35 × (0.15 + 0.85 × 118.2 / 100) = 2.7135.
        #expect(try october("2026-10", "2026-10-10") == [Price("2.7135")!])
    }

    @Test func lintAsksOnlyForTheIndexValuesFromTheFirstRevisionOn() throws {
        // A series published from January 2025 only.
        var context = Self.context
        context.indexSeries["ILC-RESTO"] = context.indexSeries["ILC-RESTO"]?.filter { $0.key >= "2025-01" }
        let first = CheckedFile(path: "test.ard", text: Self.revisionContract(from: " from 2026"), context: context)
        #expect(first.diagnostics.isEmpty, "\(first.diagnostics.map(\.message))")
        #expect(first.contract != nil)
        // Without `from 2026`, the revision of 1 January 2025 needs September 2024.
        let every = CheckedFile(path: "test.ard", text: Self.revisionContract(from: ""), context: context)
        #expect(every.diagnostics.map(\.code) == ["E0802"])
        #expect(every.diagnostics.first?.message.contains("2024-09") == true)
    }

    @Test func missingIndexMonthsAreOneDiagnosticPerRevisionLine() throws {
        var context = Self.context
        context.indexSeries["ILC-RESTO"] = [:]
        context.today = Day(iso: "2026-11-23")!
        let text = Self.revisionContract(from: "").replacingOccurrences(
            of: "valid from 2024-03-01", with: "valid from 2020-03-01")
        let file = CheckedFile(path: "test.ard", text: text, context: context)
        #expect(file.diagnostics.map(\.code) == ["E0802"])
        #expect(file.diagnostics[0].message.contains("2020-09, 2021-09, 2022-09, 2023-09, 2024-09, 2025-09"))
    }

    @Test func anExampleChecksAPayersOwnDueDate() throws {
        let rules = try Fixtures.ruleFiles()
        let set = RuleSet(files: rules, context: Fixtures.context)
        let helios = try #require(set.contracts["C0013"])
        #expect(helios.paymentTerms(for: "C0013-CSE") == .onReceipt)
        #expect(helios.paymentTerms(for: nil) == .days(45))
        let wrong = try #require(rules.first { $0.path.hasSuffix("c0013-helios.ard") })
        let edited = wrong.text.replacingOccurrences(
            of: "expect due 2026-11-02 for C0013-CSE", with: "expect due 2026-12-17 for C0013-CSE")
        let contract = try #require(CheckedFile(path: wrong.path, text: edited, context: Fixtures.context).contract)
        let results = ExampleRunner.run(contract, indexSeries: Fixtures.context.indexSeries)
        #expect(
            results[0].failures.contains {
                $0.contains("due date for C0013-CSE: expected 2026-12-17, computed 2026-11-02")
            })
    }
}
