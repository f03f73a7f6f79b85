import BillingModel
import Foundation
import Settings

/// What `DemoWorkspace.write` wrote.
public struct DemoWorkspaceSummary: Sendable {
    public var clients = 0
    public var sites = 0
    public var contracts = 0
    /// Contract shape name → number of clients given it.
    public var shapes: [String: Int] = [:]
    /// The register and event files, when revenue was generated.
    public var revenue: DemoSummary?
}

/// A complete, self-contained example workspace: `ardoise.yaml`, settings,
/// one contract per client (with passing examples) and the month's inbox.
/// Same inputs, byte-identical files.
public enum DemoWorkspace {
    /// The contract shapes, in the order clients cycle through them.
    public static let shapeNames = [
        "classic", "works-council", "tray-weekly", "per-site-indexed", "new-client",
        "advance-fee-events", "registers-weekly", "ttc-cafeteria"
    ]

    public static func write(
        to directory: URL, sites siteCount: Int, clients clientCount: Int, month: String = "2026-10",
        seed: UInt64, revenue: Bool = true
    ) throws -> DemoWorkspaceSummary {
        guard let period = Period(parsing: month) else { throw BenchmarkError("`\(month)` is not a month YYYY-MM") }
        return try write(
            to: directory, sites: siteCount, clients: clientCount, month: period, seed: seed, revenue: revenue)
    }

    /// Writes the workspace into `directory` (created when missing). `indexThrough` publishes the price index up to
    /// that month instead of the generated one (a workspace billed for a year needs the year's values).
    public static func write(
        to directory: URL, sites siteCount: Int, clients clientCount: Int, month: Period,
        seed: UInt64, revenue: Bool = true, indexThrough: Period? = nil
    ) throws -> DemoWorkspaceSummary {
        let fm = FileManager.default
        let month = Period.month(of: month.start)
        let sites = DemoGenerator.sites(count: siteCount)
        let clients = DemoGenerator.clients(count: clientCount, sites: sites, seed: seed)
        let rules = directory.appendingPathComponent("rules")
        try fm.createDirectory(at: rules, withIntermediateDirectories: true)
        var summary = DemoWorkspaceSummary(clients: clients.count, sites: sites.count)
        try Data(config.utf8).write(to: directory.appendingPathComponent("ardoise.yaml"))
        var entries: [String] = []
        for (i, c) in clients.enumerated() {
            var g = SplitMix64(seed: SplitMix64.derive(seed, [SplitMix64.hash("contract"), SplitMix64.hash(c.code)]))
            let shape = i % shapeNames.count
            var writer = ContractWriter(client: c, shape: shape, month: month, g: g)
            let contract = try writer.text()
            try Data(contract.utf8).write(to: rules.appendingPathComponent("\(c.code.lowercased()).ard"))
            summary.contracts += 1
            summary.shapes[shapeNames[shape], default: 0] += 1
            entries.append(clientYAML(c, shape: shape, g: &g))
        }
        let settings = settingsYAML(
            sites: sites, clients: entries, month: indexThrough.map { Period.month(of: $0.start) } ?? month)
        try Data(settings.utf8).write(to: directory.appendingPathComponent("settings.yaml"))
        let inbox = directory.appendingPathComponent("inbox")
        try fm.createDirectory(at: inbox, withIntermediateDirectories: true)
        try fm.createDirectory(at: directory.appendingPathComponent("documents"), withIntermediateDirectories: true)
        if revenue {
            summary.revenue = try DemoGenerator(clients: clients, sites: sites, month: month, seed: seed).write(
                to: inbox)
        }
        return summary
    }

    /// Revenue types billed by each shape (the contract's terms), and those said not billed.
    static let revenueTypes: [[String]] = [
        ["SUBV", "INVIT", "DROIT", "FRAIS"], ["SUBV", "INVIT", "CAFET", "EVT"], ["SUBV", "DROIT", "GARANTIE", "EVT"],
        ["SUBV", "DROIT", "FRAIS"], ["SUBV", "DROIT", "FRAIS", "CAFET"], ["SUBV", "DROIT", "FRAIS", "EVT"],
        ["SUBV", "DROIT", "FRAIS"], ["SUBV", "INVIT", "CAFET", "EVT"]
    ]

    static let config = """
        # Where Ardoise finds its settings, contracts and database (paths relative to this file).
        settings:
          - settings.yaml
        rules: rules
        database: ardoise.sqlite
        inbox: inbox
        documents: documents

        """

    static let names = [
        "Atlas", "Boréal", "Cèdre", "Delta", "Éole", "Fénix", "Galien", "Hermès", "Iris", "Jade", "Kairos",
        "Lumen", "Mistral", "Nacre", "Opale", "Pléiade", "Quartz", "Rivage", "Sirius", "Tilia", "Ulysse", "Vega"
    ]
    static let trades = [
        "Conseil", "Industries", "Assurances", "Logistique", "Énergie", "Finance", "Ingénierie", "Santé",
        "Médias", "Immobilier", "Systèmes", "Transports"
    ]
    static let forms = ["SA", "SAS", "SARL"]
    static let streets = [
        "rue de la République", "avenue Charles de Gaulle", "boulevard Voltaire", "rue Victor Hugo",
        "cours Valmy", "place de la Défense", "rue Jean Jaurès", "avenue de l'Arche"
    ]
    static let cities = [
        ("92400", "Courbevoie"), ("92800", "Puteaux"), ("92130", "Issy-les-Moulineaux"), ("75015", "Paris"),
        ("92100", "Boulogne-Billancourt"), ("93200", "Saint-Denis"), ("92200", "Neuilly-sur-Seine"),
        ("92500", "Rueil-Malmaison")
    ]

    /// A valid SIREN: 8 random digits and the Luhn check digit.
    static func siren(_ g: inout SplitMix64) -> String {
        var digits = [1 + g.below(9)] + (0..<7).map { _ in g.below(10) }
        for check in 0...9 where Identifiers.luhn(digits + [check]) { digits.append(check); break }
        return digits.map(String.init).joined()
    }

    static func address(_ g: inout SplitMix64, indent: String) -> String {
        let (postcode, city) = cities[g.below(cities.count)]
        return """
            \(indent)address:
            \(indent)  lines:
            \(indent)    - \(1 + g.below(120)) \(streets[g.below(streets.count)])
            \(indent)  postcode: "\(postcode)"
            \(indent)  city: \(city)
            """
    }

    static func clientYAML(_ c: DemoClient, shape: Int, g: inout SplitMix64) -> String {
        let name = "\(names[g.below(names.count)]) \(trades[g.below(trades.count)]) \(forms[g.below(forms.count)])"
        let siren = siren(&g)
        let lower = c.code.lowercased()
        var out = """
              - code: \(c.code)
                legal_name: "\(name)"
                siren: "\(siren)"
                vat_number: \(Identifiers.frenchVATNumber(siren: siren) ?? "")
            \(address(&g, indent: "    "))
                emails:
                  - facturation@\(lower).example
                receivable_account: 411\(c.code)
                sites: [\(c.sites.joined(separator: ", "))]
                diner_categories: [\((c.categories + ["INV"]).joined(separator: ", "))]
                revenue_types: [\(revenueTypes[shape].joined(separator: ", "))]

            """
        if shape == 1 {
            let payerSIREN = DemoWorkspace.siren(&g)
            out += """
                    payers:
                      - code: \(c.code)-CSE
                        legal_name: "CSE \(name)"
                        siren: "\(payerSIREN)"
                        vat_number: \(Identifiers.frenchVATNumber(siren: payerSIREN) ?? "")
                \(address(&g, indent: "        "))
                        emails:
                          - cse@\(lower).example
                        receivable_account: 411\(c.code)CSE

                """
        }
        return out
    }

    /// The index values of examples/settings.yaml (2024-01 to 2026-10), extended
    /// by 0.3 a month up to the generated month when it is later.
    static func indexValues(through month: Period) -> [(String, String)] {
        let known = [
            "112.4", "112.7", "113.0", "113.3", "113.6", "113.8", "114.1", "114.4", "114.7", "115.0", "115.3", "115.6",
            "115.9", "116.2", "116.5", "116.8", "117.0", "117.3", "117.6", "117.9", "118.2", "118.5", "118.8", "119.1",
            "119.4", "119.7", "120.0", "120.2", "120.5", "120.8", "121.1", "121.4", "121.7", "121.9"
        ]
        let wanted = (month.start.year - 2024) * 12 + month.start.month
        var out: [(String, String)] = []
        for i in 0..<max(known.count, wanted) {
            let key = monthKey(2024 + i / 12, i % 12 + 1)
            if i < known.count { out.append((key, known[i])); continue }
            let tenths = 1219 + 3 * (i - known.count + 1)
            out.append((key, "\(tenths / 10).\(tenths % 10)"))
        }
        return out
    }

    static func monthKey(_ y: Int, _ m: Int) -> String { "\(y)-\(m < 10 ? "0" : "")\(m)" }

    static func settingsYAML(sites: [String], clients: [String], month: Period) -> String {
        var g = SplitMix64(seed: SplitMix64.hash("sites"))
        var out = """
            # Ardoise settings of a generated demo workspace (see examples/SETTINGS.md for every key).

            time_zone: Europe/Paris
            currency: EUR

            seller:
              legal_name: Serenest SAS
              siren: "812457638"
              vat_number: FR91812457638
              address:
                lines:
                  - 24 rue Louis Blanc
                postcode: "92400"
                city: Courbevoie
                country: FR
              iban: FR76 3000 4008 2300 0104 5871 294
              bic: BNPAFRPPXXX
              late_payment_penalty_rate: 12.15
              recovery_indemnity: 40.00
              early_payment_discount: Aucun escompte pour paiement anticipé
              vat_on_debits: false
              legal_form: SAS
              share_capital: 150000.00
              rcs_city: Nanterre

            number_series:
              - code: FA
                document_type: invoice
                prefix: FA-2026-
                width: 6
              - code: AV
                document_type: credit_note
                prefix: AV-2026-
                width: 6

            sites:

            """
        for s in sites {
            out +=
                "  - code: \(s)\n    name: Restaurant \(s) - \(names[g.below(names.count)])\n\(address(&g, indent: "    "))\n"
            // The generated register files: every day Monday to Friday.
            out += "    open_days: [monday, tuesday, wednesday, thursday, friday]\n"
        }
        out += """

            revenue_types:
              - code: SUBV
                label: Subvention employeur
                activity: SELF
                kind: subsidy
                article_codes: []
                revenue_account: "706100"
                vat_rate: 10
              - code: DROIT
                label: Droit d'admission
                activity: SELF
                kind: admission_fee
                article_codes: [DA01]
                revenue_account: "706200"
                vat_rate: 10
              - code: INVIT
                label: Repas invités
                activity: SELF
                kind: guest_meals
                revenue_account: "706300"
                vat_rate: 10
              - code: CAFET
                label: Participation cafétéria
                activity: CAFET
                kind: cafeteria
                revenue_account: "706400"
                vat_rate: 10
                nature: goods
              - code: FRAIS
                label: Frais de gestion
                activity: FEES
                kind: fee
                revenue_account: "706500"
                vat_rate: 20
              - code: GARANTIE
                label: Minimum garanti
                activity: SELF
                kind: minimum_guarantee
                revenue_account: "706600"
                vat_rate: 10
              - code: EVT
                label: Prestations événementielles
                activity: EVENTS
                kind: events
                revenue_account: "706700"
                vat_rate: 10

            clients:

            """
        out += clients.joined()
        out += """

            index_series:
              - code: ILC-RESTO
                label: Indice des prix restauration collective
                values:

            """
        for (k, v) in indexValues(through: month) { out += "      \(k): \(v)\n" }
        return out
    }
}

/// Writes one client's contract of a given shape, with examples whose
/// figures are computed here with the catalogue's rounding rules.
struct ContractWriter {
    var client: DemoClient
    var shape: Int
    var month: Period
    var g: SplitMix64
    var out = ""

    init(client: DemoClient, shape: Int, month: Period, g: SplitMix64) {
        self.client = client; self.shape = shape; self.month = month; self.g = g
    }

    static let monthNames = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"
    ]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"
    ]
    static let vat10 = Percentage(whole: 10)
    static let vat20 = Percentage(whole: 20)

    func m(_ cents: Int64) -> String { Money(cents: cents).grouped }
    func p(_ tt: Int64) -> String { Price(tenThousandths: tt).grouped }
    func monthName(_ d: Day) -> String { "\(ContractWriter.monthNames[d.month - 1]) \(d.year)" }
    var start: Day { month.start }
    var issued: Day { month.end.adding(days: 2) }
    var yearStart: String { "\(start.year - 1)-01-01" }
    var sites: String { client.sites.joined(separator: ", ") }

    /// Cafeteria participation at 10%: one rounding, `round(TTC × pct / 100 / 1.10, 2)`.
    func cafeteriaNet(_ ttcCents: Int64, _ pct: Int) -> Money {
        Money(
            cents: Int64(
                divideRoundingHalfAwayFromZero(
                    Int128(ttcCents) * Int128(Percentage(whole: pct).tenThousandths),
                    Percentage.hundred + Int128(ContractWriter.vat10.tenThousandths))))
    }

    mutating func line(_ s: String = "") { out += s + "\n" }

    mutating func header(
        _ summary: String, validFrom: String, until: String? = nil, invoice: String, payment: String, automatic: Bool
    ) {
        line("# \(client.code): \(summary)")
        line("client \(client.code)")
        line("  sites \(sites)")
        line("  valid from \(validFrom)\(until.map { " until \($0)" } ?? "")")
        line("  invoice \(invoice)")
        line("  payment \(payment)")
        line("  validation \(automatic ? "automatic" : "by an accountant")")
    }

    /// Subsidy prices per cover (HT, in ten-thousandths), nil for `nothing`.
    mutating func subsidyPrices() -> [(String, Int64?)] {
        client.categories.map { c in
            switch c {
            case "A": return (c, [42_000, 43_500, 45_000][g.below(3)])
            case "B": return (c, [31_000, 32_500][g.below(2)])
            case "C": return (c, g.chance(500) ? nil : 15_000)
            default: return (c, 47_500)
            }
        }
    }

    /// The contract's text; the demo's figures are small, so an overflow would be a bug of the generator.
    mutating func text() throws(MoneyOverflow) -> String {
        switch shape {
        case 0: try classic()
        case 1: try worksCouncil()
        case 2: try trayWeekly()
        case 3: try perSiteIndexed()
        case 4: try newClient()
        case 5: try advanceFeeEvents()
        case 6: try registersWeekly()
        default: try ttcCafeteria()
        }
        return out
    }

    /// T2, T5, T6, T9; T15 (a).
    mutating func classic() throws(MoneyOverflow) {
        header(
            "subsidies by category, guests, admission fee, management fee with a floor.", validFrom: yearStart,
            invoice: "monthly, one invoice per client", payment: "15 days, then end of month", automatic: false)
        let prices = subsidyPrices()
        let admission: Int64 = [23_500, 21_000, 24_000][g.below(3)]
        let floor: Int64 = [150_000, 90_000, 120_000][g.below(3)]
        let perCover: Int64 = [4_500, 3_000][g.below(2)]
        line()
        line("  subsidy per cover at 10% VAT")
        for (c, pr) in prices { line("    category \(c): \(pr.map { p($0) + " HT" } ?? "nothing")") }
        line("  guest meals billed in full")
        line("  admission fee \(p(admission)) HT per cover at 10% VAT")
        line(
            "  fee \"Frais de gestion\" per month at 20% VAT, in arrears: max(\(m(floor)) HT, \(p(perCover)) HT per cover)"
        )
        let counts = prices.map { _ in 200 + g.below(1800) }
        let guests = 1 + g.below(30)
        line()
        line("  example \"\(monthName(start)), a month of service\"")
        line("    period \(month.name)")
        line("    issued \(issued)")
        line("    covers " + zip(prices, counts).map { "\($0.0) \($1)" }.joined(separator: ", "))
        line("    guests \(guests) tickets, \(m(Int64(guests) * 1100)) TTC")
        var base10 = Money.zero
        for ((c, pr), n) in zip(prices, counts) {
            guard let pr else { continue }
            let net = try Price(tenThousandths: pr).times(n)
            base10 += net
            line("    expect line \"Subvention employeur catégorie \(c)\" \(net.grouped) HT")
        }
        let guestNet = try Money(cents: Int64(guests) * 1100).excludingVAT(at: ContractWriter.vat10)
        base10 += guestNet
        line("    expect line \"Repas invités\" \(guestNet.grouped) HT")
        let covers = counts.reduce(guests, +)
        let admissionNet = try Price(tenThousandths: admission).times(covers)
        base10 += admissionNet
        line("    expect line \"Droit d'admission\" \(admissionNet.grouped) HT")
        let fee = try max(Money(cents: floor), Price(tenThousandths: perCover).times(covers))
        line("    expect line \"Frais de gestion \(monthName(start))\" \(fee.grouped) HT")
        let ttc = try base10 + fee + base10.percent(ContractWriter.vat10) + fee.percent(ContractWriter.vat20)
        line("    expect total \((base10 + fee).grouped) HT")
        line("    expect total \(ttc.grouped) TTC")
        line("    expect invoices 1")
    }

    /// T3 billed to the works council (T18 payer), T5, T7, T19 per order with discount and delivery fee.
    mutating func worksCouncil() throws(MoneyOverflow) {
        header(
            "the registers record the employer share, paid by the works council; events billed order by order.",
            validFrom: yearStart, invoice: "monthly, one invoice per client", payment: "45 days", automatic: true)
        let pct = [20, 25, 15][g.below(3)]
        let discount = [5, 10][g.below(2)]
        line()
        line("  subsidy as recorded by the registers")
        line("    billed to \(client.code)-CSE")
        line("  guest meals billed in full")
        line("  cafeteria participation \(pct)% of tickets")
        line("  events at order prices, one invoice per order")
        line("    discount \(discount)% on event lines")
        line("    delivery fee 35.00 HT at 20% VAT on orders under 300.00 HT")
        line("    changes by credit note and new invoice")
        let registered = Int64(100 + g.below(900)) * 110
        let cafeteria = Int64(200 + g.below(800)) * 100
        line()
        line("  example \"\(monthName(start)): subsidies to the works council, the rest to the client\"")
        line("    period \(month.name)")
        line("    issued \(issued)")
        line("    registered subsidies category A \(m(registered)) TTC")
        line("    guests 2 tickets, 24.20 TTC")
        line("    cafeteria \(m(cafeteria)) TTC at 10% VAT")
        try line(
            "    expect line \"Subvention employeur\" \(Money(cents: registered).excludingVAT(at: ContractWriter.vat10).grouped) HT"
        )
        line("    expect line \"Repas invités\" 22.00 HT")
        line("    expect line \"Participation cafétéria (TVA 10 %)\" \(cafeteriaNet(cafeteria, pct).grouped) HT")
        line("    expect invoices 2")
        let day = start.adding(days: 13)
        let unit = try Price(tenThousandths: 200_000).percent(Percentage(whole: 100 - discount))
        let net = try unit.times(10)
        line()
        line("  example \"A small order delivered on \(day): the delivery fee applies\"")
        line("    period \(day)")
        line("    issued \(day)")
        line("    order \"EVT-DEMO-\(client.code)\" delivered \(day): 10 × 20.00 HT at 10% VAT")
        line("    expect line \"Frais de livraison\" 35.00 HT")
        line("    expect total \((net + Money(cents: 3500)).grouped) HT")
    }

    /// T4, T6 with a share, T11, T19 grouped monthly; weekly (T16); T15 (b).
    mutating func trayWeekly() throws(MoneyOverflow) {
        header(
            "subsidy capped by the tray, a share of the admission fee, a daily minimum guarantee; invoiced every ISO week.",
            validFrom: yearStart, invoice: "weekly, one invoice per client", payment: "end of month, then 15 days",
            automatic: false)
        let caps: [String: Int64] = ["A": 420, "B": 360, "C": 200, "STA": 475]
        let share = [60, 50, 80][g.below(3)]
        let threshold = [150, 200, 250][g.below(3)]
        line()
        line("  subsidy capped by the tray at 10% VAT")
        for c in client.categories { line("    category \(c): \(m(caps[c] ?? 420)) TTC") }
        line("  admission fee 2.35 HT per cover at 10% VAT, client pays \(share)%")
        line("  minimum guarantee \(threshold) covers per day, shortfall at 1.50 HT per cover at 10% VAT")
        line("  events at order prices, grouped monthly")
        line("    changes by difference")
        var monday = start
        while monday.isoWeekday != 1 { monday = monday.adding(days: 1) }
        let week = Period.isoWeek(of: monday)
        let n = 50 + g.below(100)
        line()
        line("  example \"Week \(week.name): a quiet Monday under the guarantee\"")
        line("    period \(week.name)")
        line("    issued \(week.end.adding(days: 1))")
        line("    trays A \(n) × 6.80 TTC on \(monday)")
        try line(
            "    expect line \"Subvention employeur catégorie A\" \(Money(cents: 420 * Int64(n)).excludingVAT(at: ContractWriter.vat10).grouped) HT"
        )
        try line(
            "    expect line \"Droit d'admission\" \(Price(tenThousandths: 23_500).percent(Percentage(whole: share)).times(n).grouped) HT"
        )
        try line(
            "    expect line \"Minimum garanti \(client.sites[0])\" \(Price(tenThousandths: 15_000).times(threshold - n).grouped) HT"
        )
        line("    expect invoices 1")
    }

    /// T2 stated TTC with an amendment (T13), T14, T8 quarterly in advance, T10 graduated, per site (T18), T20 end.
    mutating func perSiteIndexed() throws(MoneyOverflow) {
        header(
            "sites billed apart, subsidies stated TTC with an amendment, admission fee revised each January by index.",
            validFrom: yearStart, until: "\(start.year + 1)-12-31", invoice: "monthly, one invoice per client and site",
            payment: "30 days", automatic: false)
        let change = start.adding(days: 14)
        line()
        line("  subsidy per cover at 10% VAT")
        for c in client.categories {
            switch c {
            case "A": line("    category A: 4.75 TTC, then 4.95 TTC from \(change)")
            case "B": line("    category B: 3.30 TTC")
            case "C": line("    category C: nothing")
            default: line("    category \(c): 5.20 TTC")
            }
        }
        line("  admission fee 2.35 HT per cover at 10% VAT")
        line(
            "    revised each year on 1 January by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 4 months before"
        )
        line("  fee \"Frais de gestion\" 3,000.00 HT per quarter at 20% VAT, in advance")
        line("  fee \"Redevance de service\" per month at 20% VAT, graduated:")
        line("    up to 2,000 covers: 0.60 HT")
        line("    up to 4,000 covers: 0.45 HT")
        line("    above: 0.30 HT")
        let n1 = 300 + g.below(700), n2 = 100 + g.below(500)
        let later = start.adding(days: 19)
        let site = client.sites[0]
        func label(_ a: Day, _ b: Day, _ n: Int, _ price: String) -> String {
            "Subvention employeur catégorie A du \(a.french) au \(b.french) (\(n) couverts à \(price) TTC)"
        }
        line()
        line("  example \"\(monthName(start)): the amendment on the 15th\"")
        line("    period \(month.name)")
        line("    issued \(issued)")
        line("    covers A \(n1) on \(start) at \(site)")
        line("    covers A \(n2) on \(later) at \(site)")
        try line(
            "    expect line \"\(label(start, change.adding(days: -1), n1, "4.75"))\" \(Price(tenThousandths: 47_500).times(n1, excludingVATAt: ContractWriter.vat10).grouped) HT"
        )
        try line(
            "    expect line \"\(label(change, month.end, n2, "4.95"))\" \(Price(tenThousandths: 49_500).times(n2, excludingVATAt: ContractWriter.vat10).grouped) HT"
        )
        try line(
            "    expect line \"Redevance de service \(monthName(start)), tranche de 1 à 2000 couverts\" \(Price(tenThousandths: 6_000).times(n1 + n2).grouped) HT"
        )
        line("    expect invoices 2")
    }

    /// T20 start inside the month, T12 proration, T8 in arrears, T10 volume, fees on their own invoice, T1 not billed.
    mutating func newClient() throws(MoneyOverflow) {
        let from = start.adding(days: 14)
        header(
            "new client from \(from); fees prorated for the first month, on their own invoice; cafeteria not billed.",
            validFrom: from.description, invoice: "monthly, one invoice per client, fees on their own invoice",
            payment: "45 days", automatic: true)
        line("  not billed: CAFET")
        let prices = subsidyPrices()
        let fee: Int64 = [120_000, 80_000][g.below(2)]
        line()
        line("  subsidy per cover at 10% VAT")
        for (c, pr) in prices { line("    category \(c): \(pr.map { p($0) + " HT" } ?? "nothing")") }
        line("  admission fee 2.10 HT per cover at 10% VAT")
        line("  fee \"Frais de gestion\" \(m(fee)) HT per month at 20% VAT, in arrears")
        line("  fee \"Redevance de service\" per month at 20% VAT, volume:")
        line("    up to 2,000 covers: 0.60 HT")
        line("    up to 4,000 covers: 0.45 HT")
        line("    above: 0.30 HT")
        let n = 300 + g.below(1500)
        let days = month.end.ordinal - from.ordinal + 1
        line()
        line("  example \"\(monthName(start)): first half-month, fees prorated\"")
        line("    period \(month.name)")
        line("    issued \(issued)")
        line("    covers A \(n) on \(start.adding(days: 19))")
        try line(
            "    expect line \"Frais de gestion \(monthName(start)) (du \(from.french) au \(month.end.french))\" \(Money(cents: fee).prorated(days, over: month.dayCount).grouped) HT"
        )
        try line(
            "    expect line \"Redevance de service \(monthName(start)), tranche jusqu'à 2000 couverts\" \(Price(tenThousandths: 6_000).times(n).grouped) HT"
        )
        line("    expect invoices 2")
        let before = Period.month(of: start.adding(days: -1))
        line()
        line("  example \"\(monthName(before.start)): before the contract, nothing is billed\"")
        line("    period \(before.name)")
        line("    issued \(start)")
        line("    covers A 100 on \(before.start.adding(days: 14))")
        line("    expect nothing")
    }

    /// T2 with `nothing`, T6 with a share, T8 in advance, T19 grouped monthly with discount and delivery fee; on receipt.
    mutating func advanceFeeEvents() throws(MoneyOverflow) {
        header(
            "subsidies, half the admission fee, a management fee in advance, events grouped monthly.",
            validFrom: yearStart,
            invoice: "monthly, one invoice per client", payment: "on receipt", automatic: true)
        let prices = subsidyPrices()
        let fee: Int64 = [85_000, 60_000, 100_000][g.below(3)]
        line()
        line("  subsidy per cover at 10% VAT")
        for (c, pr) in prices { line("    category \(c): \(pr.map { p($0) + " HT" } ?? "nothing")") }
        line("  admission fee 2.20 HT per cover at 10% VAT, client pays 50%")
        line("  fee \"Frais de gestion\" \(m(fee)) HT per month at 20% VAT, in advance")
        line("  events at order prices, grouped monthly")
        line("    discount 10% on event lines")
        line("    delivery fee 40.00 HT at 20% VAT on orders under 250.00 HT")
        line("    changes by difference")
        let n = 200 + g.below(1000)
        let next = Period.month(of: month.end.adding(days: 1))
        line()
        line("  example \"\(monthName(start)): next month's fee in advance, one small order\"")
        line("    period \(month.name)")
        line("    issued \(month.end)")
        line("    covers A \(n)")
        line("    order \"EVT-DEMO-\(client.code)\" delivered \(start.adding(days: 9)): 10 × 20.00 HT at 10% VAT")
        try line("    expect line \"Droit d'admission\" \(Price(tenThousandths: 11_000).times(n).grouped) HT")
        line("    expect line \"Frais de gestion \(monthName(next.start))\" \(m(fee)) HT")
        line("    expect line \"Ligne 1\" 180.00 HT")
        line("    expect line \"Frais de livraison\" 40.00 HT")
        line("    expect invoices 1")
    }

    /// T3 without a guest term, T6 TTC with a share, T8 quarterly in arrears; weekly.
    mutating func registersWeekly() throws(MoneyOverflow) {
        header(
            "the registers record the employer share; admission fee stated TTC; a quarterly fee; invoiced weekly.",
            validFrom: yearStart, invoice: "weekly, one invoice per client", payment: "30 days", automatic: false)
        line()
        line("  subsidy as recorded by the registers")
        line("  admission fee 2.50 TTC per cover at 10% VAT, client pays 80%")
        line("  fee \"Frais de gestion\" \(m([240_000, 180_000][g.below(2)])) HT per quarter at 20% VAT, in arrears")
        var monday = start
        while monday.isoWeekday != 1 { monday = monday.adding(days: 1) }
        let week = Period.isoWeek(of: monday)
        let registered = Int64(50 + g.below(400)) * 110
        line()
        line("  example \"Week \(week.name): the employer share as recorded\"")
        line("    period \(week.name)")
        line("    issued \(week.end.adding(days: 1))")
        line("    registered subsidies category A \(m(registered)) TTC on \(monday)")
        try line(
            "    expect line \"Subvention employeur\" \(Money(cents: registered).excludingVAT(at: ContractWriter.vat10).grouped) HT"
        )
        line("    expect invoices 1")
    }

    /// T2 stated TTC, T5, T7, T19 per order; mode (b) end of month then days.
    mutating func ttcCafeteria() throws(MoneyOverflow) {
        header(
            "subsidies stated TTC, guests, cafeteria participation, events order by order.", validFrom: yearStart,
            invoice: "monthly, one invoice per client", payment: "end of month, then 15 days", automatic: true)
        let pct = [30, 20][g.below(2)]
        let ttc: [String: Int64] = ["A": 46_200, "B": 34_100, "C": 16_500, "STA": 52_800]
        line()
        line("  subsidy per cover at 10% VAT")
        for c in client.categories { line("    category \(c): \(p(ttc[c] ?? 46_200)) TTC") }
        line("  guest meals billed in full")
        line("  cafeteria participation \(pct)% of tickets")
        line("  events at order prices, one invoice per order")
        line("    changes by difference")
        let n = 200 + g.below(1500)
        let cafeteria = Int64(100 + g.below(900)) * 100
        let caf = cafeteriaNet(cafeteria, pct)
        line()
        line("  example \"\(monthName(start)): subsidies TTC and the cafeteria\"")
        line("    period \(month.name)")
        line("    issued \(issued)")
        line("    covers A \(n)")
        line("    cafeteria \(m(cafeteria)) TTC at 10% VAT")
        try line(
            "    expect line \"Subvention employeur catégorie A (\(n) couverts à 4.62 TTC)\" \(Price(tenThousandths: 46_200).times(n, excludingVATAt: ContractWriter.vat10).grouped) HT"
        )
        line("    expect line \"Participation cafétéria (TVA 10 %)\" \(caf.grouped) HT")
        line("    expect invoices 1")
    }
}
