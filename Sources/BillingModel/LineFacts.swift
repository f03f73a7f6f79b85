/// Every fact a document line's explanation states, as the engine knew it when
/// it made the line ("v18 line facts"): the computation of its term with its
/// figures (covers, rates, prorata, index revision, the floor, band or
/// guarantee reached), the sites the term is bound to, and the edits people
/// made. Stored with the line as typed data; each reader words it (English
/// for the CLI and the stored explanation, French in the web app), and no
/// reader ever recovers a fact from words.
///
/// The JSON of this value is stored (`invoice_line.facts`): the names of the
/// cases and fields below are frozen like a migration.
public struct LineFacts: Sendable, Hashable, Codable {
    /// A fee's cadence.
    public enum Cadence: String, Sendable, Hashable, Codable { case month, quarter }
    /// When a fixed fee is billed.
    public enum Timing: String, Sendable, Hashable, Codable { case inArrears = "in arrears", inAdvance = "in advance" }

    /// Days billed of a fee period.
    public struct Prorata: Sendable, Hashable, Codable {
        public var days: Int
        public var of: Int
        public init(days: Int, of: Int) { self.days = days; self.of = of }
    }

    /// A price revised on an index: `base × (fixed + indexed × index / baseIndex) = price`.
    public struct Revision: Sendable, Hashable, Codable {
        /// The revision day.
        public var on: Day
        /// The index series and the month read (`2026-09`); nil for a line filled by "v18 line facts" (its
        /// explanation did not name them).
        public var series: String?
        public var referenceMonth: String?
        public var base: Price
        public var fixedPart: Percentage
        public var indexedPart: Percentage
        public var index: Percentage
        public var baseIndex: Percentage
        public var price: Price
        public init(
            on: Day, series: String?, referenceMonth: String?, base: Price, fixedPart: Percentage,
            indexedPart: Percentage,
            index: Percentage, baseIndex: Percentage, price: Price
        ) {
            self.on = on; self.series = series; self.referenceMonth = referenceMonth; self.base = base;
            self.fixedPart = fixedPart
            self.indexedPart = indexedPart; self.index = index; self.baseIndex = baseIndex; self.price = price
        }
    }

    /// The share of an admission fee the client pays, when not all of it.
    public struct ClientShare: Sendable, Hashable, Codable {
        public var percent: Percentage
        /// The fee before the share.
        public var fullPrice: Price
        public init(percent: Percentage, fullPrice: Price) { self.percent = percent; self.fullPrice = fullPrice }
    }

    /// A band of a tiered fee: covers from `from` (the band's first cover is `from + 1`) up to `upTo` (nil: no bound).
    /// A volume band with a bound is named by it alone (`from` is 0 when "v18 line facts" filled it).
    public struct Band: Sendable, Hashable, Codable {
        public var from: Int
        public var upTo: Int?
        public init(from: Int, upTo: Int?) { self.from = from; self.upTo = upTo }
    }

    /// An event order's discount: `gross` less `percent` is the line's price.
    public struct Discount: Sendable, Hashable, Codable {
        public var percent: Percentage
        public var gross: Price
        public init(percent: Percentage, gross: Price) { self.percent = percent; self.gross = gross }
    }

    /// What a line billed: a quantity for an amount.
    public struct Tally: Sendable, Hashable, Codable {
        public var quantity: Int
        public var net: Money
        public init(quantity: Int, net: Money) { self.quantity = quantity; self.net = net }
    }

    /// A person's edit of a line, in the order made.
    public struct Edit: Sendable, Hashable, Codable {
        public var by: String
        public var reason: String
        public init(by: String, reason: String) { self.by = by; self.reason = reason }
    }

    /// How the line's amount was computed.
    public enum Computation: Sendable, Hashable, Codable {
        /// `covers` of `category` × `price` (HT, or TTC brought to HT at `vat`).
        case subsidyPerCover(covers: Int, category: String, price: Price, includesVAT: Bool, vat: VATRate, net: Money)
        /// Each tray of `category` subsidised up to `cap` TTC; `capped` is their sum TTC.
        case subsidyCappedByTray(covers: Int, category: String, cap: Money, capped: Money, vat: VATRate, net: Money)
        /// The employer share the registers recorded, TTC at `vat`.
        case subsidyAsRecorded(ttc: Money, vat: VATRate, net: Money, guestsBilledApart: Bool)
        case guestMeals(tickets: Int, ttc: Money, vat: VATRate, net: Money)
        /// `covers` (guests included) × `unit` (HT, or TTC brought to HT at `vat`).
        case admissionFee(
            covers: Int, unit: Price, includesVAT: Bool, vat: VATRate, net: Money, share: ClientShare?,
            revision: Revision?)
        case cafeteriaParticipation(percent: Percentage, ttc: Money, vat: VATRate, net: Money)
        /// `full` per period, prorated when the line bills part of it.
        case flatFee(full: Money, per: Cadence, timing: Timing, prorata: Prorata?, net: Money, revision: Revision?)
        /// max(floor, per cover × covers): the floor is reached when `billed` is `floor` above `variable`.
        case floorFee(floor: Money, prorata: Prorata?, perCover: Price, covers: Int, variable: Money, billed: Money)
        /// Graduated bands: `inBand` of the period's `covers` fall in `band`.
        case graduatedFee(covers: Int, inBand: Int, band: Band, price: Price, net: Money)
        /// Volume pricing: all `covers` at the price of the band they reach.
        case volumeFee(covers: Int, band: Band, price: Price, net: Money)
        /// `shortDays` of `openDays` under `threshold` covers at `site`: `missing` covers × `price`.
        case minimumGuarantee(
            shortDays: Int, openDays: Int, threshold: Int, site: String, missing: Int, price: Price, net: Money,
            revision: Revision?)
        case orderLine(order: String, revision: Int, quantity: Int, unit: Price, discount: Discount?, net: Money)
        /// The delivery fee of an order whose total HT after discount is under `under`.
        case deliveryFee(order: String, orderHT: Money, under: Money, fee: Money)
        /// A line billed before for an order now cancelled or changed, credited.
        case orderCredit(order: String, cancelled: Bool, revision: Int, quantity: Int, unit: Price, net: Money)
        /// The difference an order's new revision makes to what was billed.
        case orderDifference(order: String, revision: Int, billed: Tally?, now: Tally?)
        /// Late revenue of `period`, priced by the contract as it stands.
        case lateRevenue(period: Period, invoiced: Tally?, now: Tally?)
        /// A credit note's line: line `line` of invoice `number` issued on `issued`.
        case credit(line: Int, number: String, issued: Day, reason: String)
        /// A line of a document typed in by a person.
        case typedIn(reason: String)
        /// A line a person added to a proforma.
        case added(by: String, reason: String)
        /// A line whose computation was not recorded (a line stored before "v18 line facts" that the
        /// migration could not tell); only its edits are known.
        case notRecorded
    }

    public var computation: Computation
    /// The sites the term is bound to (`at sites`); nil: all.
    public var sites: [String]?
    /// The edits people made to the line, oldest first.
    public var edits: [Edit]

    public init(_ computation: Computation, sites: [String]? = nil, edits: [Edit] = []) {
        self.computation = computation
        self.sites = sites
        self.edits = edits
    }

    // The stored JSON leaves out what a line does not have.
    enum CodingKeys: String, CodingKey { case computation, sites, edits }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        computation = try c.decode(Computation.self, forKey: .computation)
        sites = try c.decodeIfPresent([String].self, forKey: .sites)
        edits = try c.decodeIfPresent([Edit].self, forKey: .edits) ?? []
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(computation, forKey: .computation)
        try c.encodeIfPresent(sites, forKey: .sites)
        if !edits.isEmpty { try c.encode(edits, forKey: .edits) }
    }
}

// MARK: English

extension LineFacts {
    /// The line's explanation in English, as the engine stores it and the CLI prints it (`EngineWording`:
    /// a test rewords every part).
    public var english: String {
        let base = computation.english
        var out =
            base.isEmpty
            ? ""
            : EngineWording.worded(
                sites.map { "\(base) (only at \($0.count == 1 ? "site" : "sites") \($0.joined(separator: ", ")))" }
                    ?? base)
        for e in edits { out += (out.isEmpty ? "" : "; ") + EngineWording.worded("edited by \(e.by): \(e.reason)") }
        return out
    }
}

extension LineFacts.Computation {
    /// The computation in English (without the sites and edits).
    public var english: String {
        func tally(_ t: LineFacts.Tally?) -> String { t.map { "\($0.quantity) for \($0.net)" } ?? "nothing" }
        func revised(_ r: LineFacts.Revision?) -> String { r.map { " (\($0.english))" } ?? "" }
        switch self {
        case let .subsidyPerCover(covers, category, price, includesVAT, vat, net):
            return includesVAT
                ? "\(covers) covers of category \(category) × \(price) TTC / (1 + \(vat)%) = \(net) HT"
                : "\(covers) covers of category \(category) × \(price) HT = \(net)"
        case let .subsidyCappedByTray(covers, category, cap, capped, vat, net):
            return
                "\(covers) covers of category \(category), each min(\(cap) TTC, tray TTC), sum \(capped) TTC / (1 + \(vat)%) = \(net) HT"
        case let .subsidyAsRecorded(ttc, vat, net, apart):
            return
                "employer share recorded by the registers \(ttc) TTC / (1 + \(vat)%) = \(net) HT\(apart ? ", guests billed apart" : "")"
        case let .guestMeals(tickets, ttc, vat, net):
            return "\(tickets) guest tickets, \(ttc) TTC / (1 + \(vat)%) = \(net) HT"
        case let .admissionFee(covers, unit, includesVAT, vat, net, share, revision):
            let detail =
                (share.map { ", client pays \($0.percent)%: \($0.fullPrice) × \($0.percent)% = \(unit)" } ?? "")
                + revised(revision)
            return includesVAT
                ? "\(covers) covers × \(unit) TTC / (1 + \(vat)%) = \(net) HT\(detail)"
                : "\(covers) covers (guests included) × \(unit) HT = \(net)\(detail)"
        case let .cafeteriaParticipation(pct, ttc, vat, net):
            return "\(pct)% of badge holders' cafeteria tickets \(ttc) TTC / (1 + \(vat)%) = \(net) HT"
        case let .flatFee(full, per, timing, prorata, net, revision):
            return
                "\(full) HT per \(per.rawValue) \(timing.rawValue)\(prorata.map { ", prorated \($0.days)/\($0.of) days" } ?? "") = \(net)"
                + revised(revision)
        case let .floorFee(floor, prorata, perCover, covers, variable, billed):
            return
                "max(\(floor)\(prorata.map { " (floor prorated \($0.days)/\($0.of) days)" } ?? ""), \(perCover) × \(covers) covers = \(variable)) = \(billed)"
        case let .graduatedFee(covers, inBand, band, price, net):
            return "graduated: \(covers) covers, \(inBand) in the band \(band.graduatedName) × \(price) = \(net)"
        case let .volumeFee(covers, band, price, net):
            return "volume: \(covers) covers reach the band \(band.volumeName), all at \(price) = \(net)"
        case let .minimumGuarantee(shortDays, openDays, threshold, site, missing, price, net, revision):
            return
                "\(shortDays) of \(openDays) open days under \(threshold) covers at \(site): \(missing) missing covers × \(price) = \(net)"
                + revised(revision)
        case let .orderLine(order, revision, quantity, unit, discount, net):
            return
                "order \(order) revision \(revision): \(quantity) × \(unit)\(discount.map { ", discount \($0.percent)%: \($0.gross) → \(unit)" } ?? "") = \(net)"
        case let .deliveryFee(order, orderHT, under, fee):
            return "order \(order) totals \(orderHT) HT after discount, under \(under): delivery fee \(fee)"
        case let .orderCredit(order, cancelled, revision, quantity, unit, net):
            return
                "order \(order) \(cancelled ? "cancelled" : "changed") (revision \(revision)): credits \(quantity) × \(unit) = \(net) billed before"
        case let .orderDifference(order, revision, billed, now):
            return "order \(order) revision \(revision): billed \(tally(billed)), now \(tally(now))"
        case let .lateRevenue(period, invoiced, now):
            return "late revenue for \(period.frenchName), priced by the contract as it stands: "
                + "billed \(tally(invoiced)) on the revenue as invoiced, \(tally(now)) on the revenue now"
        case let .credit(line, number, issued, reason):
            return "credits line \(line) of \(number) of \(issued): \(reason)"
        case let .typedIn(reason): return "typed in: \(reason)"
        case let .added(by, reason): return "added by \(by): \(reason)"
        case .notRecorded: return ""
        }
    }
}

extension LineFacts.Revision {
    /// `revised on 2026-01-01: 1200.00 × (0.15 + 0.85 × 121.7 / 118.2) = 1230.12`.
    public var english: String {
        "revised on \(on): \(base) × (\(fixedPart) + \(indexedPart) × \(index) / \(baseIndex)) = \(price)"
    }
}

extension LineFacts.Band {
    /// The band as a graduated fee names it (in the contract's French, as the line's label does).
    public var graduatedName: String { upTo.map { "de \(from + 1) à \($0) couverts" } ?? "au-delà de \(from) couverts" }
    /// The band as a volume fee names it.
    public var volumeName: String { upTo.map { "jusqu'à \($0) couverts" } ?? "au-delà de \(from) couverts" }
}
