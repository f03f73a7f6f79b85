import BillingModel
import ContractLanguage
import Ledger

/// Revenue that no invoice will carry, for control: what contracts leave
/// unbilled, tickets of unknown clients, and periods with late revenue.
public struct UnbilledReport: Sendable {
    public struct Item: Sendable, Equatable {
        public var client: String
        public var site: String
        public var category: String?
        public var reason: String
        public var amountTTC: Money
    }
    public var period: Period
    public var items: [Item] = []
    public var lateRevenue: [(client: String, period: Period, siteDays: Int)] = []
    public var failures: [BillingFailure] = []
    public var totalTTC: Money { items.map(\.amountTTC).sum() }
}

extension BillingEngine {
    /// Evaluates every contract over `period` without writing anything and
    /// collects the revenue no term bills.
    public func unbilled(period: Period, issueDate: Day) throws -> UnbilledReport {
        var report = UnbilledReport(period: period)
        let plan = contracts.sorted { $0.key < $1.key }.map { ($0.value, period) }
        let window = window(plan) ?? period
        let revenue = try RevenueLoader(ledger: ledger)
            .load(window: window, contracts: contracts.mapValues(\.contract), knownClients: Set(settings.clients.map(\.code)))
        for (compiled, p) in plan {
            let client = compiled.contract.client
            do {
                let e = try compiled.evaluate(period: p, issueDate: issueDate, revenue: revenue.byClient[client] ?? ClientRevenue())
                report.items += e.unbilled.map { Item(client: client, site: $0.site, category: $0.category, reason: $0.reason, amountTTC: $0.amountTTC) }
            } catch {
                report.failures.append(BillingFailure(client: client, message: "\(error)"))
            }
        }
        for (code, u) in revenue.unknownClients.sorted(by: { $0.key < $1.key }) {
            report.items.append(UnbilledReport.Item(client: code, site: u.sites.sorted().joined(separator: ","), category: nil,
                                                    reason: "client known to no settings (\(u.covers) covers, employer share and guests)",
                                                    amountTTC: u.employerShare + u.guests))
        }
        // Orders delivered in the period and not (or no longer exactly) invoiced: pending for the daily run.
        for snapshot in try ledger.ordersToBill(upTo: period.end) {
            guard let s = try orderState(snapshot) else {
                // A client with no contract: no evaluation sees the order (one with a contract but no events term
                // on that day is reported by its contract's evaluation).
                if contracts[snapshot.revision.client] == nil, snapshot.revision.status != "cancelled",
                   let order = ContractLanguage.EventOrder(snapshot), period.contains(order.deliveredOn) {
                    let lines = order.lines.map { l in (l.unitPrice.times(l.quantity), l.vat) }
                    report.items.append(Item(client: snapshot.revision.client, site: order.site, category: nil,
                                             reason: "order \(order.id) delivered \(order.deliveredOn): the client has no contract",
                                             amountTTC: InvoiceTotals(lines: lines).totalTTC))
                }
                continue
            }
            guard period.contains(s.order.deliveredOn) else { continue }
            let reason: String
            if s.issued.isEmpty {
                if s.order.cancelled { continue }
                if s.events.grouping == .monthly {
                    // With its month's invoice while a proforma of the month carries it or the month is not over.
                    guard let home = s.home, !s.inContractProforma, home.end < issueDate else { continue }
                    reason = "order \(s.order.id) delivered \(s.order.deliveredOn), not invoiced yet: "
                        + (s.carrier.map { "arrived after \($0.number ?? "the invoice") of its month was issued (`ardoise bill --events`)" }
                           ?? "no invoice of \(home.name) carries it")
                } else {
                    reason = "order \(s.order.id) delivered \(s.order.deliveredOn), not invoiced yet (`ardoise bill --events`)"
                }
            } else {
                if s.unchangedSinceSettled || s.billed.sameAmounts(as: s.ordered) { continue }
                reason = "order \(s.order.id) changed (revision \(s.order.revision)) since it was invoiced, difference not billed yet"
            }
            let ttc = InvoiceTotals(lines: s.ordered.lines.map { ($0.net, $0.vat) }).totalTTC
                - InvoiceTotals(lines: s.billed.lines.map { ($0.net, $0.vat) }).totalTTC
            report.items.append(Item(client: s.contract.client, site: s.order.site, category: nil, reason: reason, amountTTC: ttc))
        }
        report.lateRevenue = try ledger.periodsWithLateRevenue(openDayClients: openDayClients).filter { $0.period.intersection(period) != nil }
            .map { ($0.client, $0.period, $0.siteDays.count) }
        return report
    }
}

private typealias Item = UnbilledReport.Item
