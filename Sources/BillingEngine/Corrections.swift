import BillingModel
import ContractLanguage
import Foundation
import Ledger

extension BillingEngine {
    /// Bills late revenue: for each period already invoiced whose register
    /// files were corrected since, the contract is evaluated again over the
    /// corrected revenue and compared, line by line, with what the issued
    /// documents of that period billed. The difference becomes a correction
    /// issued on `issueDate` in the open period: a supplementary invoice
    /// when it adds up to more, a credit note (positive amounts) when to
    /// less. Issued documents are never touched. A correction that changes
    /// no amount settles the late revenue with no document. Event order
    /// lines are left to `billEvents`, which follows each order.
    public func correctLateRevenue(issueDate: Day, only: Set<String>? = nil, now: Date = Date()) throws -> BillingReport {
        let late = try ledger.periodsWithLateRevenue().filter { only?.contains($0.client) ?? true }
        var report = BillingReport(period: late.map(\.period).reduce(Period(start: issueDate, end: issueDate)) {
            Period(start: min($0.start, $1.start), end: max($0.end, $1.end))
        }, issueDate: issueDate)
        var drafts: [NewInvoice] = []
        for (client, period, siteDays) in late {
            guard let compiled = contracts[client] else {
                report.failures.append(BillingFailure(client: client, message: "late revenue for \(period.name) but the client has no contract"))
                continue
            }
            let c = compiled.contract
            let evaluated = try draft([(compiled, period)], issueDate: issueDate)
            if let failure = evaluated.failures.first { report.failures.append(failure); continue }
            let issued = try ledger.documents(client: client, period: period, statuses: [.issued])
                .filter { $0.invoice.origin == .contract || $0.invoice.origin == .correction }
            // Compare per invoice as the contract groups them (payer, site).
            struct Group: Hashable { var payer: String?; var site: String? }
            var before: [Group: LineTally] = [:], after: [Group: LineTally] = [:]
            var original: [Group: Invoice] = [:]
            var corrections: [Group: Int] = [:]
            for doc in issued {
                let g = Group(payer: doc.invoice.payer, site: doc.invoice.site)
                if doc.invoice.origin == .contract, doc.invoice.type == .invoice { original[g] = original[g] ?? doc.invoice }
                if doc.invoice.origin == .correction { corrections[g, default: 0] += 1 }
                let sign = doc.invoice.type == .creditNote ? -1 : 1
                for l in doc.lines where l.orderId == nil { before[g, default: LineTally()].add(NewInvoiceLine(l), sign: sign) }
            }
            for d in evaluated.drafts {
                for l in d.lines where l.orderId == nil { after[Group(payer: d.payer, site: d.site), default: LineTally()].add(l, sign: 1) }
            }
            var changed = false
            for g in Array(Set(before.keys).union(after.keys)).sorted(by: { ($0.payer ?? "", $0.site ?? "") < ($1.payer ?? "", $1.site ?? "") }) {
                let b = before[g] ?? LineTally(), a = after[g] ?? LineTally()
                if b.sameAmounts(as: a) { continue }
                changed = true
                let delta = LineTally.difference(from: b, to: a) { old, new in
                    "late revenue for \(period.name): billed \(old.map { "\($0.quantity) for \($0.net)" } ?? "nothing"), corrected \(new.map { "\($0.quantity) for \($0.net)" } ?? "nothing")"
                }.map { l -> NewInvoiceLine in
                    var l = l
                    l.label = "Régularisation \(period.frenchName) : \(l.label)"
                    return l
                }
                let sum = delta.map(\.net).sum()
                let type: DocumentKind = sum >= .zero ? .invoice : .creditNote
                drafts.append(NewInvoice(
                    type: type, series: series(for: type), client: client, payer: g.payer, site: g.site, period: period,
                    issueDate: issueDate, dueDate: c.payment.dueDate(issuedOn: issueDate), paymentTerms: c.payment.description,
                    creditedInvoiceId: type == .creditNote ? original[g]?.id : nil, origin: .correction,
                    generationKey: "correction|\(client)|\(period.start)|\(period.end)|\(g.payer ?? "")|\(g.site ?? "")|\((corrections[g] ?? 0) + 1)",
                    automatic: c.automaticValidation, lines: type == .invoice ? delta : delta.map(\.negated),
                    siteDays: siteDays.filter { g.site == nil || $0.site == g.site }))
            }
            if !changed {
                try ledger.settleWithoutDocument(client: client, siteDays: siteDays, actor: actor, at: now)
                report.notes.append("\(client): the corrected revenue of \(period.name) changes no amount; settled with no document")
            }
        }
        try store(drafts, into: &report, now: now)
        return report
    }
}
