import BillingModel
import Foundation
import Ledger
import Settings

/// One check run before a month is closed.
public struct ClosingCheck: Sendable {
    public var name: String
    public var passed: Bool
    /// What failed, one line each (at most a few dozen shown by the renderers).
    public var details: [String]
    /// What to do when it fails.
    public var remedy: String
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

extension BillingEngine {
    /// The activities of the closing report, in the order finance reads them.
    static let activityOrder: [(Activity?, String)] = [
        (.selfService, "self-service"), (.cafeteria, "cafeteria"), (.brasserie, "brasserie"), (.events, "events"), (.fees, "fees"),
        (nil, "other (typed in by hand)"),
    ]

    /// Runs the checks of `month` and computes its totals; writes nothing.
    public func closingReport(month: Period, today: Day) throws -> ClosingReport {
        guard today > month.end else {
            throw ClosingError.notEnded(month: Ledger.monthCode(month), today: today)
        }
        let alreadyClosed = try ledger.isClosed(month: Ledger.monthCode(month))
        let facts = try ledger.monthFacts(month)
        let unbilled = try self.unbilled(period: month, issueDate: today)
        let acknowledged = Set(facts.acknowledgements.map { "\($0.itemKey)#\($0.amountTTC.cents)" })
        let open = unbilled.items.filter { !acknowledged.contains("\($0.acknowledgementKey)#\($0.amountTTC.cents)") }
        let acknowledgedOrders = unbilled.items.filter { acknowledged.contains("\($0.acknowledgementKey)#\($0.amountTTC.cents)") }
            .map(\.reason)
        let orders = facts.ordersNotInvoiced.filter { o in !acknowledgedOrders.contains { $0.contains(o.orderID) } }
        let code = Ledger.monthCode(month)

        var checks: [ClosingCheck] = []
        checks.append(ClosingCheck(
            name: "no proforma waiting for the month", passed: facts.waitingProformas.isEmpty,
            details: facts.waitingProformas.map { "proforma \($0.id) of \($0.client), \($0.period)" },
            remedy: "validate or discard them (`ardoise validate --all --period \(code)`, `ardoise discard ID --reason R`)"))
        checks.append(ClosingCheck(
            name: "every revenue line of the month billed or acknowledged", passed: open.isEmpty && unbilled.lateRevenue.isEmpty
                && unbilled.failures.isEmpty,
            details: open.map { "\($0.client) \($0.site) \($0.category ?? "-"): \($0.amountTTC.grouped) TTC, \($0.reason)" }
                + unbilled.lateRevenue.map { "\($0.client): late revenue of \($0.period.name) to correct" }
                + unbilled.failures.map { "\($0.client): \($0.message)" },
            remedy: "bill it, or acknowledge it with a reason (`ardoise unbilled acknowledge --period \(code) --client C --reason R`); correct late revenue (`ardoise bill --corrections`)"))
        checks.append(ClosingCheck(
            name: "every event order delivered in the month invoiced", passed: orders.isEmpty,
            details: orders.map { "order \($0.orderID) of \($0.client), delivered \($0.delivered)" },
            remedy: "bill them (`ardoise bill --events`), or acknowledge them in `report unbilled`"))
        checks.append(ClosingCheck(
            name: "numbering gapless and chronological", passed: facts.numberingBreaks.isEmpty, details: facts.numberingBreaks,
            remedy: "a break in the numbering cannot be repaired: report it to the auditor and run `ardoise verify`"))
        checks.append(ClosingCheck(
            name: "entries balanced and equal to the documents", passed: facts.entryBreaks.isEmpty, details: facts.entryBreaks,
            remedy: "post the missing entries (`ardoise entries post`); an entry that differs from its document is reported to the auditor"))
        checks.append(ClosingCheck(
            name: "every e-mail of the month sent", passed: facts.mailsNotSent.isEmpty,
            details: facts.mailsNotSent.map { "\($0.number): \($0.status)" },
            remedy: "send them (`ardoise outbox send`, `ardoise outbox retry --all` once the address is fixed)"))
        let pending = try ledger.pendingVATBalances(asOf: month.end).filter { $0.balance != $0.expected }
        checks.append(ClosingCheck(
            name: "VAT on receipts pending equals the VAT of what is unpaid", passed: pending.isEmpty,
            details: pending.map { "\($0.account): balance \($0.balance), VAT of the unpaid part of issued service invoices \($0.expected)" },
            remedy: "post the VAT moves of payments that lack them (`ardoise entries post`); a difference that remains is reported to the auditor"))
        // With `transmission: platform` or `both`, the platform is how an invoice reaches its buyer and the administration.
        if settings.platform?.transmission.usesPlatform == true {
            let undelivered = try ledger.documentsNotOnPlatform(month)
            checks.append(ClosingCheck(
                name: "every document of the month delivered to the accredited platform", passed: undelivered.isEmpty,
                details: undelivered.map { "\($0.number): \($0.state)" },
                remedy: "submit them (`ardoise platform submit --all`; a failed one after fixing its cause: `ardoise platform retry ID`); "
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
            throw ClosingError.alreadyClosed(month: Ledger.monthCode(month))
        }
        guard !dryRun, report.passed || forceReason != nil else { return report }
        try ledger.close(month: month, by: actor, forcedReason: report.passed ? nil : forceReason,
                         numbers: report.series.map { (first: $0.first, last: $0.last, count: $0.count) },
                         totalHT: report.totalHT, totalVAT: report.totalVAT)
        report.closed = true
        report.forcedReason = report.passed ? nil : forceReason
        return report
    }

    /// Acknowledges the unbilled items of `month` (all, or one client's) with a reason.
    public func acknowledgeUnbilled(month: Period, client: String?, reason: String, today: Day) throws -> Int {
        let items = try unbilled(period: month, issueDate: today).items.filter { client == nil || $0.client == client }
        return try ledger.acknowledge(items.map { ($0.acknowledgementKey, $0.amountTTC) }, month: month, reason: reason, actor: actor)
    }
}
