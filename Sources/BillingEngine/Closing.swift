import BillingModel
import Foundation
import Ledger
import Settings

/// One check run before a month is closed.
public struct ClosingCheck: Sendable {
    /// Which check: what the readers word (the CLI in English, the web in French).
    public enum Kind: String, Sendable, CaseIterable {
        case proformasWaiting, revenueBilled, eventOrdersInvoiced, numbering, entries, mails, vatOnReceipts
        /// Only with `platform: transmission: platform` or `both`.
        case platformDelivery

        /// The check's English name (the CLI's).
        public var name: String {
            switch self {
            case .proformasWaiting: "no proforma waiting for the month"
            case .revenueBilled: "every revenue line of the month billed or acknowledged"
            case .eventOrdersInvoiced: "every event order delivered in the month invoiced"
            case .numbering: "numbering gapless and chronological"
            case .entries: "entries balanced and equal to the documents"
            case .mails: "every e-mail of the month sent"
            case .vatOnReceipts: "VAT on receipts pending equals the VAT of what is unpaid"
            case .platformDelivery: "every document of the month delivered to the accredited platform"
            }
        }
    }

    public var kind: Kind
    public var name: String { kind.name }
    public var passed: Bool
    /// What failed, as facts (at most a few dozen shown by the renderers).
    public var facts: [ClosingDetail]
    /// `facts` in English, one line each.
    public var details: [String] { facts.map(\.text) }
    /// What to do when it fails, in English with the CLI's commands.
    public var remedy: String
}

/// One thing a closing check found.
public enum ClosingDetail: Sendable, Equatable {
    case proformaWaiting(id: Int64, client: String, period: String)
    case unbilled(UnbilledReport.Item)
    case lateRevenue(client: String, period: Period)
    /// A contract that could not be evaluated (its error in the engine's words, for the CLI and the log).
    case evaluationFailed(client: String, message: String)
    case orderNotInvoiced(order: String, client: String, delivered: Day)
    case numbering(NumberingBreak)
    case entry(EntryBreak)
    case mailNotSent(number: String, failed: Bool)
    /// A pending VAT account whose balance differs from the VAT of the unpaid part of the service invoices put on it.
    case pendingVAT(account: String, balance: Money, expected: Money)
    /// A document the accredited platform does not hold: `state` is `not queued`, `pending`, `failed`, `rejected` or `refused`.
    case notOnPlatform(number: String, state: String)

    /// The English line (`EngineWording`: a test rewords them all, and no screen may change).
    public var text: String {
        let english =
            switch self {
            case .proformaWaiting(let id, let client, let period): "proforma \(id) of \(client), \(period)"
            case .unbilled(let i): "\(i.client) \(i.site) \(i.category ?? "-"): \(i.amountTTC.grouped) TTC, \(i.reason)"
            case .lateRevenue(let client, let period): "\(client): late revenue of \(period.name) to correct"
            case .evaluationFailed(let client, let message): "\(client): \(message)"
            case .orderNotInvoiced(let order, let client, let delivered):
                "order \(order) of \(client), delivered \(delivered)"
            case .numbering(let b): b.description
            case .entry(let b): b.description
            case .mailNotSent(let number, let failed): "\(number): \(failed ? "failed" : "pending")"
            case .pendingVAT(let account, let balance, let expected):
                "\(account): balance \(balance), VAT of the unpaid part of issued service invoices \(expected)"
            case .notOnPlatform(let number, let state): "\(number): \(state)"
            }
        return EngineWording.worded(english)
    }
}

/// The closing of a month: its checks, and its totals per activity, VAT rate and account.
public struct ClosingReport: Sendable {
    public var month: Period
    public var checks: [ClosingCheck]
    public var activities: [(activity: String, net: Money)]
    public var vat: [(rate: VATRate, base: Money, vat: Money)]
    public var accounts: [(account: String, label: String, debit: Money, credit: Money)]
    public var series: [(series: String, count: Int, first: String, last: String)]
    /// Whether the month is now closed (false for a dry run or a refusal).
    public var closed = false
    public var forcedReason: String?

    public var passed: Bool { checks.allSatisfy(\.passed) }
    public var totalHT: Money { activities.map(\.net).sum() }
    public var totalVAT: Money { vat.map(\.vat).sum() }
}

/// Why a month cannot be closed at all: the CLI words it in English (`description`), the web app in French.
public enum ClosingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The month has not ended on `today` (a refusal).
    case notEnded(month: String, today: Day)
    /// The month is closed already, for good (a conflict).
    case alreadyClosed(month: String)

    public var description: String {
        switch self {
        case .notEnded(let month, let today): "\(month) has not ended on \(today): a month is closed once it is over"
        case .alreadyClosed(let month): "\(month) is already closed (a closed month is never reopened)"
        }
    }
}

extension UnbilledReport.Item {
    /// The identity an acknowledgement records: client, site, category and reason.
    public var acknowledgementKey: String { "\(client)|\(site)|\(category ?? "-")|\(reason)" }
}

extension Engine {
    /// The activities of the closing report, in the order finance reads them.
    static let activityOrder: [(Activity?, String)] = [
        (.selfService, "self-service"), (.cafeteria, "cafeteria"), (.brasserie, "brasserie"), (.events, "events"),
        (.fees, "fees"),
        (nil, "other (typed in by hand)")
    ]

    /// Runs the checks of `month` and computes its totals; writes nothing. `evaluations` keeps the contracts'
    /// evaluation over the month's revenue between reports (see `unbilled`).
    public func closingReport(month: Period, today: Day, evaluations: UnbilledEvaluations? = nil) throws
        -> ClosingReport
    {
        guard today > month.end else {
            throw ClosingError.notEnded(month: LedgerDatabase.monthCode(month), today: today)
        }
        let alreadyClosed = try ledger.isClosed(month: LedgerDatabase.monthCode(month))
        let facts = try ledger.monthFacts(month)
        let unbilled = try self.unbilled(period: month, issueDate: today, evaluations: evaluations)
        let acknowledged = Set(facts.acknowledgements.map { "\($0.itemKey)#\($0.amountTTC.cents)" })
        let open = unbilled.items.filter { !acknowledged.contains("\($0.acknowledgementKey)#\($0.amountTTC.cents)") }
        let acknowledgedOrders = Set(
            unbilled.items.filter { acknowledged.contains("\($0.acknowledgementKey)#\($0.amountTTC.cents)") }
                .compactMap(\.why.order))
        let orders = facts.ordersNotInvoiced.filter { !acknowledgedOrders.contains($0.orderID) }
        let code = LedgerDatabase.monthCode(month)

        var checks: [ClosingCheck] = []
        checks.append(
            ClosingCheck(
                kind: .proformasWaiting, passed: facts.waitingProformas.isEmpty,
                facts: facts.waitingProformas.map { .proformaWaiting(id: $0.id, client: $0.client, period: $0.period) },
                remedy:
                    "validate or discard them (`ardoise validate --all --period \(code)`, `ardoise discard ID --reason R`)"
            ))
        checks.append(
            ClosingCheck(
                kind: .revenueBilled, passed: open.isEmpty && unbilled.lateRevenue.isEmpty && unbilled.failures.isEmpty,
                facts: open.map { .unbilled($0) }
                    + unbilled.lateRevenue.map { .lateRevenue(client: $0.client, period: $0.period) }
                    + unbilled.failures.map { .evaluationFailed(client: $0.client, message: $0.message) },
                remedy:
                    "bill it, or acknowledge it with a reason (`ardoise unbilled acknowledge --period \(code) --client C --reason R`); correct late revenue (`ardoise bill --corrections`)"
            ))
        checks.append(
            ClosingCheck(
                kind: .eventOrdersInvoiced, passed: orders.isEmpty,
                facts: orders.map { .orderNotInvoiced(order: $0.orderID, client: $0.client, delivered: $0.delivered) },
                remedy: "bill them (`ardoise bill --events`), or acknowledge them in `report unbilled`"))
        checks.append(
            ClosingCheck(
                kind: .numbering, passed: facts.numberingBreaks.isEmpty,
                facts: facts.numberingBreaks.map { .numbering($0) },
                remedy: "a break in the numbering cannot be repaired: report it to the auditor and run `ardoise verify`"
            ))
        checks.append(
            ClosingCheck(
                kind: .entries, passed: facts.entryBreaks.isEmpty, facts: facts.entryBreaks.map { .entry($0) },
                remedy:
                    "post the missing entries (`ardoise entries post`); an entry that differs from its document is reported to the auditor"
            ))
        checks.append(
            ClosingCheck(
                kind: .mails, passed: facts.mailsNotSent.isEmpty,
                facts: facts.mailsNotSent.map { .mailNotSent(number: $0.number, failed: $0.status == "failed") },
                remedy: "send them (`ardoise outbox send`, `ardoise outbox retry --all` once the address is fixed)"))
        let pending = try ledger.pendingVATBalances(asOf: month.end).filter { $0.balance != $0.expected }
        checks.append(
            ClosingCheck(
                kind: .vatOnReceipts, passed: pending.isEmpty,
                facts: pending.map { .pendingVAT(account: $0.account, balance: $0.balance, expected: $0.expected) },
                remedy:
                    "post the VAT moves of payments that lack them (`ardoise entries post`); a difference that remains is reported to the auditor"
            ))
        // With `transmission: platform` or `both`, the platform is how an invoice reaches its buyer and the administration.
        if settings.platform?.transmission.usesPlatform == true {
            let undelivered = try ledger.documentsNotOnPlatform(month)
            checks.append(
                ClosingCheck(
                    kind: .platformDelivery, passed: undelivered.isEmpty,
                    facts: undelivered.map { .notOnPlatform(number: $0.number, state: $0.state) },
                    remedy:
                        "submit them (`ardoise platform submit --all`; a failed one after fixing its cause: `ardoise platform retry ID`); "
                        + "a rejected or refused invoice is cancelled by a credit note (`ardoise credit NUMBER --reason R`) and issued again "
                        + "corrected (`ardoise platform list --status attention` gives the platform's reasons)"))
        }

        let totals = try ledger.monthTotals(month)
        var byActivity: [String: Money] = [:]
        for l in totals.lines {
            let activity = l.revenueType.flatMap { settings.revenueType($0)?.activity }
            let name = Self.activityOrder.first { $0.0 == activity }?.1 ?? "other (typed in by hand)"
            byActivity[name, default: .zero] += Money(cents: l.net)
        }
        return ClosingReport(
            month: month, checks: checks,
            activities: Self.activityOrder.map { ($0.1, byActivity[$0.1] ?? .zero) },
            vat: totals.vat.map { (VATRate(tenThousandths: $0.rate), Money(cents: $0.base), Money(cents: $0.vat)) },
            accounts: totals.accounts.map { ($0.account, $0.label, Money(cents: $0.debit), Money(cents: $0.credit)) },
            series: facts.series, closed: alreadyClosed)
    }

    /// Closes `month` when every check passes, or despite failures with
    /// `forceReason` (kept in the audit log); returns the report.
    public func close(month: Period, today: Day, forceReason: String?, dryRun: Bool) throws -> ClosingReport {
        var report = try closingReport(month: month, today: today)
        if report.closed, !dryRun {
            throw ClosingError.alreadyClosed(month: LedgerDatabase.monthCode(month))
        }
        guard !dryRun, report.passed || forceReason != nil else { return report }
        try ledger.close(
            month: month, by: actor, forcedReason: report.passed ? nil : forceReason,
            numbers: report.series.map { (first: $0.first, last: $0.last, count: $0.count) },
            totalHT: report.totalHT, totalVAT: report.totalVAT)
        report.closed = true
        report.forcedReason = report.passed ? nil : forceReason
        return report
    }

    /// Acknowledges the unbilled items of `month` (all, or one client's) with a reason.
    public func acknowledgeUnbilled(month: Period, client: String?, reason: String, today: Day) throws -> Int {
        let items = try unbilled(period: month, issueDate: today).items.filter { client == nil || $0.client == client }
        return try ledger.acknowledge(
            items.map { ($0.acknowledgementKey, $0.amountTTC) }, month: month, reason: reason, actor: actor)
    }
}
