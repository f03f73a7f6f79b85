import BillingModel
import Foundation

/// A client company of the example data: its code, its sites and its diner
/// categories (guests, `INV`, come on top).
public struct DemoClient: Sendable, Hashable, Codable {
    public var code: String
    public var sites: [String]
    public var categories: [String]
    public init(code: String, sites: [String], categories: [String]) {
        self.code = code; self.sites = sites; self.categories = categories
    }
}

/// What a generation wrote.
public struct DemoSummary: Sendable, Hashable {
    public var registerFiles = 0
    public var eventFiles = 0
    public var ticketLines = 0
    public var orderRevisions = 0
    public var bytes: Int64 = 0
}

/// One register row before it is written (amounts in cents, rate in ten-thousandths).
public struct DemoRow: Sendable, Hashable {
    public var ticket: String
    public var site: String
    public var register: Int
    public var day: Day
    public var time: Int
    public var badge: String
    public var client: String
    public var category: String
    public var activity: String
    public var article: String
    public var label: String
    public var quantity: Int
    public var unitPrice: Int64
    public var vatRate: Int64
    public var amount: Int64
    public var employerShare: Int64
}

/// Deterministic generator of realistic register files and event orders:
/// same inputs, byte-identical files. About one million ticket lines for a
/// month of 60 sites and 850 clients.
public struct DemoGenerator: Sendable {
    /// Changes whenever the same inputs would give other files or another workspace (settings,
    /// contracts): the benchmarks' cached workspaces key on it. 3: pending VAT accounts (VAT on receipts).
    public static let version = 3
    public var clients: [DemoClient]
    public var sites: [String]
    /// The month generated (any day of it).
    public var month: Period
    public var seed: UInt64
    /// Mean tickets per site and business day (about 2.7 lines each).
    public var ticketsPerSiteDay = 305

    public init(clients: [DemoClient], sites: [String], month: Period, seed: UInt64) {
        self.clients = clients
        self.sites = sites
        self.month = month
        self.seed = seed
    }

    /// Site codes `LD01`, `PA02`, ...: the example sites.
    public static func sites(count: Int) -> [String] {
        let areas = ["LD", "PA", "IS", "BO", "NE", "SD", "CO", "RU"]
        return (0..<count).map { i in
            let n = i + 1
            return areas[i % areas.count] + (n < 10 ? "0\(n)" : "\(n)")
        }
    }

    /// Client codes C0001... with 1 to 3 sites each and a category scheme, so
    /// settings, contracts and registers can all be made from the same list.
    public static func clients(count: Int, sites: [String], seed: UInt64 = 1) -> [DemoClient] {
        let schemes = [["A", "B", "C"], ["A", "B"], ["A", "B", "C", "STA"], ["A"], ["A", "B", "STA"]]
        var g = SplitMix64(seed: SplitMix64.derive(seed, [SplitMix64.hash("clients")]))
        return (1...max(count, 1)).prefix(count).map { n in
            var mine: [String] = []
            let wanted = sites.isEmpty ? 0 : min(sites.count, g.inRange(1...3))
            // The first site cycles through all sites so every site has clients.
            if !sites.isEmpty { mine.append(sites[(n - 1) % sites.count]) }
            while mine.count < wanted {
                let s = sites[g.below(sites.count)]
                if !mine.contains(s) { mine.append(s) }
            }
            let code = "C" + String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n)
            return DemoClient(code: code, sites: mine, categories: schemes[g.below(schemes.count)])
        }
    }

    /// The business days (Monday to Friday) of the month.
    public var businessDays: [Day] {
        Period.month(of: month.start).days.filter { $0.isoWeekday <= 5 }
    }

    /// Writes every register file and event-order file of the month into
    /// `directory` (created when missing). One file at a time: memory stays small.
    @discardableResult
    public func write(to directory: URL) throws -> DemoSummary {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var summary = DemoSummary()
        let bySite = clientsBySite()
        for day in businessDays {
            for site in sites {
                let rows = registerRows(site: site, day: day, siteClients: bySite[site] ?? [])
                let bytes = DemoGenerator.csv(rows)
                try Data(bytes).write(to: directory.appendingPathComponent("PIE_\(site)_\(day.compact).csv"))
                summary.registerFiles += 1
                summary.ticketLines += rows.count
                summary.bytes += Int64(bytes.count)
            }
        }
        for (day, lines) in eventFiles() {
            let bytes = Array(lines.joined(separator: "\n").utf8) + [10]
            try Data(bytes).write(to: directory.appendingPathComponent("EVT_\(day.compact).jsonl"))
            summary.eventFiles += 1
            summary.orderRevisions += lines.count
            summary.bytes += Int64(bytes.count)
        }
        return summary
    }

    // MARK: registers

    struct Article {
        var code: String
        var label: String
        var price: Int64
        var rate: Int64
    }

    static let mains = [
        Article(code: "PLAT", label: "Plat du jour", price: 700, rate: 100_000),
        Article(code: "PLAT-VEG", label: "Plat végétarien", price: 640, rate: 100_000),
        Article(code: "GRILL", label: "Grillade et garniture", price: 810, rate: 100_000),
        Article(code: "POISSON", label: "Poisson du marché", price: 780, rate: 100_000),
        Article(code: "PATES", label: "Pâtes fraîches", price: 610, rate: 100_000),
        Article(code: "FORM-EP", label: "Formule entrée; plat", price: 910, rate: 100_000)
    ]
    static let sides = [
        Article(code: "ENTREE", label: "Entrée du jour", price: 210, rate: 100_000),
        Article(code: "DESS", label: "Dessert", price: 190, rate: 100_000),
        Article(code: "PAIN", label: "Pain", price: 30, rate: 100_000),
        Article(code: "FROM", label: "Fromage affiné", price: 130, rate: 100_000),
        Article(code: "EAU", label: "Eau minérale 50 cl", price: 110, rate: 100_000),
        Article(code: "CAFE", label: "Café", price: 100, rate: 100_000),
        Article(code: "CAFE-G", label: "Café \"gourmand\"", price: 350, rate: 100_000),
        Article(code: "YAOURT", label: "Yaourt nature", price: 80, rate: 100_000)
    ]
    static let brasserie = [
        Article(code: "BR-PLAT", label: "Plat brasserie", price: 1470, rate: 100_000),
        Article(code: "BR-ENTREE", label: "Entrée brasserie", price: 690, rate: 100_000),
        Article(code: "VIN-R", label: "Verre de vin rouge 12 cl", price: 450, rate: 200_000),
        Article(code: "BR-CAFE", label: "Café expresso", price: 180, rate: 100_000),
        Article(code: "BR-DESS", label: "Dessert du chef", price: 650, rate: 100_000)
    ]
    static let cafeteria = [
        Article(code: "EXPRESSO", label: "Café expresso", price: 110, rate: 100_000),
        Article(code: "CAFE-CREME", label: "Café crème", price: 190, rate: 100_000),
        Article(code: "VIENN", label: "Viennoiserie", price: 130, rate: 100_000),
        Article(code: "SANDW", label: "Sandwich jambon-beurre", price: 420, rate: 100_000),
        Article(code: "SALADE-E", label: "Salade à emporter", price: 540, rate: 55_000),
        Article(code: "FRUIT-E", label: "Fruit frais à emporter", price: 80, rate: 55_000),
        Article(code: "JUS", label: "Jus d'orange pressé", price: 320, rate: 100_000)
    ]
    static let shares: [String: Int64] = ["A": 420, "B": 310, "C": 150, "STA": 475]

    /// The clients of each site.
    func clientsBySite() -> [String: [DemoClient]] {
        var map: [String: [DemoClient]] = [:]
        for c in clients { for s in c.sites { map[s, default: []].append(c) } }
        return map
    }

    /// The rows of one register file, in ticket order.
    public func registerRows(site: String, day: Day) -> [DemoRow] {
        registerRows(site: site, day: day, siteClients: clientsBySite()[site] ?? [])
    }

    func registerRows(site: String, day: Day, siteClients: [DemoClient]) -> [DemoRow] {
        var g = SplitMix64(seed: SplitMix64.derive(seed, [SplitMix64.hash(site), UInt64(day.ordinal)]))
        var siteG = SplitMix64(seed: SplitMix64.derive(seed, [SplitMix64.hash(site)]))
        let siteSize = 60 + siteG.below(81)  // percent of the mean, stable per site
        let hasBrasserie = siteG.chance(400)
        let registers = 2 + siteG.below(3)
        var count = ticketsPerSiteDay * siteSize / 100
        count = count * (90 + g.below(21)) / 100
        if day.isoWeekday == 5 { count = count * 80 / 100 }
        var rows: [DemoRow] = []
        rows.reserveCapacity(count * 3)
        var sequence = [Int](repeating: 0, count: registers + 1)
        let compact = day.compact
        // Ticket times spread over the day, in order.
        var time = 7 * 3600 + 30 * 60
        let span = 7 * 3600
        for _ in 0..<count {
            time += g.below(max(2, 2 * span / max(count, 1)))
            let t = min(time, 86399)
            let lunch = t >= 11 * 3600 + 15 * 60 && t < 14 * 3600 + 30 * 60
            let activity: String
            if !lunch || g.chance(120) {
                activity = "CAFET"
            } else if hasBrasserie && g.chance(150) {
                activity = "BRASS"
            } else {
                activity = "SELF"
            }
            let register = activity == "CAFET" ? registers : 1 + g.below(max(1, registers - 1))
            sequence[register] += 1
            let seq = String(sequence[register])
            let ticket = "\(site)-\(register)-\(compact)-" + String(repeating: "0", count: max(0, 6 - seq.count)) + seq
            var badge = "", client = "", category = ""
            let anonymous = siteClients.isEmpty || g.chance(activity == "CAFET" ? 250 : 60)
            if !anonymous {
                let c = siteClients[g.below(siteClients.count)]
                client = c.code
                category = g.chance(25) ? "INV" : c.categories[g.below(c.categories.count)]
                let num = String(g.below(10_000_000))
                badge = String(repeating: "0", count: max(0, 7 - num.count)) + num
            }
            var articles: [Article] = []
            switch activity {
            case "SELF":
                articles.append(DemoGenerator.mains[g.below(DemoGenerator.mains.count)])
                for _ in 0..<g.below(5) { articles.append(DemoGenerator.sides[g.below(DemoGenerator.sides.count)]) }
            case "BRASS":
                articles.append(DemoGenerator.brasserie[0])
                for _ in 0..<(1 + g.below(4)) {
                    articles.append(DemoGenerator.brasserie[1 + g.below(DemoGenerator.brasserie.count - 1)])
                }
            default:
                for _ in 0..<(1 + g.below(3)) {
                    articles.append(DemoGenerator.cafeteria[g.below(DemoGenerator.cafeteria.count)])
                }
            }
            let guest = category == "INV"
            var ticketRows: [DemoRow] = []
            for (k, a) in articles.enumerated() {
                let quantity = a.code == "PAIN" && g.chance(200) ? 2 : 1
                let amount = a.price * Int64(quantity)
                var share: Int64 = 0
                if guest {
                    share = amount
                } else if k == 0, !client.isEmpty, activity != "CAFET" {
                    share = min(amount, DemoGenerator.shares[category] ?? 0)
                }
                ticketRows.append(
                    DemoRow(
                        ticket: ticket, site: site, register: register, day: day, time: t, badge: badge,
                        client: client, category: category, activity: activity, article: a.code,
                        label: a.label, quantity: quantity, unitPrice: a.price, vatRate: a.rate,
                        amount: amount, employerShare: share))
            }
            if g.chance(5) {
                // The whole ticket cancelled at the register: it adds up to zero.
                ticketRows += ticketRows.map { r in
                    var c = r; c.quantity = -r.quantity; c.amount = -r.amount; c.employerShare = -r.employerShare;
                    return c
                }
            } else if g.chance(30), let last = ticketRows.last {
                var c = last
                c.quantity = -last.quantity; c.amount = -last.amount; c.employerShare = -last.employerShare
                ticketRows.append(last)
                ticketRows.append(c)
            }
            rows += ticketRows
        }
        return rows
    }

    /// The header line of a register file.
    public static let csvHeader =
        "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"

    /// A register file's bytes: BOM, header, CRLF lines, quotes where needed.
    public static func csv(_ rows: [DemoRow]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out.reserveCapacity(rows.count * 140 + 200)
        out += Array(csvHeader.utf8)
        out += [13, 10]
        for r in rows {
            appendRow(r, to: &out)
            out += [13, 10]
        }
        return out
    }

    /// One row without its line end.
    public static func appendRow(_ r: DemoRow, to out: inout [UInt8]) {
        func field(_ s: String) {
            if s.utf8.contains(where: { $0 == 59 || $0 == 34 || $0 == 10 || $0 == 13 }) {
                out.append(34)
                for b in s.utf8 { if b == 34 { out.append(34) }; out.append(b) }
                out.append(34)
            } else {
                out += s.utf8
            }
        }
        func sep() { out.append(59) }
        field(r.ticket); sep(); field(r.site); sep(); out += String(r.register).utf8; sep()
        out += r.day.french.utf8; sep(); out += clock(r.time).utf8; sep()
        field(r.badge); sep(); field(r.client); sep(); field(r.category); sep(); field(r.activity); sep()
        field(r.article); sep(); field(r.label); sep(); out += String(r.quantity).utf8; sep()
        out += decimalComma(r.unitPrice, decimals: 2).utf8; sep()
        out += rate(r.vatRate).utf8; sep()
        out += decimalComma(r.amount, decimals: 2).utf8; sep()
        out += decimalComma(r.employerShare, decimals: 2).utf8
    }

    static func clock(_ t: Int) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(t / 3600)):\(two(t / 60 % 60)):\(two(t % 60))"
    }

    /// `1234,50` from cents.
    static func decimalComma(_ v: Int64, decimals: Int) -> String {
        DecimalText.format(v, scale: decimals, minimumFraction: decimals, decimalSeparator: ",")
    }

    /// `10,0` or `5,5` from ten-thousandths of a percent.
    static func rate(_ v: Int64) -> String {
        DecimalText.format(v, scale: 4, minimumFraction: 1, decimalSeparator: ",")
    }
}
