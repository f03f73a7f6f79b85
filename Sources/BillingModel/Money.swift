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
    public var asPrice: Price { Price(tenThousandths: cents * 100) }

    /// An amount including VAT at `rate`, converted to its HT: `round(TTC / (1 + rate/100), 2)`.
    @inlinable public func excludingVAT(at rate: Percentage) -> Money {
        Money(cents: Int64(divideRoundingHalfAwayFromZero(Int128(cents) * Percentage.hundred, Percentage.hundred + Int128(rate.tenThousandths))))
    }

    /// `round(self × rate / 100, 2)`: VAT on a base, or a percentage of an amount.
    @inlinable public func percent(_ rate: Percentage) -> Money {
        Money(cents: Int64(divideRoundingHalfAwayFromZero(Int128(cents) * Int128(rate.tenThousandths), Percentage.hundred)))
    }

    /// `round(self × numerator / denominator, 2)`: proration by days.
    @inlinable public func prorated(_ numerator: Int, over denominator: Int) -> Money {
        Money(cents: Int64(divideRoundingHalfAwayFromZero(Int128(cents) * Int128(numerator), Int128(denominator))))
    }
}

extension Sequence where Element == Money {
    /// The sum of the amounts.
    public func sum() -> Money { reduce(.zero, +) }
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
        DecimalText.format(tenThousandths, scale: 4, minimumFraction: 2, decimalSeparator: ",", groupSeparator: "\u{202F}")
    }

    @inlinable public static func < (a: Price, b: Price) -> Bool { a.tenThousandths < b.tenThousandths }

    /// `round(quantity × price, 2)`: a line's net amount.
    @inlinable public func times(_ quantity: Int) -> Money {
        Money(cents: Int64(divideRoundingHalfAwayFromZero(Int128(tenThousandths) * Int128(quantity), 100)))
    }

    /// `round(quantity × price / (1 + rate/100), 2)`: a per-cover price stated TTC, converted once.
    @inlinable public func times(_ quantity: Int, excludingVATAt rate: Percentage) -> Money {
        let numerator = Int128(tenThousandths) * Int128(quantity) * Percentage.hundred
        let denominator = (Percentage.hundred + Int128(rate.tenThousandths)) * 100
        return Money(cents: Int64(divideRoundingHalfAwayFromZero(numerator, denominator)))
    }

    /// `round(price × share / 100, 4)`: a share of a fee, or a discounted price.
    @inlinable public func percent(_ share: Percentage) -> Price {
        Price(tenThousandths: Int64(divideRoundingHalfAwayFromZero(Int128(tenThousandths) * Int128(share.tenThousandths), Percentage.hundred)))
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
    public var french: String { DecimalText.format(tenThousandths, scale: 4, minimumFraction: 0, decimalSeparator: ",") }
    @inlinable public static func < (a: Percentage, b: Percentage) -> Bool { a.tenThousandths < b.tenThousandths }
}

/// A VAT rate in percent; a distinct name for readability at call sites.
public typealias VATRate = Percentage

extension Percentage {
    /// The rates of French VAT (CGI art. 278 ff.), with 0 for exempt lines.
    public static let frenchRates: [VATRate] = [0, 21_000, 55_000, 100_000, 200_000].map { VATRate(tenThousandths: $0) }
}
