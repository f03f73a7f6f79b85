/// Tickets of one day whose employer share at one VAT rate was the same amount, as the registers recorded it.
public struct ShareCount: Sendable, Hashable {
    public var rate: VATRate
    /// The share of each ticket, TTC.
    public var share: Money
    public var tickets: Int

    public init(rate: VATRate, share: Money, tickets: Int) {
        self.rate = rate
        self.share = share
        self.tickets = tickets
    }
}

/// A group of the tickets behind an invoice line: at one site, of one diner category, each bringing the same amount
/// (`tickets × unit = amount`). The engine makes them with the line and the ledger stores them with it ("v18 payer
/// breakdown"), so a payer's invoice shows how its lines were counted without reading the line's explanation.
public struct TicketGroup: Sendable, Hashable {
    public var site: String
    public var category: String
    public var tickets: Int
    /// What each ticket brings (the employer share the register recorded), TTC when `includesVAT`.
    public var unit: Money
    public var includesVAT: Bool

    public init(site: String, category: String, tickets: Int, unit: Money, includesVAT: Bool) {
        self.site = site
        self.category = category
        self.tickets = tickets
        self.unit = unit
        self.includesVAT = includesVAT
    }

    /// `tickets × unit`.
    public var amount: Money {
        get throws(MoneyOverflow) {
            let (v, o) = unit.cents.multipliedReportingOverflow(by: Int64(tickets))
            if o { throw MoneyOverflow("\(tickets) × \(unit)") }
            return Money(cents: v)
        }
    }
}

extension Array where Element == TicketGroup {
    /// The sum of the groups' amounts.
    public var total: Money {
        get throws(MoneyOverflow) {
            var sum: Int64 = 0
            for g in self {
                let (v, o) = sum.addingReportingOverflow(try g.amount.cents)
                if o { throw MoneyOverflow("the sum of \(count) ticket groups") }
                sum = v
            }
            return Money(cents: sum)
        }
    }

    /// Whether the groups add up to a line of `net` HT at `rate`: their sum is the net, or, TTC, the TTC the net was
    /// converted from (`round(TTC / (1 + rate), 2)`).
    public func addUp(to net: Money, at rate: VATRate) -> Bool {
        guard !isEmpty, let sum = try? total else { return false }
        if allSatisfy(\.includesVAT) { return (try? sum.excludingVAT(at: rate)) == net }
        if allSatisfy({ !$0.includesVAT }) { return sum == net }
        return false
    }
}
