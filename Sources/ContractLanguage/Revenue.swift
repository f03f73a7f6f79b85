import BillingModel

/// A client's revenue at one site on one day, aggregated from the register
/// lines: what compiled contracts are evaluated on (never the raw rows).
public struct RevenueDay: Sendable, Equatable {
    public var site: String
    public var day: Day
    /// Covers (SELF/BRASS tickets with a positive total) by category, guests excluded.
    public var covers: [String: Int]
    /// Guest tickets (`INV`) that are covers.
    public var guestCovers: Int
    /// Guest tickets' TTC by VAT rate.
    public var guestTTC: [VATRate: Money]
    /// The registers' employer share (`part_patronale`, TTC) by category, then VAT rate.
    public var employerShare: [String: [VATRate: Money]]
    /// The tickets behind `employerShare`, by category: per VAT rate and share of a ticket, how many.
    public var shareCounts: [String: [ShareCount]] = [:]
    /// Σ min(cap, ticket TTC) over the covers of each category (T4), for the contract's caps.
    public var cappedTTC: [String: Money]
    /// Badge holders' cafeteria tickets TTC by VAT rate (T7).
    public var cafeteriaTTC: [VATRate: Money]
    /// True when the site had any ticket that day, of any client (T11).
    public var siteOpen: Bool

    public init(
        site: String, day: Day, covers: [String: Int] = [:], guestCovers: Int = 0, guestTTC: [VATRate: Money] = [:],
        employerShare: [String: [VATRate: Money]] = [:], cappedTTC: [String: Money] = [:],
        cafeteriaTTC: [VATRate: Money] = [:], siteOpen: Bool = true
    ) {
        self.site = site
        self.day = day
        self.covers = covers
        self.guestCovers = guestCovers
        self.guestTTC = guestTTC
        self.employerShare = employerShare
        self.cappedTTC = cappedTTC
        self.cafeteriaTTC = cafeteriaTTC
        self.siteOpen = siteOpen
    }

    /// All covers of the day, guests included (they count for fees, floors, tiers, guarantees).
    public var totalCovers: Int { covers.values.reduce(guestCovers, +) }
}

/// One event order as it stands (its latest revision).
public struct EventOrder: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var article: String
        public var label: String
        public var quantity: Int
        public var unitPrice: Price
        public var vat: VATRate
        public init(article: String, label: String, quantity: Int, unitPrice: Price, vat: VATRate) {
            self.article = article
            self.label = label
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.vat = vat
        }
    }
    public var id: String
    public var revision: Int
    public var site: String
    /// The local (Europe/Paris) day of delivery.
    public var deliveredOn: Day
    public var poNumber: String?
    public var cancelled: Bool
    public var lines: [Line]
    public init(
        id: String, revision: Int, site: String, deliveredOn: Day, poNumber: String? = nil, cancelled: Bool = false,
        lines: [Line]
    ) {
        self.id = id
        self.revision = revision
        self.site = site
        self.deliveredOn = deliveredOn
        self.poNumber = poNumber
        self.cancelled = cancelled
        self.lines = lines
    }
}

/// Everything a client's contract is evaluated on for a period.
public struct ClientRevenue: Sendable, Equatable {
    public var days: [RevenueDay]
    public var orders: [EventOrder]
    public init(days: [RevenueDay] = [], orders: [EventOrder] = []) {
        self.days = days
        self.orders = orders
    }
}
