import BillingModel
import ContractLanguage
import Foundation
import Ledger

extension Engine {
    /// Bills late revenue: the effect of register files corrected after the
    /// period they belong to was invoiced, and nothing else.
    ///
    /// For each such period the client's contract, as it stands, is evaluated
    /// twice over the same period: once over the revenue as it was invoiced
    /// (each site-day at the file the client's latest issued document of that
    /// site-day billed; a late site-day no document billed, without its file;
    /// other site-days no document billed at their current file)
    /// and once over the revenue now. The difference, line by line, becomes a
    /// correction issued on `issueDate` in the open period, per invoice of the
    /// contract (payer, site): a supplementary invoice when it adds up to more,
    /// a credit note (positive amounts) when to less. So a change of the
    /// contract since the period was invoiced is never billed by a correction
    /// (`ardoise diff` shows its impact; billing it is a decision), and a line
    /// an accountant edited on the proforma is never put back. Issued documents
    /// are never touched. Late revenue that changes no amount is settled with
    /// no document. Event order lines are left to `billEvents`, which follows
    /// each order.
    public func correctLateRevenue(issueDate: Day, only: Set<String>? = nil, now: Date = Date()) throws -> BillingReport
    {
        let late = try widenedToFeeWindows(
            try ledger.periodsWithLateRevenue(openDayClients: openDayClients).filter {
                only?.contains($0.client) ?? true
            })
        var report = BillingReport(
            period: late.map(\.period).reduce(Period(start: issueDate, end: issueDate)) {
                Period(start: min($0.start, $1.start), end: max($0.end, $1.end))
            }, issueDate: issueDate)
        var drafts: [NewInvoice] = []
        let loader = RevenueLoader(ledger: ledger)
        for (client, period, siteDays) in late {
            guard let compiled = contracts[client] else {
                report.failures.append(
                    BillingFailure(
                        client: client, message: "late revenue for \(period.name) but the client has no contract"))
                continue
            }
            let c = compiled.contract
            let window = compiled.revenueWindow(for: period)
            let current = try ledger.currentFiles(period: window)
            let issuedDocs = try ledger.documents(client: client, period: period, statuses: [.issued])
            let issuedGroups = Set(
                issuedDocs.filter { $0.invoice.origin == .contract || $0.invoice.origin == .correction }
                    .map { InvoiceGroup(payer: $0.invoice.payer, site: $0.invoice.site) })
            // "As invoiced" per invoice of the contract: a correction of one invoice validated before
            // another's must not count for the other. A group never issued compares with the client's files.
            func invoicedFiles(_ g: InvoiceGroup?) throws -> [SiteDayKey: Int64] {
                let recorded = try ledger.invoicedFiles(
                    client: client, period: window, group: g.map { ($0.payer, $0.site) })
                var invoiced = current.merging(recorded) { _, billed in billed }
                // A late site-day no document billed had none of the client's tickets when it was invoiced.
                for k in siteDays where recorded[k] == nil { invoiced[k] = nil }
                return invoiced
            }
            let revenueNow = try loader.load(client: client, contract: c, window: window, files: current)
            var before: [InvoiceGroup: LineTally] = [:], after: [InvoiceGroup: LineTally]
            do {
                after = try lineTallies(compiled, period: period, issueDate: issueDate, revenue: revenueNow)
                var evaluated: [[SiteDayKey: Int64]: [InvoiceGroup: LineTally]] = [:]
                for g in Set(after.keys).union(issuedGroups) {
                    let files = try invoicedFiles(issuedGroups.contains(g) ? g : nil)
                    if evaluated[files] == nil {
                        let revenue = try loader.load(client: client, contract: c, window: window, files: files)
                        evaluated[files] = try lineTallies(
                            compiled, period: period, issueDate: issueDate, revenue: revenue)
                    }
                    before[g] = evaluated[files]?[g]
                }
            } catch {
                report.failures.append(BillingFailure(client: client, message: "\(error)"))
                continue
            }
            // The documents a correction refers to (a credit note's invoice) and counts (its generation key).
            var original: [InvoiceGroup: Invoice] = [:]
            var corrections: [InvoiceGroup: Int] = [:]
            for doc in issuedDocs {
                let g = InvoiceGroup(payer: doc.invoice.payer, site: doc.invoice.site)
                if doc.invoice.origin == .contract, doc.invoice.type == .invoice {
                    original[g] = original[g] ?? doc.invoice
                }
                if doc.invoice.origin == .correction { corrections[g, default: 0] += 1 }
            }
            var changed = false
            for g in Array(Set(before.keys).union(after.keys)).sorted(by: {
                ($0.payer ?? "", $0.site ?? "") < ($1.payer ?? "", $1.site ?? "")
            }) {
                let b = before[g] ?? LineTally(), a = after[g] ?? LineTally()
                if b.sameAmounts(as: a) { continue }
                changed = true
                let delta = LineTally.difference(from: b, to: a) { old, new in
                    .lateRevenue(period: period, invoiced: old?.tally, now: new?.tally)
                }.map { l -> NewInvoiceLine in
                    var l = l
                    l.label = "Régularisation \(period.frenchName) : \(l.label)"
                    return l
                }
                let sum = delta.map(\.net).sum()
                let type: DocumentKind = sum >= .zero ? .invoice : .creditNote
                drafts.append(
                    NewInvoice(
                        type: type, series: series(for: type), client: client, payer: g.payer, site: g.site,
                        period: period,
                        issueDate: issueDate, dueDate: c.paymentTerms(for: g.payer).dueDate(issuedOn: issueDate),
                        paymentTerms: c.paymentTerms(for: g.payer),
                        creditedInvoiceId: type == .creditNote ? original[g]?.id : nil, origin: .correction,
                        generationKey:
                            "correction|\(client)|\(period.start)|\(period.end)|\(g.payer ?? "")|\(g.site ?? "")|\((corrections[g] ?? 0) + 1)",
                        automatic: c.automaticValidation, lines: type == .invoice ? delta : delta.map(\.negated),
                        siteDays: siteDays.filter { g.site == nil || $0.site == g.site }))
            }
            if !changed {
                try ledger.settleWithoutDocument(client: client, siteDays: siteDays, actor: actor, at: now)
                report.notes.append(
                    "\(client): the corrected revenue of \(period.name) changes no amount; settled with no document")
            }
        }
        try store(drafts, into: &report, now: now)
        return report
    }

    /// The contract's lines for `period` over `revenue`, added up per invoice
    /// (payer, site); event order lines are left out.
    /// Per site, the clients whose contract has a daily minimum guarantee
    /// there (T11): a day the site opens late changes their bill.
    var openDayClients: [String: [String]] {
        var out: [String: [String]] = [:]
        for (client, c) in contracts.sorted(by: { $0.key < $1.key })
        where c.contract.hasDailyGuarantee {
            for site in c.contract.sites { out[site, default: []].append(client) }
        }
        return out
    }

    /// Late revenue also reaches the issued periods whose fees are computed
    /// over a wider window that holds the late days (a monthly fee in arrears
    /// billed with the week in which the month ends): those periods are
    /// corrected too, with the same site-days.
    func widenedToFeeWindows(_ late: [(client: String, period: Period, siteDays: [SiteDayKey])]) throws
        -> [(client: String, period: Period, siteDays: [SiteDayKey])]
    {
        var out = late
        for client in Set(late.map(\.client)).sorted() {
            guard let compiled = contracts[client] else { continue }
            let days = late.filter { $0.client == client }.flatMap(\.siteDays)
            let known = Set(late.filter { $0.client == client }.map(\.period))
            let periods = Set(
                try ledger.invoices(status: .issued, client: client).filter { $0.origin == .contract }.compactMap(
                    \.period))
            for p in periods.sorted(by: { $0.start < $1.start }) where !known.contains(p) {
                let window = compiled.revenueWindow(for: p)
                guard window != p else { continue }
                let inside = days.filter { window.contains($0.day) && !p.contains($0.day) }
                if !inside.isEmpty { out.append((client, p, inside)) }
            }
        }
        return out
    }

    func lineTallies(
        _ compiled: CompiledContract, period: Period, issueDate: Day,
        revenue: ClientRevenue
    ) throws(EvaluationError) -> [InvoiceGroup: LineTally] {
        let evaluation = try compiled.evaluate(period: period, issueDate: issueDate, revenue: revenue)
        var out: [InvoiceGroup: LineTally] = [:]
        for d in compiled.contract.invoices(for: evaluation.lines) {
            for l in d.lines.map(NewInvoiceLine.init) where l.orderId == nil {
                out[InvoiceGroup(payer: d.payer, site: d.site), default: LineTally()].add(l, sign: 1)
            }
        }
        return out
    }
}

/// An invoice of a contract's period as corrections compare them: its payer and site.
struct InvoiceGroup: Hashable {
    var payer: String?
    var site: String?
}
