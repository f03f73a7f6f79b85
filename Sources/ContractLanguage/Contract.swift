import BillingModel

/// A checked contract: every name resolved, every amount of the right unit.
/// The compiler turns it into evaluators.
public struct Contract: Sendable {
    public var file: String
    public var client: String
    public var sites: [String]
    public var validFrom: Day
    public var validUntil: Day?
    public var cadence: Cadence
    public var perSite: Bool
    public var feesOnOwnInvoice: Bool
    public var payment: PaymentTerms
    /// Payers with their own payment terms (`billed to C0013-CSE, payment on receipt`).
    public var payerPayments: [String: PaymentTerms] = [:]
    public var automaticValidation: Bool
    public var terms: [Term]
    public var notBilled: [String]
    public var examples: [ContractExample]

    public var validity: Period { Period(start: validFrom, end: validUntil ?? Day(ordinal: Int(Int32.max))) }

    /// The payment terms of the invoices billed to `payer` (nil: the client): the payer's own when
    /// the contract gives them, else the contract's.
    public func paymentTerms(for payer: String?) -> PaymentTerms {
        payer.flatMap { payerPayments[$0] } ?? payment
    }

    /// The tray caps (T4) by category, for the aggregation of capped TTC.
    public var trayCaps: [String: Money] {
        var caps: [String: Money] = [:]
        for t in terms { if case .subsidyCappedByTray(_, let list) = t.rule { for (c, m) in list { caps[c] = m } } }
        return caps
    }

    /// Whether the contract has a daily minimum guarantee (T11): its bill depends on the days its sites were open.
    public var hasDailyGuarantee: Bool {
        terms.contains { if case .minimumGuarantee = $0.rule { return true } else { return false } }
    }

    /// The events term, if the contract bills events (the first one).
    public var eventsTerm: (Term, EventTerms)? {
        for t in terms { if case .events(let e) = t.rule { return (t, e) } }
        return nil
    }

    /// The events term in force on `day` (terms may be dated), nil when none is.
    public func eventsTerm(on day: Day) -> (Term, EventTerms)? {
        for t in terms {
            guard case .events(let e) = t.rule else { continue }
            if day >= (t.validFrom ?? validFrom) && day <= (t.validUntil ?? validity.end) && validity.contains(day) {
                return (t, e)
            }
        }
        return nil
    }
}

/// One price, then changes on dates (T13). Prices are HT unless `includesVAT`.
public struct PriceSchedule: Sendable, Equatable {
    public var initial: Price
    public var changes: [DatedPrice]
    public var includesVAT: Bool
    public init(initial: Price, changes: [DatedPrice] = [], includesVAT: Bool = false) {
        self.initial = initial
        self.changes = changes
        self.includesVAT = includesVAT
    }
}

public struct DatedPrice: Sendable, Equatable {
    public var from: Day
    public var price: Price
    public init(from: Day, price: Price) {
        self.from = from
        self.price = price
    }
}

public struct Band: Sendable, Equatable {
    /// The band's last cover, inclusive; nil for the last band (`above`).
    public var upTo: Int?
    public var price: Price
}

/// T14: `P = P0 × (a + b × I / I0)`, yearly on a day, with the index of `lag` months before.
public struct IndexRevision: Sendable, Equatable {
    public var month: Int
    public var day: Int
    public var series: String
    public var fixedPart: Percentage
    public var indexedPart: Percentage
    public var baseIndex: Percentage
    public var lagMonths: Int
    /// The year of the first revision (`from 2026`); nil: every year.
    public var firstYear: Int? = nil

    /// The revised price, rounded to 4 decimals (revisions never chain: always from P0 and I0).
    public func revise(_ p0: Price, index: Percentage) -> Price {
        let a = Int128(fixedPart.tenThousandths), b = Int128(indexedPart.tenThousandths)
        let i = Int128(index.tenThousandths), i0 = Int128(baseIndex.tenThousandths)
        let numerator = Int128(p0.tenThousandths) * (a * i0 + b * i)
        return Price(tenThousandths: Int64(divideRoundingHalfAwayFromZero(numerator, i0 * 10_000)))
    }

    /// The revision days falling in `period`.
    public func revisionDays(in period: Period) -> [Day] {
        var out: [Day] = []
        for y in max(
            period.start.year, firstYear ?? period.start.year)...max(period.end.year, firstYear ?? period.end.year)
        {
            if let d = Day(year: y, month: month, day: day), period.contains(d) { out.append(d) }
        }
        return out
    }

    /// The month whose index a revision on `day` uses.
    public func referenceMonth(for day: Day) -> (year: Int, month: Int) {
        let d = day.firstOfMonth.addingMonths(-lagMonths)
        return (d.year, d.month)
    }
}

public struct EventTerms: Sendable, Equatable {
    public var grouping: EventGrouping
    public var discount: Percentage?
    public var deliveryFee: Money?
    public var deliveryFeeVAT: VATRate?
    public var deliveryFeeUnder: Money?
    public var changes: EventChanges
}

/// What a checked term bills.
public enum TermRule: Sendable {
    case subsidyPerCover(vat: VATRate, categories: [(category: String, price: PriceSchedule?)])
    case subsidyCappedByTray(vat: VATRate, caps: [(category: String, cap: Money)])
    case subsidyAsRecorded
    case guestMeals
    case admissionFee(price: PriceSchedule, vat: VATRate, share: Percentage)
    case cafeteriaParticipation(Percentage)
    case flatFee(amount: PriceSchedule, per: FeePeriodicity, vat: VATRate, timing: FeeTiming)
    case floorFee(floor: Money, perCover: Price, per: FeePeriodicity, vat: VATRate)
    case tieredFee(mode: TierMode, bands: [Band], per: FeePeriodicity, vat: VATRate)
    case minimumGuarantee(threshold: Int, price: PriceSchedule, vat: VATRate)
    case events(EventTerms)

    public var revenueKind: RevenueKind {
        switch self {
        case .subsidyPerCover, .subsidyCappedByTray, .subsidyAsRecorded: return .subsidy
        case .guestMeals: return .guestMeals
        case .admissionFee: return .admissionFee
        case .cafeteriaParticipation: return .cafeteria
        case .flatFee, .floorFee, .tieredFee: return .fee
        case .minimumGuarantee: return .minimumGuarantee
        case .events: return .events
        }
    }

    /// Fees on the client's total covers (T8–T10): their own invoice when billing per site.
    public var isClientFee: Bool { revenueKind == .fee }
}

public struct Term: Sendable {
    public var rule: TermRule
    /// The words of the contract (`admission fee`), for explanations.
    public var name: String
    /// The invoice line's label (French, from the contract or the revenue type).
    public var label: String
    public var revenueType: String?
    public var validFrom: Day?
    public var validUntil: Day?
    public var payer: String?
    /// The sites whose revenue the term bills (`at sites LD01`); nil: every site of the contract.
    public var sites: [String]? = nil
    public var revision: IndexRevision?
    /// 1-based line of the term in its file.
    public var line: Int
}

/// An example carried by the contract (`ardoise test` runs it).
public struct ContractExample: Sendable {
    public var name: String
    public var line: Int
    public var period: Period
    public var issued: Day
    public var revenue: ClientRevenue
    public var expectations: [Expectation]

    public enum Expectation: Sendable {
        case line(label: String, net: Money, line: Int)
        case totalTTC(Money, line: Int)
        case totalHT(Money, line: Int)
        case due(Day, payer: String?, line: Int)
        case invoices(Int, line: Int)
        case nothing(line: Int)
    }
}
