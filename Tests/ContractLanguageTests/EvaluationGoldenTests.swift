import BillingModel
import ContractLanguage
import Foundation
import Testing
import TestSupport

/// Every field of what compiled contracts bill (labels, amounts, explanations,
/// unbilled revenue, notes) on varied revenue, pinned in a golden file, so
/// that work on the compiler's speed cannot change a bill unseen.
@Suite struct EvaluationGoldenTests {
    static let golden = Repository.root.appendingPathComponent(
        "Tests/ContractLanguageTests/Golden/Evaluation/evaluations.txt")

    /// Contracts beyond rules/: every kind of term, per site, dated terms, TTC prices, shares.
    static let extra: [(String, String)] = [
        (
            "orbital-variant.ard",
            """
            client C0025
              sites LD01, LD02
              valid from 2026-03-01 until 2026-10-20
              invoice monthly, one invoice per client and site
              payment 30 days
              validation automatic
              not billed: EVT

              subsidy per cover at 10% VAT
                category A: 4.20 HT, then 4.40 HT from 2026-10-10, then 4.60 HT from 2026-10-18
                category STA: nothing
              admission fee 2.50 TTC per cover at 10% VAT, client pays 60%
                applies from 2026-09-20
              fee "Frais de gestion" per month at 20% VAT, in arrears: max(1,500.00 HT, 0.45 HT per cover)
              fee "Redevance de service" per quarter at 20% VAT, volume:
                up to 3,000 covers: 0.60 HT
                above: 0.30 HT

            """
        ),
        (
            "orbital-quarterly.ard",
            """
            client C0025
              sites LD01, LD02
              valid from 2025-01-01
              invoice quarterly, one invoice per client
              payment 30 days
              validation automatic

              subsidy per cover at 10% VAT
                category A: 4.75 TTC
                category STA: 2.10 HT
                applies from 2025-01-01 until 2026-10-12
              admission fee 2.35 HT per cover at 10% VAT
                revised each year on 15 October by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 2 months before
              fee "Frais de gestion" 900.00 HT per month at 20% VAT, in advance
                revised each year on 1 October by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 1 months before
              fee "Redevance de service" per quarter at 20% VAT, graduated:
                up to 5,000 covers: 0.60 HT
                up to 9,000 covers: 0.45 HT
                above: 0.30 HT

            """
        ),
        (
            "nova-guarantee.ard",
            """
            client C0014
              sites LD01
              valid from 2026-01-01
              invoice monthly, one invoice per client
              payment 30 days
              validation automatic
              not billed: EVT

              subsidy per cover at 10% VAT
                category A: 4.20 HT, then 4.40 HT from 2026-10-15
                category B: 3.10 TTC
              admission fee 2.35 HT per cover at 10% VAT, client pays 60%
              minimum guarantee 150 covers per day, shortfall at 1.50 HT, then 1.60 HT from 2026-10-20 per cover at 10% VAT

            """
        )
    ]

    static var contracts: [(String, Contract)] {
        var out: [(String, Contract)] = []
        let files = ((try? Fixtures.ruleFiles()) ?? []) + extra
        for (path, text) in files {
            let (c, f) = Fixtures.contract(text, path: path)
            if let c {
                out.append((path, c))
            } else {
                Issue.record("\(path) does not check: \(f.diagnostics.map(\.message))")
            }
        }
        return out
    }

    /// Deterministic revenue for September to November 2026 at LD01, LD02 and a site of no contract.
    static var revenue: ClientRevenue {
        let vat10 = Percentage(whole: 10), vat55 = Percentage("5.5")!, vat20 = Percentage(whole: 20)
        var days: [RevenueDay] = []
        var d = Day(iso: "2026-09-01")!
        var i = 0
        while d <= Day(iso: "2026-11-30")! {
            for (s, site) in ["LD01", "LD02", "LD09"].enumerated() {
                i += 1
                if (i + s) % 11 == 0 { continue }
                let weekend = d.isoWeekday > 5
                let a = weekend ? (i % 4) * 5 : 60 + (i * 7) % 90
                let b = weekend ? 0 : 20 + (i * 5) % 30
                let c = (i * 3) % 7 == 0 ? 0 : 5 + i % 9
                let sta = site == "LD02" ? 10 + i % 12 : 0
                let guests = weekend ? 0 : i % 4
                var covers = ["A": a, "B": b, "C": c]
                if sta > 0 { covers["STA"] = sta }
                if i % 13 == 0 { covers["X"] = 3 }
                var guestTTC: [VATRate: Money] = guests == 0 ? [:] : [vat10: Money(cents: Int64(guests) * 1330)]
                if i % 17 == 0 { guestTTC[vat20] = Money(cents: 845) }
                var employer: [String: [VATRate: Money]] = [
                    "A": [vat10: Money(cents: Int64(a) * 420)], "C": [vat10: Money(cents: Int64(c) * 150)]
                ]
                if b > 0 { employer["B"] = [vat10: Money(cents: Int64(b) * 310), vat55: Money(cents: 77)] }
                if guests > 0 { employer["INV"] = guestTTC }
                if i % 13 == 0 { employer["X"] = [vat10: Money(cents: 999)] }
                let capped: [String: Money] = ["A": Money(cents: Int64(a) * 405), "B": Money(cents: Int64(b) * 297)]
                let cafeteria: [VATRate: Money] =
                    i % 3 == 0
                    ? [vat10: Money(cents: 12_345), vat55: Money(cents: 2_050)] : [vat10: Money(cents: 5_000)]
                days.append(
                    RevenueDay(
                        site: site, day: d, covers: covers, guestCovers: guests, guestTTC: guestTTC,
                        employerShare: employer,
                        cappedTTC: capped, cafeteriaTTC: cafeteria, siteOpen: !(weekend && i % 2 == 0)))
            }
            d = d.adding(days: 1)
        }
        let line = { (q: Int, p: String, v: VATRate) in
            EventOrder.Line(article: "ART", label: "Article \(q)", quantity: q, unitPrice: Price(p)!, vat: v)
        }
        let orders = [
            EventOrder(
                id: "EVT-1", revision: 1, site: "LD01", deliveredOn: Day(iso: "2026-10-14")!,
                lines: [line(40, "18.50", vat10), line(6, "32.00", vat20)]),
            EventOrder(
                id: "EVT-2", revision: 2, site: "LD02", deliveredOn: Day(iso: "2026-10-20")!,
                lines: [line(25, "7.90", vat10)]),
            EventOrder(
                id: "EVT-3", revision: 1, site: "LD01", deliveredOn: Day(iso: "2026-10-21")!, cancelled: true,
                lines: [line(3, "9.00", vat10)]),
            EventOrder(
                id: "EVT-4", revision: 1, site: "LD01", deliveredOn: Day(iso: "2026-09-30")!,
                lines: [line(2, "120.00", vat20)])
        ]
        return ClientRevenue(days: days, orders: orders)
    }

    static let periods = [
        "2026-10", "2026-09", "2026-11", "2026-W41", "2026-W40", "2026-Q4", "2026-10-01..2026-10-15", "2026-10-14",
        "2026-10-16..2026-10-31"
    ]

    static func describe(_ e: Evaluation) -> String {
        var out = ""
        for l in e.lines {
            out +=
                "  line \"\(l.label)\" qty \(l.quantity) × \(l.unitPrice) = \(l.net) HT, VAT \(l.vat)%, type \(l.revenueType ?? "-"), payer \(l.payer ?? "-"), site \(l.site ?? "-")"
            out +=
                ", fee \(l.isClientFee), service \(l.servicePeriod), term line \(l.termLine), order \(l.orderID ?? "-")\n"
            out += "    because \(l.explanation)\n"
        }
        for u in e.unbilled {
            out +=
                "  unbilled \(u.site) \(u.category ?? "-") \"\(u.reason)\" \(u.amountTTC) TTC from \(u.firstDay) to \(u.lastDay)\n"
        }
        for n in e.notes { out += "  note \(n)\n" }
        return out
    }

    @Test func evaluationsMatchTheGolden() throws {
        let revenue = Self.revenue
        let index = Fixtures.context.indexSeries
        var text = ""
        for (path, contract) in Self.contracts {
            let compiled = CompiledContract(contract, indexSeries: index)
            for name in Self.periods {
                let period = try #require(Period(parsing: name))
                let issued = period.end.adding(days: 1)
                text += "\(path) \(name) (window \(compiled.revenueWindow(for: period)))\n"
                do {
                    let e = try compiled.evaluate(period: period, issueDate: issued, revenue: revenue)
                    text += Self.describe(e)
                    // Without explanations: the same lines, the same amounts, no words and no facts
                    // (event order lines keep theirs: they are priced by priceOrder, which always explains).
                    let bare = try compiled.evaluate(
                        period: period, issueDate: issued, revenue: revenue, explanations: false)
                    var expected = e.lines
                    for i in expected.indices where expected[i].orderID == nil {
                        expected[i].explanation = ""
                        expected[i].facts = nil
                    }
                    #expect(bare.lines == expected, "\(path) \(name)")
                    #expect(bare.unbilled == e.unbilled && bare.notes == e.notes, "\(path) \(name)")
                } catch {
                    text += "  error \(error)\n"
                }
                for o in revenue.orders {
                    for l in try compiled.priceOrder(o) {
                        text +=
                            "  order \(o.id): \"\(l.label)\" \(l.quantity) × \(l.unitPrice) = \(l.net); \(l.explanation)\n"
                    }
                }
            }
        }
        Golden.assertMatches(text, file: Self.golden.path)
    }
}
