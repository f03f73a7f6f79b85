import Foundation
import BillingModel
import ContractLanguage
import Diagnostics
import Testing
import TestSupport

/// What French finance staff type, and what the language makes of it: the language's spelling
/// read exactly, theirs refused with the spelling to write (the golden files show the messages).
@Suite struct FrenchWritersTests {
    /// The worked example's terms (`rules/acme.ard` without its comments and examples).
    static let acme: String = {
        let url = Repository.root.appendingPathComponent("rules/acme.ard")
        let file = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let terms = file.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(
            separator: "\n")
        return terms.range(of: "\n  example").map { String(terms[..<$0.lowerBound]) + "\n" } ?? terms
    }()

    @Test(arguments: [
        ("4.20", NumberSpelling.plain), ("1,500.00", .plain), ("2000", .plain), ("1.500", .plain),
        ("4,200", .thousandsWithoutDecimals(digits: "4200", decimalReading: "4.20")),
        ("1,500,000", .thousandsWithoutDecimals(digits: "1500000", decimalReading: nil)),
        ("4,20", .decimalComma(asWritten: "4,20", meant: "4.20")),
        ("5,5", .decimalComma(asWritten: "5,5", meant: "5.5")),
        ("0,4500", .decimalComma(asWritten: "0,4500", meant: "0.45")),
        ("1.500,00", .frenchGrouping(meant: "1,500.00")), ("1.500.000", .frenchGrouping(meant: "1,500,000.00")),
        ("1,50,00", .malformed), ("1.2.3", .malformed)
    ])
    func numbersAreClassifiedByHowTheyAreSpelt(_ text: String, _ expected: NumberSpelling) {
        #expect(NumberSpelling.of(text) == expected)
    }

    /// `4,200 HT` is never read as four thousand two hundred: the contract is not built at all.
    @Test func anAmbiguousAmountBuildsNoContract() {
        let (contract, file) = Fixtures.contract(
            Self.acme.replacingOccurrences(of: "category A: 4.20 HT", with: "category A: 4,200 HT"))
        #expect(contract == nil)
        #expect(file.diagnostics.map(\.code) == ["E0114"])
        #expect(file.diagnostics.first?.help == "write `4.20 HT`, or `4,200.00 HT` if thousands were meant")
    }

    /// A count has no decimals: `2,000` covers can only be two thousand, and `1,500.00 HT` is the full form.
    @Test func thousandsCommasAreReadInCountsAndFullAmounts() throws {
        let text =
            Self.acme + """
                  example "October"
                    period 2026-10
                    covers A 2,000, B 1,000, C 500
                    guests 20 tickets, 260.00 TTC
                    expect total 23,910.00 TTC

                """
        let (contract, file) = Fixtures.contract(text)
        let c = try #require(contract, "\(file.diagnostics.map(\.message))")
        let results = ExampleRunner.run(c, indexSeries: [:])
        #expect(results.count == 1 && results.allSatisfy(\.passed), "\(results.map(\.failures))")
    }

    /// The canonical layout groups amounts with decimals and keeps whole numbers as written
    /// (`1,500 HT` would be refused), so formatting never makes a contract invalid.
    @Test func formattingGroupsOnlyAmountsWithDecimals() throws {
        let text =
            Self.acme.replacingOccurrences(of: "max(1,500.00 HT", with: "max(1500.00 HT")
            .replacingOccurrences(of: "admission fee 2.35 HT", with: "admission fee 2.35 HT")
            + "  fee \"Frais fixes\" 1200 HT per month at 20% VAT, in arrears\n"
        let file = CheckedFile(path: "t.ard", text: text, context: ContractContext(today: Fixtures.today))
        let formatted = try #require(Formatter.format(file))
        #expect(formatted.contains("max(1,500.00 HT, 0.45 HT per cover)"))
        #expect(formatted.contains("fee \"Frais fixes\" 1200 HT per month"))
        let again = CheckedFile(path: "t.ard", text: formatted, context: ContractContext(today: Fixtures.today))
        #expect(Formatter.format(again) == formatted)
        #expect(!again.diagnostics.contains { $0.code.hasPrefix("E01") })
    }

    /// A missing index value is needed only by the periods that bill at the revised price: the
    /// contract is built (lint still reports E0802), an earlier period bills, a later one fails.
    @Test func aMissingIndexValueStopsOnlyThePeriodThatUsesIt() throws {
        var context = Fixtures.context
        context.today = try #require(Day(iso: "2027-02-15"))
        let text = Self.acme.replacingOccurrences(
            of: "  admission fee 2.35 HT per cover at 10% VAT\n",
            with: """
                  admission fee 2.35 HT per cover at 10% VAT
                    revised each year on 1 February from 2027 by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 1 months before

                """)
        let file = CheckedFile(path: "t.ard", text: text, context: context)
        #expect(file.diagnostics.map(\.code) == ["E0802"])
        let contract = try #require(file.contract)
        let compiled = CompiledContract(contract, indexSeries: context.indexSeries)
        var day = RevenueDay(site: "LD01", day: try #require(Day(iso: "2027-01-10")))
        day.covers = ["A": 10]
        let january = try #require(Period(parsing: "2027-01"))
        let lines = try compiled.evaluate(
            period: january, issueDate: january.end.adding(days: 1), revenue: ClientRevenue(days: [day])
        ).lines
        #expect(lines.contains { $0.label == "Droit d'admission" && $0.net == Money(cents: 2350) })
        let february = try #require(Period(parsing: "2027-02"))
        day.day = try #require(Day(iso: "2027-02-10"))
        #expect(throws: EvaluationError.self) {
            try compiled.evaluate(
                period: february, issueDate: february.end.adding(days: 1), revenue: ClientRevenue(days: [day]))
        }
        // Before the revision day, the same contract is a warning only.
        context.today = try #require(Day(iso: "2027-01-20"))
        let early = CheckedFile(path: "t.ard", text: text, context: context)
        #expect(early.diagnostics.map(\.code) == ["W0802"] && early.contract != nil)
    }

    /// Every syntax error says how its statement is written (E0102 had no help in 71 of 75 cases).
    @Test func everySyntaxErrorHasHelp() {
        let broken = [
            "  payment 45 jours", "  invoice monthly per client", "  validation automatically", "  sites LD01 LD02",
            "  subsidy per cover 10% VAT", "  guest meals billed", "  cafeteria participation 20%",
            "  minimum guarantee 250 covers",
            "  events at order prices", "  not billed CAFET", "  valid from 2026-01-01 until"
        ]
        for line in broken {
            let text = Self.acme.replacingOccurrences(
                of: "  validation by an accountant\n", with: "  validation by an accountant\n" + line + "\n")
            let file = CheckedFile(path: "t.ard", text: text, context: Fixtures.context)
            let syntax = file.diagnostics.filter { $0.code.hasPrefix("E01") }
            #expect(!syntax.isEmpty, "\(line)")
            #expect(syntax.allSatisfy { $0.help != nil }, "\(line): \(syntax.map(\.message))")
        }
    }

    /// A sixth of a megabyte of price changes on one line is checked in linear time (it took 4.8 s):
    /// the columns of an ASCII line are offsets, not counted character by character.
    @Test func aLongLineOfPriceChangesIsChecked() {
        var changes = ""
        var d = Day(iso: "2026-01-02")!
        for i in 0..<5000 {
            changes += ", then \(4 + i % 3).\(10 + i % 80) HT from \(d)"
            d = d.adding(days: 1)
        }
        let text = Self.acme.replacingOccurrences(of: "category A: 4.20 HT", with: "category A: 4.20 HT" + changes)
        let file = CheckedFile(path: "t.ard", text: text, context: Fixtures.context)
        #expect(file.diagnostics.isEmpty, "\(file.diagnostics.prefix(3).map(\.message))")
    }
}
