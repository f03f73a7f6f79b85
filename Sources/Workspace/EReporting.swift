import BillingModel
import Foundation
import Ledger
import PlatformTransmission
import Settings

/// B2C e-reporting: the register sales diners paid, aggregated per day and VAT rate, with the payments collected
/// (paid at the till: collected the same day), one report per period of the legal rhythm, handed to the platform once.
public enum EReport {
    /// The periods of `days` days that split the months `period` touches (10: the 1st–10th, 11th–20th, 21st–end),
    /// those wholly inside `period` only.
    public static func periods(in period: Period, days: Int) -> [Period] {
        var out: [Period] = []
        var month = period.start.firstOfMonth
        while month <= period.end {
            var start = month
            while start <= month.lastOfMonth {
                var end = start.adding(days: days - 1)
                // The last one of a month runs to its end (the 21st–31st with 10 days).
                if end >= month.lastOfMonth || end.adding(days: days) > month.lastOfMonth { end = month.lastOfMonth }
                let p = Period(start: start, end: end)
                if p.start >= period.start && p.end <= period.end { out.append(p) }
                start = end.adding(days: 1)
            }
            month = month.addingMonths(1)
        }
        return out
    }

    /// `ER-20261001-20261010`.
    public static func trackingId(_ p: Period) -> String { "ER-\(p.start.compact)-\(p.end.compact)" }

    static func amount(_ cents: Int64) -> String { LifecycleMessage.amountText(cents) }

    /// `10.00`, `5.50`, `2.10` (four decimals when the rate has them).
    static func rate(_ tenThousandths: Int) -> String {
        let whole = tenThousandths / 10_000, fraction = tenThousandths % 10_000
        func pad(_ v: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(v).count)) + String(v)
        }
        return fraction % 100 == 0 ? "\(whole).\(pad(fraction / 100, 2))" : "\(whole).\(pad(fraction, 4))"
    }

    /// The report: the aggregated transactions (net, VAT, TTC per day, rate and operation category: `TLB1` goods,
    /// `TPS1` services) and the payments collected on services (VAT on goods is due on delivery: their payments are
    /// not reported), per day and rate. The layout is Ardoise's, shaped after the platform's flux 10 (`flowSyntax` FRR).
    public static func document(_ p: Period, totals: [B2CDayTotal], sellerSIREN: String) throws(MoneyOverflow)
        -> [UInt8]
    {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s +=
            "<EReporting xmlns=\"urn:ardoise:ereporting:1\" seller=\"\(sellerSIREN)\" start=\"\(p.start)\" end=\"\(p.end)\" currency=\"EUR\">\n"
        s += "<AggregatedCustomerTransactionReport>\n"
        for t in totals {
            s +=
                "<Transactions date=\"\(t.day)\" vatRate=\"\(rate(t.vatRate))\" category=\"\(t.category.rawValue)\" net=\"\(amount(try t.net))\" "
                + "vat=\"\(amount(try t.vat))\" total=\"\(amount(t.paidTTC))\" lines=\"\(t.lines)\"/>\n"
        }
        s += "</AggregatedCustomerTransactionReport>\n<AggregatedCustomerPaymentReport>\n"
        for t in totals where t.category == .services {
            s += "<Payment date=\"\(t.day)\" vatRate=\"\(rate(t.vatRate))\" amount=\"\(amount(t.paidTTC))\"/>\n"
        }
        s += "</AggregatedCustomerPaymentReport>\n</EReporting>\n"
        return Array(s.utf8)
    }

    /// Which register sales are goods, from the revenue types' `nature` (as an invoice line's, BT-23): the article
    /// codes a revenue type lists take its nature; an activity is goods when every revenue type of that activity is.
    public static func goods(_ settings: MasterData) -> B2CGoods {
        var out = B2CGoods()
        var natures: [String: Set<OperationNature>] = [:]
        for t in settings.revenueTypes {
            natures[t.activity.rawValue, default: []].insert(t.nature)
            for a in t.articleCodes {
                if t.nature == .goods { out.goodsArticles.insert(a) } else { out.serviceArticles.insert(a) }
            }
        }
        // An article two revenue types of different natures list stays a service, as an invoice line defaults.
        out.goodsArticles.subtract(out.serviceArticles)
        out.goodsActivities = Set(natures.filter { $0.value == [.goods] }.keys)
        return out
    }
}

/// What `ardoise ereporting` did.
public struct EReportingReport: Sendable {
    public var queued: [String] = []
    public var submission = SubmissionReport()
    public var reports: [EReportingPeriod] = []
}

extension Installation {
    /// Queues the report of every e-reporting period inside `period` that has ended before `today` (each once, frozen
    /// when queued), then submits the due reports.
    public func eReport(period: Period, today: Day, api: FlowAPI? = nil, actor: String, now: Date = Date()) throws
        -> EReportingReport
    {
        let ledger = try self.ledger
        guard let platform = settings.platform, platform.transmission.usesPlatform else {
            throw WorkspaceError(
                "the settings hand nothing to a platform (`platform:` with `transmission: platform` or `both`): no e-reporting"
            )
        }
        var out = EReportingReport()
        for p in EReport.periods(in: period, days: platform.eReportingDays) where p.end < today {
            let totals = try ledger.b2cTotals(p, goods: EReport.goods(settings))
            let content = try EReport.document(p, totals: totals, sellerSIREN: settings.seller.siren)
            if try ledger.queueEReport(
                period: "\(p.start)..\(p.end)", trackingId: EReport.trackingId(p), content: content,
                totalTTC: totals.map(\.paidTTC).reduce(0, +), rows: totals.count, actor: actor, at: now)
            {
                out.queued.append("\(p.start)..\(p.end)")
            }
        }
        let submitter = PlatformSubmitter(
            ledger: ledger, api: try api ?? FlowAPI(endpoint: platformEndpoint()),
            file: { _ in
                throw InvoiceError.noReportFile
            })
        var tried = Set<Int64>()
        while let r = try ledger.claimDueEReport(now: now, lease: submitter.lease, excluding: tried), let id = r.id {
            tried.insert(id)
            let file = FlowFile(
                bytes: [UInt8](r.content), contentType: "application/xml", name: "\(r.trackingId).xml", syntax: "FRR")
            let (outcome, stop, sha) = submitter.attempt(trackingId: r.trackingId, attempts: r.attempts, at: now) {
                file
            }
            try ledger.recordEReport(id: id, outcome: outcome, sha256: sha, at: now)
            let item: SubmissionReport.Item
            switch outcome {
            case .submitted(let flowId, _):
                item = .init(
                    flowRow: id, trackingId: r.trackingId, number: r.period, kind: .invoice, outcome: "submitted",
                    detail: "flowId \(flowId)")
            case .alreadySubmitted(_, let response):
                item = .init(
                    flowRow: id, trackingId: r.trackingId, number: r.period, kind: .invoice,
                    outcome: "already-submitted", detail: response)
            case .temporary(let error, let retryAt?):
                item = .init(
                    flowRow: id, trackingId: r.trackingId, number: r.period, kind: .invoice, outcome: "retry",
                    detail: error,
                    nextAttempt: LedgerDatabase.timestamp(retryAt))
            case .temporary(let error, nil), .refused(let error):
                item = .init(
                    flowRow: id, trackingId: r.trackingId, number: r.period, kind: .invoice, outcome: "failed",
                    detail: error)
            }
            out.submission.items.append(item)
            if let stop {
                out.submission.stoppedEarly = stop
                break
            }
        }
        out.reports = try ledger.eReports()
        return out
    }
}
