/// An amount of euros, exact to the cent (integer minor units).
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The amount in cents.
    public var cents: Int64

    @inlinable public init(cents: Int64) { self.cents = cents }

    public static let zero = Money(cents: 0)

    /// Parses `1500.00`, `1,500.00` or `-0.45`; nil when not a cent-exact number.
    public init?(_ text: some StringProtocol) {
        guard let v = DecimalText.parse(Substring(text), scale: 2, groupSeparator: ",") else { return nil }
        cents = v
    }

    /// Parses the registers' decimal comma, `1234,50`.
    public init?(decimalComma text: Substring) {
        guard let v = DecimalText.parse(text, scale: 2, decimalSeparator: ",") else { return nil }
        cents = v
    }

    /// `1500.00`: the plain form used in JSON and files.
    public var description: String { DecimalText.format(cents, scale: 2, minimumFraction: 2) }
    /// `1,500.00`: the form a finance reader expects in text reports.
    public var grouped: String { DecimalText.format(cents, scale: 2, minimumFraction: 2, groupSeparator: ",") }
    /// `1 500,00`: the French form of documents.
    public var french: String {
        DecimalText.format(cents, scale: 2, minimumFraction: 2, decimalSeparator: ",", groupSeparator: "\u{202F}")
    }

    @inlinable public static func + (a: Money, b: Money) -> Money { Money(cents: a.cents + b.cents) }
    @inlinable public static func - (a: Money, b: Money) -> Money { Money(cents: a.cents - b.cents) }
    @inlinable public static prefix func - (a: Money) -> Money { Money(cents: -a.cents) }
    @inlinable public static func += (a: inout Money, b: Money) { a.cents += b.cents }
    @inlinable public static func -= (a: inout Money, b: Money) { a.cents -= b.cents }
    @inlinable public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }
    @inlinable public var isZero: Bool { cents == 0 }

    /// This amount as a 4-decimal price (for a line whose quantity is 1).
    public var asPrice: Price {
        get throws(MoneyOverflow) {
            let (t, o) = cents.multipliedReportingOverflow(by: 100)
            if o { throw MoneyOverflow("\(self) as a unit price") }
            return Price(tenThousandths: t)
        }
    }

    /// An amount including VAT at `rate`, converted to its HT: `round(TTC / (1 + rate/100), 2)`.
    @inlinable public func excludingVAT(at rate: Percentage) throws(MoneyOverflow) -> Money {
        let denominator = Percentage.hundred + Int128(rate.tenThousandths)
        guard denominator > 0 else { throw MoneyOverflow("\(self) TTC at \(rate) % VAT") }
        return try Money(
            exactly: divideRoundingHalfAwayFromZero(Int128(cents) * Percentage.hundred, denominator),
            "\(self) TTC at \(rate) % VAT")
    }

    /// `round(self × rate / 100, 2)`: VAT on a base, or a percentage of an amount.
    @inlinable public func percent(_ rate: Percentage) throws(MoneyOverflow) -> Money {
        try Money(
            exactly: divideRoundingHalfAwayFromZero(Int128(cents) * Int128(rate.tenThousandths), Percentage.hundred),
            "\(rate) % of \(self)")
    }

    /// `round(self × numerator / denominator, 2)`: proration by days.
    @inlinable public func prorated(_ numerator: Int, over denominator: Int) throws(MoneyOverflow) -> Money {
        guard denominator != 0 else { throw MoneyOverflow("\(self) × \(numerator) / 0") }
        return try Money(
            exactly: divideRoundingHalfAwayFromZero(Int128(cents) * Int128(numerator), Int128(denominator)),
            "\(self) × \(numerator) / \(denominator)")
    }

    /// `round(self × share / (100 + rate), 2)`: a share of an amount TTC, converted to HT in one rounding.
    @inlinable public func percent(_ share: Percentage, excludingVATAt rate: Percentage) throws(MoneyOverflow) -> Money
    {
        let denominator = Percentage.hundred + Int128(rate.tenThousandths)
        guard denominator > 0 else { throw MoneyOverflow("\(share) % of \(self) TTC at \(rate) % VAT") }
        return try Money(
            exactly: divideRoundingHalfAwayFromZero(Int128(cents) * Int128(share.tenThousandths), denominator),
            "\(share) % of \(self) TTC at \(rate) % VAT")
    }

    /// `self + other`, or an error when the sum does not fit (the `+` operator traps).
    @inlinable public func adding(_ other: Money) throws(MoneyOverflow) -> Money {
        let (sum, overflow) = cents.addingReportingOverflow(other.cents)
        if overflow { throw MoneyOverflow("\(self) + \(other)") }
        return Money(cents: sum)
    }

    /// `self - other`, or an error when the difference does not fit.
    @inlinable public func subtracting(_ other: Money) throws(MoneyOverflow) -> Money {
        let (difference, overflow) = cents.subtractingReportingOverflow(other.cents)
        if overflow { throw MoneyOverflow("\(self) - \(other)") }
        return Money(cents: difference)
    }

    /// `-self`, or an error for the one amount whose opposite does not fit.
    @inlinable public func negated() throws(MoneyOverflow) -> Money {
        guard cents != .min else { throw MoneyOverflow("-(\(self))") }
        return Money(cents: -cents)
    }

    /// The cents of an exact quotient, or an error naming `operation` when they do not fit.
    @inlinable init(exactly value: Int128, _ operation: @autoclosure () -> String) throws(MoneyOverflow) {
        guard let c = Int64(exactly: value) else { throw MoneyOverflow(operation()) }
        cents = c
    }
}

extension Sequence where Element == Money {
    /// The sum of the amounts; traps on overflow: for amounts that are bounded
    /// already (a document's stored lines). Sums of outside values use `checkedSum()`.
    public func sum() -> Money { reduce(.zero, +) }

    /// The sum of the amounts, or an error when it does not fit.
    public func checkedSum() throws(MoneyOverflow) -> Money {
        var total = Money.zero
        for m in self { total = try total.adding(m) }
        return total
    }
}

/// A unit price in euros with up to 4 decimals (ten-thousandths of a euro).
public struct Price: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var tenThousandths: Int64
    @inlinable public init(tenThousandths: Int64) { self.tenThousandths = tenThousandths }
    public static let zero = Price(tenThousandths: 0)

    /// Parses `2.35`, `1,500.00`, `24.1667`; nil beyond 4 decimals.
    public init?(_ text: some StringProtocol) {
        guard let v = DecimalText.parse(Substring(text), scale: 4, groupSeparator: ",") else { return nil }
        tenThousandths = v
    }

    public init(_ money: Money) { tenThousandths = money.cents * 100 }

    /// At least two decimals, up to four: `2.35`, `2.4091`.
    public var description: String { DecimalText.format(tenThousandths, scale: 4, minimumFraction: 2) }
    public var grouped: String { DecimalText.format(tenThousandths, scale: 4, minimumFraction: 2, groupSeparator: ",") }
    public var french: String {
        DecimalText.format(
            tenThousandths, scale: 4, minimumFraction: 2, decimalSeparator: ",", groupSeparator: "\u{202F}")
    }

    @inlinable public static func < (a: Price, b: Price) -> Bool { a.tenThousandths < b.tenThousandths }

    /// `round(quantity × price, 2)`: a line's net amount, or an error when it does not fit in cents.
    @inlinable public func times(_ quantity: Int) throws(MoneyOverflow) -> Money {
        // Int64 × Int64 always fits in Int128: only the quotient's conversion can fail.
        try Money(
            exactly: divideRoundingHalfAwayFromZero(Int128(tenThousandths) * Int128(quantity), 100),
            "\(quantity) × \(self)")
    }

    /// `round(quantity × price / (1 + rate/100), 2)`: a per-cover price stated TTC, converted once.
    @inlinable public func times(_ quantity: Int, excludingVATAt rate: Percentage) throws(MoneyOverflow) -> Money {
        let (numerator, o) = (Int128(tenThousandths) * Int128(quantity)).multipliedReportingOverflow(
            by: Percentage.hundred)
        let denominator = (Percentage.hundred + Int128(rate.tenThousandths)) * 100
        guard !o, denominator > 0 else { throw MoneyOverflow("\(quantity) × \(self) TTC at \(rate) % VAT") }
        return try Money(
            exactly: divideRoundingHalfAwayFromZero(numerator, denominator),
            "\(quantity) × \(self) TTC at \(rate) % VAT")
    }

    /// `round(price × share / 100, 4)`: a share of a fee, or a discounted price.
    @inlinable public func percent(_ share: Percentage) throws(MoneyOverflow) -> Price {
        let v = divideRoundingHalfAwayFromZero(
            Int128(tenThousandths) * Int128(share.tenThousandths), Percentage.hundred)
        guard let t = Int64(exactly: v) else { throw MoneyOverflow("\(share) % of \(self)") }
        return Price(tenThousandths: t)
    }

    /// The amount, when it is a whole number of cents.
    public var exactMoney: Money? { tenThousandths % 100 == 0 ? Money(cents: tenThousandths / 100) : nil }
}

/// A percentage or a coefficient with up to 4 decimals: `10` (VAT 10%), `5.5`,
/// `60` (a 60% share), and plain coefficients such as `0.15` in index formulas.
/// Stored in ten-thousandths of the number as written (`10%` is 100000).
public struct Percentage: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var tenThousandths: Int64
    @inlinable public init(tenThousandths: Int64) { self.tenThousandths = tenThousandths }
    /// 100 in ten-thousandths: the denominator of a percentage.
    public static let hundred: Int128 = 1_000_000
    public static let zero = Percentage(tenThousandths: 0)
    public static let full = Percentage(tenThousandths: 1_000_000)

    public init?(_ text: some StringProtocol) {
        guard let v = DecimalText.parse(Substring(text), scale: 4) else { return nil }
        tenThousandths = v
    }
    /// Parses the registers' `10,0` or `5,5`.
    public init?(decimalComma text: Substring) {
        guard let v = DecimalText.parse(text, scale: 4, decimalSeparator: ",") else { return nil }
        tenThousandths = v
    }
    public init(whole: Int) { tenThousandths = Int64(whole) * 10_000 }

    /// `10`, `5.5`, `0.15`.
    public var description: String { DecimalText.format(tenThousandths, scale: 4, minimumFraction: 0) }
    /// `10.0`: the form e-invoices and exports use for VAT rates.
    public var oneDecimal: String { DecimalText.format(tenThousandths, scale: 4, minimumFraction: 1) }
    public var french: String {
        DecimalText.format(tenThousandths, scale: 4, minimumFraction: 0, decimalSeparator: ",")
    }
    @inlinable public static func < (a: Percentage, b: Percentage) -> Bool { a.tenThousandths < b.tenThousandths }
}

/// A VAT rate in percent; a distinct name for readability at call sites.
public typealias VATRate = Percentage

extension Percentage {
    /// The rates of French VAT (CGI art. 278 ff.), with 0 for exempt lines.
    public static let frenchRates: [VATRate] = [0, 21_000, 55_000, 100_000, 200_000].map { VATRate(tenThousandths: $0) }
}
