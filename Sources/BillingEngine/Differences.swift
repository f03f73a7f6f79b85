import BillingModel
import Ledger

/// Lines added up by what they bill (label, unit price, VAT rate), so what was
/// billed and what should have been can be compared line by line.
struct LineTally: Equatable {
    struct Key: Hashable {
        var label: String
        var unitPrice: Int64
        var vat: Int64
    }
    struct Entry: Equatable {
        var quantity: Int
        var net: Money
        var template: NewInvoiceLine
        /// What it bills, as a line's facts state it.
        var tally: LineFacts.Tally { LineFacts.Tally(quantity: quantity, net: net) }
    }
    private(set) var keys: [Key] = []
    private(set) var entries: [Key: Entry] = [:]

    init() {}

    init(_ lines: [NewInvoiceLine]) {
        for l in lines { add(l, sign: 1) }
    }

    mutating func add(_ line: NewInvoiceLine, sign: Int) {
        let key = Key(label: line.label, unitPrice: line.unitPrice.tenThousandths, vat: line.vat.tenThousandths)
        if entries[key] == nil {
            keys.append(key)
            entries[key] = Entry(quantity: 0, net: .zero, template: line)
        }
        entries[key]?.quantity += sign * line.quantity
        entries[key]?.net += Money(cents: Int64(sign) * line.net.cents)
    }

    /// The lines still standing: what was billed and not credited.
    var lines: [NewInvoiceLine] {
        keys.compactMap { k in
            guard let e = entries[k], e.net != .zero || e.quantity != 0 else { return nil }
            var l = e.template
            l.quantity = e.quantity
            l.net = e.net
            return l
        }
    }

    /// Whether both bill the same quantities and amounts, line by line (labels, explanations aside).
    func sameAmounts(as other: LineTally) -> Bool {
        func amounts(_ t: LineTally) -> [Key: [Int64]] {
            t.entries.filter { $0.value.quantity != 0 || $0.value.net != .zero }.mapValues {
                [Int64($0.quantity), $0.net.cents]
            }
        }
        return amounts(self) == amounts(other)
    }

    var total: Money { entries.values.map(\.net).sum() }

    /// `after − before`, line by line: added with `before + difference = after`
    /// exactly, in net amounts.
    static func difference(
        from before: LineTally, to after: LineTally,
        explain: (Entry?, Entry?) -> LineFacts.Computation
    ) -> [NewInvoiceLine] {
        var out: [NewInvoiceLine] = []
        var seen = Set<Key>()
        for k in after.keys + before.keys where seen.insert(k).inserted {
            let b = before.entries[k], a = after.entries[k]
            let dq = (a?.quantity ?? 0) - (b?.quantity ?? 0)
            let dn = (a?.net ?? .zero) - (b?.net ?? .zero)
            guard dq != 0 || dn != .zero, var l = (a ?? b)?.template.explained(by: explain(b, a)) else { continue }
            l.quantity = dq
            l.net = dn
            out.append(l)
        }
        return out
    }
}

extension NewInvoiceLine {
    /// The same line with its quantity and amount negated (a credit note shows positive amounts).
    var negated: NewInvoiceLine {
        var l = self
        l.quantity = -quantity
        l.net = Money(cents: -net.cents)
        return l
    }
}
