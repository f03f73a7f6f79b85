import BillingModel
import ContractLanguage
import Foundation
import GRDB
import Ledger
import Settings

/// A client that could not be billed, and why: the others are billed.
public struct BillingFailure: Sendable, Equatable {
    public var client: String
    public var message: String
}

/// What a billing run did.
public struct BillingReport: Sendable {
    public var period: Period
    public var issueDate: Day
    public var clientsBilled: Set<String> = []
    public var created: [Int64] = []
    public var unchanged = 0
    public var alreadyIssued = 0
    public var issued: [String] = []
    public var failures: [BillingFailure] = []
    public var totalHT = Money.zero
    public var totalTTC = Money.zero
    public var notes: [String] = []
}

/// The billing engine: compiled contracts over the ledger's revenue, and the
/// life of the documents they produce. It knows nothing of the web or the CLI.
public struct BillingEngine: Sendable {
    public let ledger: Ledger
    public let settings: Settings
    public let contracts: [String: CompiledContract]
    public let actor: String

    public init(ledger: Ledger, settings: Settings, contracts: [String: Contract], actor: String = "ardoise") {
        self.ledger = ledger
        self.settings = settings
        let index = settings.contractIndexValues
        self.contracts = contracts.mapValues { CompiledContract($0, indexSeries: index) }
        self.actor = actor
    }

    // MARK: periods

    /// The billing periods of a contract billed with the requested period:
    /// those of its cadence that end inside it; an explicit range
    /// (`2026-10-01..2026-10-15`) is billed as it is.
    public static func billingPeriods(of contract: Contract, requested: Period, explicitRange: Bool) -> [Period] {
        if explicitRange { return [requested] }
        var out: [Period] = []
        var p = contract.cadence.period(containing: requested.start)
        while p.start <= requested.end {
            if requested.contains(p.end) { out.append(p) }
            p = contract.cadence.period(containing: p.end.adding(days: 1))
        }
        return out
    }

    /// The periods due on `day` for the scheduled run: each contract's latest
    /// billing period that ended before `day`.
    public static func duePeriod(of contract: Contract, on day: Day) -> Period {
        contract.cadence.period(containing: day.adding(days: -1))
    }

    // MARK: generation

    /// Generates the proformas of `period` for every client (or `only` these),
    /// issued on `issueDate`; validates those of contracts in automatic mode.
    /// Generating twice changes nothing; a period already issued is kept.
    public func generate(period: Period, explicitRange: Bool = false, issueDate: Day, only: Set<String>? = nil,
                         now: Date = Date()) throws -> BillingReport {
        var plan: [(CompiledContract, Period)] = []
        for (client, c) in contracts.sorted(by: { $0.key < $1.key }) where only?.contains(client) ?? true {
            for p in BillingEngine.billingPeriods(of: c.contract, requested: period, explicitRange: explicitRange) { plan.append((c, p)) }
        }
        return try generate(plan, requested: period, issueDate: issueDate, now: now)
    }

    /// Generates what the scheduled run owes on `day`: each contract's period that just ended.
    public func generateDue(on day: Day, now: Date = Date()) throws -> BillingReport {
        let plan = contracts.sorted { $0.key < $1.key }.map { ($0.value, BillingEngine.duePeriod(of: $0.value.contract, on: day)) }
        let requested = plan.map(\.1).reduce(Period(start: day, end: day)) { Period(start: min($0.start, $1.start), end: max($0.end, $1.end)) }
        return try generate(plan, requested: requested, issueDate: day, now: now)
    }

    func window(_ plan: [(CompiledContract, Period)]) -> Period? {
        var w: Period?
        for (c, p) in plan {
            let r = c.revenueWindow(for: p)
            w = w.map { Period(start: min($0.start, r.start), end: max($0.end, r.end)) } ?? r
        }
        return w
    }

    func generate(_ plan: [(CompiledContract, Period)], requested: Period, issueDate: Day, now: Date) throws -> BillingReport {
        var report = BillingReport(period: requested, issueDate: issueDate)
        guard let window = window(plan) else { return report }
        let revenue = try RevenueLoader(ledger: ledger)
            .load(window: window, contracts: contracts.mapValues(\.contract), knownClients: Set(settings.clients.map(\.code)))
        var drafts: [NewInvoice] = []
        for (compiled, p) in plan {
            let c = compiled.contract
            let clientRevenue = revenue.byClient[c.client] ?? ClientRevenue()
            do {
                let evaluation = try compiled.evaluate(period: p, issueDate: issueDate, revenue: clientRevenue)
                report.notes += evaluation.notes.map { "\(c.client): \($0)" }
                for draft in c.invoices(for: evaluation.lines) {
                    drafts.append(newInvoice(draft, contract: c, period: p, issueDate: issueDate, origin: .contract,
                                             revenue: clientRevenue))
                }
            } catch {
                report.failures.append(BillingFailure(client: c.client, message: "\(error)"))
            }
        }
        try store(drafts, into: &report, now: now)
        return report
    }

    /// Stores drafts as proformas in one transaction, then issues the automatic ones.
    func store(_ drafts: [NewInvoice], into report: inout BillingReport, now: Date) throws {
        let created: [(Int64, Bool)] = try ledger.pool.write { db in
            var out: [(Int64, Bool)] = []
            for d in drafts {
                if let id = try ledger.createProforma(d, actor: actor, at: now, db: db) {
                    out.append((id, d.automatic))
                } else if let key = d.generationKey,
                          let existing = try Invoice.filter(Invoice.Columns.generationKey == key && Invoice.Columns.status != InvoiceStatus.discarded.rawValue).fetchOne(db) {
                    if existing.status == .issued { report.alreadyIssued += 1 } else {
                        report.unchanged += 1
                        if d.automatic, let id = existing.id { out.append((id, true)) }
                    }
                }
            }
            return out
        }
        for d in drafts { report.clientsBilled.insert(d.client) }
        report.created += created.filter { id, _ in !report.created.contains(id) }.map(\.0)
        let automatic = created.filter(\.1).map(\.0)
        if !automatic.isEmpty { report.issued += try validate(ids: automatic, on: report.issueDate, now: now) }
        for id in created.map(\.0) {
            if let i = try ledger.invoice(id: id)?.invoice {
                let sign: Int64 = i.type == .creditNote ? -1 : 1
                report.totalHT += Money(cents: sign * i.totalHt)
                report.totalTTC += Money(cents: sign * i.totalTtc)
            }
        }
    }

    func newInvoice(_ draft: InvoiceDraft, contract c: Contract, period: Period, issueDate: Day, origin: InvoiceOrigin,
                    revenue: ClientRevenue) -> NewInvoice {
        let key = ["contract", c.client, period.start.description, period.end.description, draft.payer ?? "", draft.site ?? "",
                   draft.lines.first?.isClientFee == true && (c.perSite || c.feesOnOwnInvoice) ? "fees" : ""].joined(separator: "|")
        let siteDays = revenue.days.filter { period.contains($0.day) && (draft.site == nil || $0.site == draft.site) }
            .map { SiteDayKey(site: $0.site, day: $0.day) }
        return NewInvoice(type: .invoice, series: series(for: .invoice), client: c.client, payer: draft.payer, site: draft.site,
                          period: period, issueDate: issueDate, dueDate: c.payment.dueDate(issuedOn: issueDate),
                          paymentTerms: c.payment.description, origin: origin, generationKey: key,
                          automatic: c.automaticValidation, lines: draft.lines.map(NewInvoiceLine.init), siteDays: siteDays)
    }

    func series(for type: DocumentKind) -> String {
        let t: DocumentType = type == .invoice ? .invoice : .creditNote
        return settings.numberSeries(for: t)?.code ?? (type == .invoice ? "FA" : "AV")
    }

    func format(series code: String) -> SeriesFormat {
        guard let s = settings.numberSeries(code) else { return SeriesFormat(prefix: code + "-", width: 6) }
        return SeriesFormat(prefix: s.prefix, width: s.width)
    }

    // MARK: validation

    /// Validates proformas: each gets the next number of its series, the
    /// issue date `day` and its due date from its payment terms.
    @discardableResult
    public func validate(ids: [Int64], on day: Day, now: Date = Date()) throws -> [String] {
        var numbers: [String] = []
        for id in ids {
            guard let stored = try ledger.invoice(id: id) else { throw InvoiceError("no invoice \(id)") }
            let terms = PaymentTerms(description: stored.invoice.paymentTerms) ?? .onReceipt
            numbers.append(try ledger.issue(id: id, on: day, dueDate: terms.dueDate(issuedOn: day),
                                            format: format(series: stored.invoice.series), actor: actor, at: now,
                                            mail: outboxRequest(for: stored.invoice)))
        }
        return numbers
    }
}

extension BilledLine {
    var asNewLine: NewInvoiceLine {
        NewInvoiceLine(label: label, quantity: quantity, unitPrice: unitPrice, net: net, vat: vat, revenueType: revenueType, site: site,
                       service: servicePeriod, termLine: termLine, explanation: explanation, orderId: orderID)
    }
}

extension NewInvoiceLine {
    init(_ l: BilledLine) { self = l.asNewLine }
}

extension Settings {
    /// Index values by series and month, for compiled contracts.
    public var contractIndexValues: [String: [String: Percentage]] {
        var out: [String: [String: Percentage]] = [:]
        for s in indexSeries {
            var values: [String: Percentage] = [:]
            for (month, v) in s.values { values[month.description] = Percentage(tenThousandths: v.tenThousandths) }
            out[s.code] = values
        }
        return out
    }
}
