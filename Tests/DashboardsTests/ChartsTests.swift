import BillingModel
import Dashboards
import Foundation
import Testing
import TestSupport

/// The SVG charts of a small fixed data set: golden files (read once by a
/// person), well-formed XML (xmllint), accessible titles, no script.
@Suite struct ChartsSVG {
    static let golden = Repository.root.appendingPathComponent("Tests/DashboardsTests/Golden")

    /// Nine days from Thursday 1 October 2026, a Sunday without revenue, events on two days.
    static var days: [DayFigures] {
        let amounts: [[Activity: Int64]] = [
            [.selfService: 1_234_560, .cafeteria: 210_050, .brasserie: 98_000],
            [.selfService: 1_180_000, .cafeteria: 190_000, .brasserie: 102_550, .events: 450_000],
            [.selfService: 310_000, .cafeteria: 40_000],
            [:],
            [:],
            [.selfService: 1_302_040, .cafeteria: 221_990, .brasserie: 87_500],
            [.selfService: 1_250_000, .cafeteria: 200_000, .brasserie: 91_000, .events: 1_210_075],
            [.selfService: 1_275_500, .cafeteria: 205_500, .brasserie: 95_000],
            [.selfService: 1_199_990, .cafeteria: 198_000, .brasserie: 90_010]
        ]
        return amounts.enumerated().map { i, a in
            var f = RevenueFigures()
            for (k, v) in a { f.amounts[k] = Money(cents: v) }
            return DayFigures(day: day("2026-10-01").adding(days: i), figures: f)
        }
    }

    static func check(_ svg: String, golden name: String) throws {
        Golden.assertMatches(svg, file: golden.appendingPathComponent(name).path)
        #expect(svg.contains("role=\"img\"") && svg.contains("<title id="))
        #expect(
            !svg.lowercased().contains("<script") && !svg.contains("onclick") && !svg.contains("onload")
                && !svg.contains("href"))
    }

    /// The charts equal their golden files (above): each of those is well-formed XML.
    @Test(.enabled(if: Tools.exists("xmllint") || Tools.inCI, "needs xmllint (apt-get install libxml2-utils)"))
    func everyChartIsWellFormedXML() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.golden.path).filter {
            $0.hasSuffix(".svg")
        }.sorted()
        #expect(files == ["cumulative.svg", "daily.svg", "empty.svg", "weekly.svg"])
        for name in files {
            let (status, output) = try Tools.run("xmllint", ["--noout", Self.golden.appendingPathComponent(name).path])
            #expect(status == 0, "xmllint \(name): \(output)")
        }
    }

    @Test func dailyStackedBarsByActivity() throws {
        let svg = Charts.daily(Self.days, title: "Chiffre d'affaires par jour & par activité")
        try Self.check(svg, golden: "daily.svg")
        #expect(svg.contains("<title>jeudi 1 octobre 2026 — Self-service : 12\u{202F}345,60 €</title>"))
        #expect(svg.contains("Événements (HT)"))
        #expect(svg.contains("&amp; par activité"))
    }

    @Test func weeklyStackedBarsCutAtThePeriod() throws {
        let weeks = Dashboard.weeks(Self.days)
        #expect(weeks.map(\.week) == [40, 41])
        #expect(weeks[0].days == Period(start: day("2026-10-01"), end: day("2026-10-04")))
        #expect(
            weeks[0].figures.total
                == Money(
                    cents: 1_234_560 + 210_050 + 98_000 + 1_180_000 + 190_000 + 102_550 + 450_000
                        + 310_000 + 40_000))
        try Self.check(Charts.weekly(weeks, title: "Chiffre d'affaires par semaine"), golden: "weekly.svg")
    }

    @Test func cumulativeLine() throws {
        let running = Dashboard.cumulative(Self.days)
        let total = Self.days.map(\.figures.total).sum()
        #expect(running.last?.figures.total == total)
        // The chart is given each day's own figures, as the dashboard has them, and draws the running total:
        // its last point is the period's total, and no point goes down.
        let svg = Charts.cumulative(Self.days, title: "Chiffre d'affaires cumulé")
        try Self.check(svg, golden: "cumulative.svg")
        #expect(svg.contains("<polyline"))
        let titles = svg.components(separatedBy: "<title>").dropFirst(2).compactMap {
            $0.components(separatedBy: "</title>").first
        }
        #expect(titles.last?.hasSuffix(Charts.euros(total)) == true, "last point: \(titles.last ?? "none")")
    }

    @Test func anEmptyPeriodStillDrawsAValidChart() throws {
        let empty = [DayFigures(day: day("2026-10-01"), figures: RevenueFigures())]
        try Self.check(Charts.daily(empty, title: "Aucun chiffre"), golden: "empty.svg")
    }
}
