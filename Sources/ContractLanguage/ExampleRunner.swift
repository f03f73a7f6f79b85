import BillingModel

/// Runs the examples a contract carries (`ardoise test`), like `opa test`
/// for policies: given revenue, expected invoice figures.
public struct ExampleResult: Sendable {
    public var file: String
    public var client: String
    public var example: String
    public var line: Int
    public var failures: [String]
    /// The computed invoices, line by line, with the figures behind each line.
    public var report: String
    public var passed: Bool { failures.isEmpty }
}

public enum ExampleRunner {
    public static func run(_ contract: Contract, indexSeries: [String: [String: Percentage]]) -> [ExampleResult] {
        let compiled = CompiledContract(contract, indexSeries: indexSeries)
        return contract.examples.map { run($0, compiled) }
    }

    static func run(_ example: ContractExample, _ compiled: CompiledContract) -> ExampleResult {
        let contract = compiled.contract
        var failures: [String] = []
        var report = ""
        var lines: [BilledLine] = []
        var drafts: [InvoiceDraft] = []
        do {
            let evaluation = try compiled.evaluate(
                period: example.period, issueDate: example.issued, revenue: example.revenue)
            lines = evaluation.lines
            drafts = contract.invoices(for: lines)
            if let (_, events) = contract.eventsTerm, events.grouping == .perOrder {
                for o in example.revenue.orders where example.period.contains(o.deliveredOn) {
                    let ls = try compiled.priceOrder(o)
                    lines += ls
                    drafts += contract.invoices(for: ls)
                }
            }
            for n in evaluation.notes { report += "    note: \(n)\n" }
            for u in evaluation.unbilled {
                report +=
                    "    unbilled: \(u.amountTTC) at \(u.site)\(u.category.map { " category \($0)" } ?? ""): \(u.reason)\n"
            }
        } catch {
            failures.append("the contract could not be evaluated: \(error)")
        }
        // An example whose amounts do not fit is a failure of the example, never a trap.
        var totals: [InvoiceTotals] = []
        do { totals = try drafts.map { (d) throws(MoneyOverflow) in try d.totals } } catch {
            failures.append("the example's invoices do not add up: \(error)")
            drafts = []
        }
        for (i, d) in drafts.enumerated() {
            let t = totals[i]
            report +=
                "    invoice \(i + 1)\(d.payer.map { " to \($0)" } ?? "")\(d.site.map { " for site \($0)" } ?? ""):\n"
            for l in d.lines {
                report += "      \(l.label): \(l.quantity) × \(l.unitPrice) = \(l.net) HT at \(l.vat)%\n"
                report += "        \(l.explanation)\n"
            }
            for v in t.breakdown { report += "      VAT \(v.rate)% on \(v.base.grouped) = \(v.vat.grouped)\n" }
            report += "      total HT \(t.totalHT.grouped), VAT \(t.totalVAT.grouped), TTC \(t.totalTTC.grouped)\n"
        }
        let totalTTC = (try? totals.map(\.totalTTC).checkedSum()) ?? .zero
        let totalHT = (try? totals.map(\.totalHT).checkedSum()) ?? .zero
        for x in example.expectations {
            switch x {
            case .line(let label, let net, let line):
                let found = lines.filter { $0.label == label }
                if found.isEmpty {
                    let labels = lines.map { "`\($0.label)`" }.joined(separator: ", ")
                    failures.append(
                        "line \(line): expected a line `\(label)` of \(net.grouped) HT, computed none (lines: \(labels.isEmpty ? "none" : labels))"
                    )
                } else if let computed = try? found.map(\.net).checkedSum(), computed != net {
                    failures.append(
                        "line \(line): line `\(label)`: expected \(net.grouped) HT, computed \(computed.grouped) HT (\(found.map(\.explanation).joined(separator: "; ")))"
                    )
                }
            case .totalTTC(let m, let line):
                if m != totalTTC {
                    failures.append("line \(line): total: expected \(m.grouped) TTC, computed \(totalTTC.grouped) TTC")
                }
            case .totalHT(let m, let line):
                if m != totalHT {
                    failures.append("line \(line): total: expected \(m.grouped) HT, computed \(totalHT.grouped) HT")
                }
            case .due(let d, let payer, let line):
                let terms = contract.paymentTerms(for: payer)
                let due = terms.dueDate(issuedOn: example.issued)
                let whose = payer.map { " for \($0)" } ?? ""
                if due != d {
                    failures.append(
                        "line \(line): due date\(whose): expected \(d), computed \(due) (\(terms) from \(example.issued))"
                    )
                }
            case .invoices(let n, let line):
                if n != drafts.count {
                    failures.append("line \(line): invoices: expected \(n), computed \(drafts.count)")
                }
            case .nothing(let line):
                if !drafts.isEmpty {
                    failures.append(
                        "line \(line): expected nothing billed, computed \(drafts.count) invoice(s), \(totalTTC.grouped) TTC"
                    )
                }
            }
        }
        return ExampleResult(
            file: contract.file, client: contract.client, example: example.name, line: example.line, failures: failures,
            report: report)
    }
}
