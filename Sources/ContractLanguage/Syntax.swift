import BillingModel
import Diagnostics

/// A value with where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var range: SourceRange
    public init(_ value: Value, _ range: SourceRange) {
        self.value = value
        self.range = range
    }
}

/// The unit written after a number. Amounts carry their unit so that a
/// mistake of unit is an error of the checker, not a wrong invoice.
public enum AmountUnit: String, Sendable {
    case ht = "HT", ttc = "TTC", percent = "%", none = ""
}

/// A number as written, exact, with its unit: `4.20 HT`, `260.00 TTC`, `60%`, `2000`.
public struct AmountLiteral: Sendable {
    /// The value in ten-thousandths.
    public var tenThousandths: Int64
    public var unit: AmountUnit
    /// Decimals written (`4.20` has 2).
    public var decimals: Int
    public var range: SourceRange

    public var price: Price { Price(tenThousandths: tenThousandths) }
    public var percentage: Percentage { Percentage(tenThousandths: tenThousandths) }
    /// The amount in cents when it has at most 2 decimals.
    public var money: Money? { tenThousandths % 100 == 0 ? Money(cents: tenThousandths / 100) : nil }
    /// The whole number, when it is one.
    public var integer: Int? { tenThousandths % 10_000 == 0 ? Int(tenThousandths / 10_000) : nil }
}

/// A contract file after parsing: what it says, where, not yet checked.
public struct ContractSyntax: Sendable {
    public var file: String
    public var client: Located<String>?
    public var sites: [Located<String>] = []
    public var validity: ValiditySyntax?
    public var invoicing: InvoicingSyntax?
    public var payment: Located<PaymentTerms>?
    public var automaticValidation: Located<Bool>?
    public var notBilled: [Located<String>] = []
    public var terms: [TermSyntax] = []
    public var examples: [ExampleSyntax] = []
    /// Header statements written but not understood (their line has a syntax
    /// error): not reported again as missing.
    public var attemptedHeaders: Set<String> = []
    /// Term heads written but not understood, for completeness without cascades.
    public var attemptedTermKinds: Set<String> = []
    /// True when the parser reported an error: checks that would only repeat it are skipped.
    public var hasSyntaxErrors = false
}

public struct ValiditySyntax: Sendable {
    public var from: Located<Day>
    public var until: Located<Day>?
    public var range: SourceRange
}

public struct InvoicingSyntax: Sendable {
    public var cadence: Located<Cadence>
    public var perSite: Bool
    public var feesOnOwnInvoice: Bool
    public var range: SourceRange
}

/// A price that may change on dates (T13): the first price, then `then X from DATE`.
public struct PriceScheduleSyntax: Sendable {
    public var initial: AmountLiteral
    public var changes: [(from: Located<Day>, amount: AmountLiteral)]
}

public struct CategoryPriceSyntax: Sendable {
    public var category: Located<String>
    /// nil for `nothing`.
    public var price: PriceScheduleSyntax?
    public var range: SourceRange
}

public struct BandSyntax: Sendable {
    /// nil for `above`.
    public var upTo: AmountLiteral?
    public var price: AmountLiteral
    public var range: SourceRange
}

public enum FeePeriodicity: String, Sendable { case month, quarter }
public enum FeeTiming: String, Sendable { case inArrears = "in arrears", inAdvance = "in advance" }
public enum TierMode: String, Sendable { case graduated, volume }
public enum EventGrouping: String, Sendable { case perOrder = "one invoice per order", monthly = "grouped monthly" }
public enum EventChanges: String, Sendable { case creditAndReissue = "credit note and new invoice", difference }

/// `revised each year on 1 January by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 4 months before`.
public struct RevisionSyntax: Sendable {
    public var month: Int
    public var day: Int
    public var series: Located<String>
    public var fixedPart: AmountLiteral
    public var indexedPart: AmountLiteral
    public var baseIndex: AmountLiteral
    public var lagMonths: Located<Int>
    /// `from 2026`: the year of the first revision (none before it); nil when every year after the term starts revises.
    public var firstYear: Located<Int>?
    public var range: SourceRange
}

/// What a term bills.
public enum TermBody: Sendable {
    /// T2: `subsidy per cover at 10% VAT` with category lines.
    case subsidyPerCover(vat: AmountLiteral, categories: [CategoryPriceSyntax])
    /// T4: `subsidy capped by the tray at 10% VAT` with category caps TTC.
    case subsidyCappedByTray(vat: AmountLiteral, categories: [CategoryPriceSyntax])
    /// T3: `subsidy as recorded by the registers`.
    case subsidyAsRecorded
    /// T5: `guest meals billed in full`.
    case guestMeals
    /// T6: `admission fee 2.35 HT per cover at 10% VAT, client pays 60%`.
    case admissionFee(price: PriceScheduleSyntax, vat: AmountLiteral, share: AmountLiteral?)
    /// T7: `cafeteria participation 20% of tickets`.
    case cafeteriaParticipation(percent: AmountLiteral)
    /// T8: `fee "Frais de gestion" 1,200.00 HT per month at 20% VAT, in arrears`.
    case flatFee(amount: PriceScheduleSyntax, per: FeePeriodicity, vat: AmountLiteral, timing: FeeTiming)
    /// T9: `fee "…" per month at 20% VAT, in arrears: max(1,500.00 HT, 0.45 HT per cover)`.
    case floorFee(floor: AmountLiteral, perCover: AmountLiteral, per: FeePeriodicity, vat: AmountLiteral)
    /// T10: `fee "…" per month at 20% VAT, graduated:` with band lines.
    case tieredFee(mode: TierMode, bands: [BandSyntax], per: FeePeriodicity, vat: AmountLiteral)
    /// T11: `minimum guarantee 250 covers per day, shortfall at 1.50 HT per cover at 10% VAT`.
    case minimumGuarantee(threshold: AmountLiteral, price: PriceScheduleSyntax, vat: AmountLiteral)
    /// T19: `events at order prices, one invoice per order`.
    case events(
        grouping: EventGrouping, discount: AmountLiteral?, deliveryFee: DeliveryFeeSyntax?, changes: EventChanges)
}

public struct DeliveryFeeSyntax: Sendable {
    public var amount: AmountLiteral
    public var vat: AmountLiteral
    public var under: AmountLiteral
    public var range: SourceRange
}

/// One term of the contract, with its details.
public struct TermSyntax: Sendable {
    public var body: TermBody
    /// The words that name it on the first line (`admission fee`), for messages.
    public var name: String
    /// `fee "Frais de gestion"` or `labelled "…"`.
    public var label: Located<String>?
    public var applies: ValiditySyntax?
    public var billedTo: Located<String>?
    /// `billed to C0013-CSE, payment on receipt`: the payer's own payment terms.
    public var payerPayment: Located<PaymentTerms>?
    /// `at sites LD01, LD02`: the term bills only the revenue of these sites of the contract.
    public var sites: [Located<String>]?
    public var revision: RevisionSyntax?
    public var range: SourceRange
    /// False when the head line had a syntax error: its details are parsed but not checked.
    public var isValid: Bool = true
}

/// `example "October 2026"`: given revenue, expected invoice figures.
public struct ExampleSyntax: Sendable {
    public var name: Located<String>
    public var period: Located<Period>?
    public var issued: Located<Day>?
    public var givens: [GivenSyntax] = []
    public var expectations: [ExpectationSyntax] = []
    public var range: SourceRange
    /// A line of the example has a syntax error (reported): what it says is unknown, so nothing
    /// is reported as missing from the example.
    public var hasBrokenLine = false
}

public struct GivenSyntax: Sendable {
    public enum Kind: Sendable {
        case covers([(category: Located<String>, count: AmountLiteral)])
        case guests(tickets: AmountLiteral, ttc: AmountLiteral, vat: AmountLiteral?)
        case registeredSubsidies(category: Located<String>?, ttc: AmountLiteral, vat: AmountLiteral?)
        case trays(category: Located<String>, count: AmountLiteral, ticketTTC: AmountLiteral)
        case cafeteria(ttc: AmountLiteral, vat: AmountLiteral?)
        case order(id: Located<String>, lines: [(quantity: AmountLiteral, price: AmountLiteral, vat: AmountLiteral)])
    }
    public var kind: Kind
    public var day: Located<Day>?
    public var site: Located<String>?
    public var range: SourceRange
}

public struct ExpectationSyntax: Sendable {
    public enum Kind: Sendable {
        case line(label: Located<String>, amount: AmountLiteral)
        case total(AmountLiteral)
        /// `expect due 2026-12-31` (the client's invoices), `… for C0013-CSE` (a payer's).
        case due(Located<Day>, payer: Located<String>?)
        case invoices(AmountLiteral)
        case nothing
    }
    public var kind: Kind
    public var range: SourceRange
}
