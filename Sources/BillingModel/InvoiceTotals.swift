/// The VAT breakdown and totals of an invoice, per EN 16931 and `grammar/contract-terms.md`:
/// per rate, base = Σ line nets, VAT = round(base × rate / 100, 2) once.
public struct InvoiceTotals: Sendable, Equatable, Codable {
    public struct VATLine: Sendable, Equatable, Codable {
        public var rate: VATRate
        public var base: Money
        public var vat: Money
    }
    public var breakdown: [VATLine]
    public var totalHT: Money
    public var totalVAT: Money
    /// Fits: the initialiser checked the sum.
    public var totalTTC: Money { totalHT + totalVAT }

    /// No line: zero everywhere.
    public static let zero = InvoiceTotals(breakdown: [], totalHT: .zero, totalVAT: .zero)

    init(breakdown: [VATLine], totalHT: Money, totalVAT: Money) {
        self.breakdown = breakdown
        self.totalHT = totalHT
        self.totalVAT = totalVAT
    }

    /// The totals of `lines`, or an error when a base, its VAT or a total does not fit in cents.
    public init(lines: some Sequence<(net: Money, vat: VATRate)>) throws(MoneyOverflow) {
        var bases: [VATRate: Money] = [:]
        for l in lines { bases[l.vat] = try (bases[l.vat] ?? .zero).adding(l.net) }
        var breakdown: [VATLine] = []
        for r in bases.keys.sorted() {
            let base = bases[r] ?? .zero
            breakdown.append(VATLine(rate: r, base: base, vat: try base.percent(r)))
        }
        self.breakdown = breakdown
        totalHT = try breakdown.map(\.base).checkedSum()
        totalVAT = try breakdown.map(\.vat).checkedSum()
        _ = try totalHT.adding(totalVAT)
    }
}
