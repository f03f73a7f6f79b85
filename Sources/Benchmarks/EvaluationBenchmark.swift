import BillingModel
import ContractLanguage
import Foundation

/// Issue 3's evaluation benchmark: a compiled contract evaluated on a month of
/// revenue aggregates, against the same lines computed by hand-written Swift.
public enum EvaluationBenchmark {
    /// The worked example of the catalogue (rules/acme.ard, terms only).
    static let acme = """
        client ACME
          sites LD01
          valid from 2026-01-01
          invoice monthly, one invoice per client
          payment 45 days
          validation by an accountant

          subsidy per cover at 10% VAT
            category A: 4.20 HT
            category B: 3.10 HT
            category C: nothing
          guest meals billed in full
          admission fee 2.35 HT per cover at 10% VAT
          fee "Frais de gestion" per month at 20% VAT, in arrears: max(1,500.00 HT, 0.45 HT per cover)

        """

    /// A richer contract: a price change on the 15th, a paid share, graduated bands, a daily guarantee.
    static let rich = """
        client RICH
          sites LD01
          valid from 2026-01-01
          invoice monthly, one invoice per client
          payment 30 days
          validation automatic

          subsidy per cover at 10% VAT
            category A: 4.20 HT, then 4.40 HT from 2026-10-15
            category B: 3.10 HT
            category C: nothing
          guest meals billed in full
          admission fee 2.35 HT per cover at 10% VAT, client pays 60%
          minimum guarantee 150 covers per day, shortfall at 1.50 HT per cover at 10% VAT
          fee "Redevance de service" per month at 20% VAT, graduated:
            up to 2,000 covers: 0.60 HT
            up to 4,000 covers: 0.45 HT
            above: 0.30 HT

        """

    static var context: ContractContext {
        let types: [String: ContractContext.RevenueType] = [
            "SUBV": .init(code: "SUBV", kind: .subsidy, label: "Subvention employeur"),
            "DROIT": .init(code: "DROIT", kind: .admissionFee, label: "Droit d'admission"),
            "INVIT": .init(code: "INVIT", kind: .guestMeals, label: "Repas invités"),
            "FRAIS": .init(code: "FRAIS", kind: .fee, label: "Frais de gestion"),
            "GARANTIE": .init(code: "GARANTIE", kind: .minimumGuarantee, label: "Minimum garanti")
        ]
        let cats = ["A", "B", "C", DinerCategory.guests]
        return ContractContext(
            clients: [
                "ACME": .init(
                    code: "ACME", sites: ["LD01"], categories: cats, revenueTypes: ["SUBV", "INVIT", "DROIT", "FRAIS"]),
                "RICH": .init(
                    code: "RICH", sites: ["LD01"], categories: cats,
                    revenueTypes: ["SUBV", "INVIT", "DROIT", "FRAIS", "GARANTIE"])
            ], revenueTypes: types, today: Day(iso: "2026-11-23") ?? Day(ordinal: 0))
    }

    static let vat10 = Percentage(whole: 10)

    /// October 2026, 31 days: covers of A, B, C and guests every day (weekends quieter).
    static func revenue(_ october: Period) -> ClientRevenue {
        var days: [RevenueDay] = []
        for (i, d) in october.days.enumerated() {
            let weekend = d.isoWeekday > 5
            let a = weekend ? 20 : 90 + (i * 7) % 40, b = weekend ? 5 : 40 + (i * 5) % 20, c = weekend ? 0 : 15 + i % 10
            let guests = weekend ? 0 : 1 + i % 3
            days.append(
                RevenueDay(
                    site: "LD01", day: d, covers: ["A": a, "B": b, "C": c], guestCovers: guests,
                    guestTTC: guests == 0 ? [:] : [vat10: Money(cents: Int64(guests) * 1330)],
                    employerShare: guests == 0
                        ? [:] : [DinerCategory.guests: [vat10: Money(cents: Int64(guests) * 1330)]]))
        }
        return ClientRevenue(days: days)
    }

    /// ACME by hand: the same lines, straight-line Swift.
    static func handACME(_ revenue: ClientRevenue) throws(MoneyOverflow) -> [Int64] {
        var a = 0, b = 0, c = 0, guests = 0
        var guestTTC = Money.zero
        for d in revenue.days {
            a += d.covers["A"] ?? 0; b += d.covers["B"] ?? 0; c += d.covers["C"] ?? 0
            guests += d.guestCovers
            guestTTC = try guestTTC.adding(d.guestTTC[vat10] ?? .zero)
        }
        let covers = a + b + c + guests
        let fee = max(Money(cents: 150_000), try Price(tenThousandths: 4_500).times(covers))
        return try [
            Price(tenThousandths: 42_000).times(a).cents, Price(tenThousandths: 31_000).times(b).cents,
            guestTTC.excludingVAT(at: vat10).cents, Price(tenThousandths: 23_500).times(covers).cents, fee.cents
        ]
    }

    /// RICH by hand.
    static func handRich(_ revenue: ClientRevenue, change: Day) throws(MoneyOverflow) -> [Int64] {
        var a1 = 0, a2 = 0, b = 0, covers = 0, missing = 0, guests = 0
        var guestTTC = Money.zero
        for d in revenue.days {
            let ca = d.covers["A"] ?? 0
            if d.day < change { a1 += ca } else { a2 += ca }
            b += d.covers["B"] ?? 0
            let total = ca + (d.covers["B"] ?? 0) + (d.covers["C"] ?? 0) + d.guestCovers
            covers += total
            guests += d.guestCovers
            guestTTC = try guestTTC.adding(d.guestTTC[vat10] ?? .zero)
            if d.siteOpen, total < 150 { missing += 150 - total }
        }
        var out = try [
            Price(tenThousandths: 42_000).times(a1).cents, Price(tenThousandths: 44_000).times(a2).cents,
            Price(tenThousandths: 31_000).times(b).cents, guestTTC.excludingVAT(at: vat10).cents,
            Price(tenThousandths: 23_500).percent(Percentage(whole: 60)).times(covers).cents
        ]
        if missing > 0 { out.append(try Price(tenThousandths: 15_000).times(missing).cents) }
        out.append(try Price(tenThousandths: 6_000).times(min(covers, 2000)).cents)
        if covers > 2000 { out.append(try Price(tenThousandths: 4_500).times(min(covers, 4000) - 2000).cents) }
        if covers > 4000 { out.append(try Price(tenThousandths: 3_000).times(covers - 4000).cents) }
        return out.filter { $0 != 0 }
    }

    struct Case {
        var name: String
        var compiled: CompiledContract
        var hand: (ClientRevenue) throws -> [Int64]
    }

    /// Times both ways `iterations` times (after a check that they agree) and returns the report.
    public static func run(iterations: Int = 20_000) -> String {
        guard let october = Period(parsing: "2026-10"), let issued = Day(iso: "2026-11-02"),
            let change = Day(iso: "2026-10-15")
        else { return "evaluation benchmark: bad dates\n" }
        let ctx = context
        var cases: [Case] = []
        for (name, text) in [
            ("ACME (worked example)", acme), ("RICH (price change, share, guarantee, graduated)", rich)
        ] {
            let file = CheckedFile(path: "\(name).ard", text: text, context: ctx)
            guard let contract = file.contract else {
                return "evaluation benchmark: the contract \(name) does not check: \(file.diagnostics.map(\.message))\n"
            }
            let hand: (ClientRevenue) throws -> [Int64]
            if name.hasPrefix("ACME") {
                hand = { try handACME($0) }
            } else {
                hand = { try handRich($0, change: change) }
            }
            cases.append(Case(name: name, compiled: CompiledContract(contract, indexSeries: [:]), hand: hand))
        }
        let revenue = revenue(october)
        let n = max(1, iterations)
        var lines = [
            "evaluation of one client-month (\(revenue.days.count) revenue days × 3 categories + guests), \(n) iterations each"
        ]
        var allMet = true
        for c in cases {
            let compiledLines: [Int64]
            do {
                compiledLines = try c.compiled.evaluate(period: october, issueDate: issued, revenue: revenue).lines.map(
                    \.net.cents)
            } catch {
                return "evaluation benchmark: \(c.name) fails: \(error)\n"
            }
            let handLines: [Int64]
            do { handLines = try c.hand(revenue) } catch {
                return "evaluation benchmark: \(c.name) by hand fails: \(error)\n"
            }
            guard compiledLines.filter({ $0 != 0 }) == handLines else {
                return
                    "evaluation benchmark: \(c.name): compiled \(compiledLines) differs from hand-written \(handLines)\n"
            }
            var checksum: Int64 = 0
            var compiledNs: [Double] = [], bareNs: [Double] = [], handNs: [Double] = []
            for _ in 0..<5 {
                var start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<n {
                    if let e = try? c.compiled.evaluate(period: october, issueDate: issued, revenue: revenue) {
                        for l in e.lines { checksum &+= l.net.cents }
                    }
                }
                compiledNs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n))
                start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<n {
                    if let e = try? c.compiled.evaluate(
                        period: october, issueDate: issued, revenue: revenue, explanations: false)
                    {
                        for l in e.lines { checksum &+= l.net.cents }
                    }
                }
                bareNs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n))
                start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<n { for v in (try? c.hand(revenue)) ?? [] { checksum &+= v } }
                handNs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n))
            }
            let cm = Timing.median(compiledNs), bm = Timing.median(bareNs), hm = Timing.median(handNs)
            let ratio = cm / max(hm, 1e-9), bareRatio = bm / max(hm, 1e-9)
            allMet = allMet && bareRatio <= 2
            lines.append(
                "\(c.name): \(handLines.count) lines, total \(Money(cents: handLines.reduce(0, +)).grouped) HT")
            lines.append("  hand-written: \(Int(hm.rounded())) ns per evaluation (amounts only)")
            lines.append(
                "  compiled, lines with labels, no explanations: \(Int(bm.rounded())) ns per evaluation, ratio \(Timing.format(bareRatio))×"
            )
            lines.append(
                "  compiled, lines with labels and explanations: \(Int(cm.rounded())) ns per evaluation, ratio \(Timing.format(ratio))×"
            )
            lines.append("  (checksum \(checksum))")
        }
        lines.append(
            "target (compiled at most 2× the hand-written, without explanations): \(allMet ? "met" : "NOT met")")
        return lines.joined(separator: "\n") + "\n"
    }
}
