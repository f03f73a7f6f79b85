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
    public var totalTTC: Money { totalHT + totalVAT }

    public init(lines: some Sequence<(net: Money, vat: VATRate)>) {
        var bases: [VATRate: Money] = [:]
        for l in lines { bases[l.vat, default: .zero] += l.net }
        breakdown = bases.keys.sorted().map { r in
            let base = bases[r] ?? .zero
            return VATLine(rate: r, base: base, vat: base.percent(r))
        }
        totalHT = breakdown.map(\.base).sum()
        totalVAT = breakdown.map(\.vat).sum()
    }
}
