import BillingModel

/// One invoice line produced by a term, with the figures that produced it.
public struct BilledLine: Sendable, Equatable {
    public var label: String
    public var quantity: Int
    public var unitPrice: Price
    public var net: Money
    public var vat: VATRate
    public var revenueType: String?
    /// Another customer billed for this line (T18); nil for the client itself.
    public var payer: String?
    /// The site, when the contract bills per site or the term is per site.
    public var site: String?
    /// Fees on the client's total covers (T8–T10).
    public var isClientFee: Bool
    public var servicePeriod: Period
    /// The line of the term in the contract file.
    public var termLine: Int
    /// How the amount was computed, in words and figures.
    public var explanation: String
    /// The event order it bills, if any.
    public var orderID: String?
    /// The order's revision it priced: the engine bills each revision once.
    public var orderRevision: Int? = nil
    /// The order's price before the contract's discount (BT-148); nil when no discount applies.
    public var grossUnitPrice: Price? = nil
    /// Every fact its explanation states (nil when the evaluation was asked for no explanations).
    public var facts: LineFacts? = nil
    /// What the line was computed from (stored with it as typed columns).
    public var basis: LineBasis
    /// The tickets behind a line billed to a payer, grouped by site, category and amount per ticket (empty otherwise):
    /// what the payer's invoice shows under the line.
    public var tickets: [TicketGroup] = []
}

/// Revenue of the client that no term bills (T1): never dropped silently.
public struct UnbilledRevenue: Sendable, Equatable {
    /// Why no term bills it, as a fact (each reader words it).
    public enum Reason: Sendable, Hashable {
        /// Revenue of days outside the contract's validity.
        case outsideValidity
        /// Guest tickets, and no guest term bills them.
        case guestsWithoutTerm
        /// The employer share of a category no subsidy term prices.
        case categoryNotPriced
        /// A delivered order, and no events term bills it.
        case orderWithoutEventsTerm(order: String)

        /// The English words: the CLI's, and the identity an acknowledgement records (never reworded).
        public var text: String {
            switch self {
            case .outsideValidity: "outside the contract's validity"
            case .guestsWithoutTerm: "guest tickets, no guest term"
            case .categoryNotPriced: "employer share of a category no subsidy term prices"
            case .orderWithoutEventsTerm(let order): "delivered order \(order) with no events term"
            }
        }
    }

    public var site: String
    public var category: String?
    public var why: Reason
    /// `why` in English.
    public var reason: String { why.text }
    public var amountTTC: Money
    public var firstDay: Day
    public var lastDay: Day

    public init(site: String, category: String?, why: Reason, amountTTC: Money, firstDay: Day, lastDay: Day) {
        self.site = site; self.category = category; self.why = why; self.amountTTC = amountTTC;
        self.firstDay = firstDay; self.lastDay = lastDay
    }
}

/// What a contract bills for a period.
public struct Evaluation: Sendable {
    public var lines: [BilledLine]
    public var unbilled: [UnbilledRevenue]
    /// Plain-language notes ("outside the contract's validity: bills nothing").
    public var notes: [String]
}

/// A contract that could not be evaluated: its client gets no invoice and this error.
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingIndex(series: String, month: String, revision: Day, termLine: Int)
    /// An amount of the term at `termLine` does not fit (revenue past any sane bound).
    case overflow(termLine: Int, MoneyOverflow)
    /// An event order's line whose amount does not fit.
    case orderOverflow(order: String, revision: Int, line: Int, MoneyOverflow)
    /// The revenue of a site-day sums past what an amount holds.
    case revenueOverflow(site: String, day: Day, MoneyOverflow)

    public var description: String {
        switch self {
        case .missingIndex(let s, let m, let r, let l):
            return
                "the revision of \(r) (term at line \(l)) needs the index `\(s)` of \(m), which has no published value"
        case .overflow(let l, let o):
            return "the term at line \(l): \(o)"
        case .orderOverflow(let order, let revision, let line, let o):
            return "event order \(order) revision \(revision), line \(line): \(o)"
        case .revenueOverflow(let site, let day, let o):
            return "the revenue of site \(site) on \(day): \(o)"
        }
    }
}

/// An invoice as the contract groups lines (T18), before it is stored.
public struct InvoiceDraft: Sendable {
    public var payer: String?
    public var site: String?
    public var lines: [BilledLine]
    public var totals: InvoiceTotals {
        get throws(MoneyOverflow) { try InvoiceTotals(lines: lines.map { ($0.net, $0.vat) }) }
    }
}

extension Contract {
    /// Splits billed lines into invoices: one per payer; per site when the
    /// contract says so (client fees then on their own invoice); fees apart
    /// when the contract says so. Lines of zero are left out.
    public func invoices(for lines: [BilledLine]) -> [InvoiceDraft] {
        var order: [String] = []
        var groups: [String: InvoiceDraft] = [:]
        for l in lines where !l.net.isZero {
            let site = perSite && !l.isClientFee ? l.site : nil
            let feesApart = (feesOnOwnInvoice || perSite) && l.isClientFee
            let key = "\(l.payer ?? "")|\(site ?? "")|\(feesApart ? "fees" : "")"
            if groups[key] == nil {
                order.append(key)
                groups[key] = InvoiceDraft(payer: l.payer, site: site, lines: [])
            }
            groups[key]?.lines.append(l)
        }
        return order.compactMap { groups[$0] }
    }
}
