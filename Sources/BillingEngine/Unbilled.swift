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
    public private(set) var items: [Item] = []
    public var lateRevenue: [(client: String, period: Period, siteDays: Int)] = []
    public var failures: [BillingFailure] = []
    /// Fits: `add` keeps out an item whose amount would not.
    public private(set) var totalTTC = Money.zero

    /// Adds an item, or, when its amount or the report's total would not fit in
    /// cents, a failure naming its client and reason: the report never traps.
    /// Keeps the items `keep` says (a user's clients), the total summed again.
    public mutating func keepItems(where keep: (Item) -> Bool) {
        let kept = items.filter(keep)
        items = []
        totalTTC = .zero
        for i in kept { add(i) }
    }

    mutating func add(_ item: Item) {
        do {
            totalTTC = try totalTTC.adding(item.amountTTC)
            items.append(item)
        } catch {
            failures.append(BillingFailure(client: item.client, message: "\(item.reason): \(error)"))
        }
    }
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
                for u in e.unbilled { report.add(Item(client: client, site: u.site, category: u.category, reason: u.reason, amountTTC: u.amountTTC)) }
            } catch {
                report.failures.append(BillingFailure(client: client, message: "\(error)"))
            }
        }
        for (code, u) in revenue.unknownClients.sorted(by: { $0.key < $1.key }) {
            let reason = "client known to no settings (\(u.covers) covers, employer share and guests)"
            do {
                report.add(UnbilledReport.Item(client: code, site: u.sites.sorted().joined(separator: ","), category: nil, reason: reason,
                                               amountTTC: try u.employerShare.adding(u.guests)))
            } catch {
                report.failures.append(BillingFailure(client: code, message: "\(reason): \(error)"))
            }
        }
        // Orders delivered in the period and not (or no longer exactly) invoiced: pending for the daily run.
        // The orders delivered in the period: those of earlier months are their months' (not the history each time).
        for snapshot in try ledger.ordersToBill(upTo: period.end, from: period.start) {
            let state: OrderState?
            do { state = try orderState(snapshot) } catch let error as EvaluationError {
                report.failures.append(BillingFailure(client: snapshot.revision.client, message: "\(error)"))
                continue
            }
            guard let s = state else {
                // A client with no contract: no evaluation sees the order (one with a contract but no events term
                // on that day is reported by its contract's evaluation).
                if contracts[snapshot.revision.client] == nil, snapshot.revision.status != "cancelled",
                   let order = ContractLanguage.EventOrder(snapshot), period.contains(order.deliveredOn) {
                    let reason = "order \(order.id) delivered \(order.deliveredOn): the client has no contract"
                    do {
                        var lines: [(Money, VATRate)] = []
                        for (position, l) in order.lines.enumerated() {
                            do throws(MoneyOverflow) { lines.append((try l.unitPrice.times(l.quantity), l.vat)) } catch {
                                throw EvaluationError.orderOverflow(order: order.id, revision: order.revision, line: position + 1, error)
                            }
                        }
                        report.add(Item(client: snapshot.revision.client, site: order.site, category: nil, reason: reason,
                                        amountTTC: try InvoiceTotals(lines: lines).totalTTC))
                    } catch {
                        report.failures.append(BillingFailure(client: snapshot.revision.client, message: "\(reason): \(error)"))
                    }
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
            do {
                let ttc = try InvoiceTotals(lines: s.ordered.lines.map { ($0.net, $0.vat) }).totalTTC
                    .subtracting(InvoiceTotals(lines: s.billed.lines.map { ($0.net, $0.vat) }).totalTTC)
                report.add(Item(client: s.contract.client, site: s.order.site, category: nil, reason: reason, amountTTC: ttc))
            } catch {
                report.failures.append(BillingFailure(client: s.contract.client, message: "\(reason): \(error)"))
            }
        }
        report.lateRevenue = try ledger.periodsWithLateRevenue(openDayClients: openDayClients).filter { $0.period.intersection(period) != nil }
            .map { ($0.client, $0.period, $0.siteDays.count) }
        return report
    }
}

private typealias Item = UnbilledReport.Item
