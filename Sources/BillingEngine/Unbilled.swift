import BillingModel
import ContractLanguage
import Ledger
import Synchronization

/// Why revenue is not billed: what a contract leaves unbilled, or what the engine finds around it.
public enum UnbilledReason: Sendable, Equatable {
    /// What the client's contract leaves unbilled.
    case contract(UnbilledRevenue.Reason)
    /// Tickets of a client no settings know (`covers` of them).
    case unknownClient(covers: Int)
    /// An order of a client with no contract.
    case orderWithoutContract(order: String, delivered: Day)
    /// A delivered order no document carries yet; for an order billed with its month's invoice, why.
    case orderNotInvoiced(order: String, delivered: Day, why: OrderWait)
    /// An order changed since it was invoiced: the difference is not billed yet.
    case orderChanged(order: String, revision: Int)

    public enum OrderWait: Sendable, Equatable {
        /// Billed order by order (the daily run bills it).
        case daily
        /// It arrived after `carrier`, its month's invoice, was issued.
        case arrivedAfter(carrier: String?)
        /// No invoice of its billing period carries it.
        case noInvoiceOf(Period)
    }

    /// The event order it is about, if any.
    public var order: String? {
        switch self {
        case .contract(.orderWithoutEventsTerm(let order)): order
        case .contract, .unknownClient: nil
        case .orderWithoutContract(let order, _), .orderNotInvoiced(let order, _, _), .orderChanged(let order, _): order
        }
    }

    /// The English words (as `report unbilled` has always written them: acknowledgements record them).
    public var text: String {
        switch self {
        case .contract(let r): return r.text
        case .unknownClient(let covers):
            return "client known to no settings (\(covers) covers, employer share and guests)"
        case .orderWithoutContract(let order, let delivered):
            return "order \(order) delivered \(delivered): the client has no contract"
        case .orderNotInvoiced(let order, let delivered, let why):
            switch why {
            case .daily: return "order \(order) delivered \(delivered), not invoiced yet (`ardoise bill --events`)"
            case .arrivedAfter(let carrier):
                return
                    "order \(order) delivered \(delivered), not invoiced yet: arrived after \(carrier ?? "the invoice") of its month was issued (`ardoise bill --events`)"
            case .noInvoiceOf(let home):
                return "order \(order) delivered \(delivered), not invoiced yet: no invoice of \(home.name) carries it"
            }
        case .orderChanged(let order, let revision):
            return "order \(order) changed (revision \(revision)) since it was invoiced, difference not billed yet"
        }
    }
}

/// Revenue that no invoice will carry, for control: what contracts leave
/// unbilled, tickets of unknown clients, and periods with late revenue.
public struct UnbilledReport: Sendable {
    public struct Item: Sendable, Equatable {
        public var client: String
        public var site: String
        public var category: String?
        /// `why` in English: the CLI's words, and the identity an acknowledgement records (`acknowledgementKey`).
        public var reason: String
        public var amountTTC: Money
        /// Why it is not billed, as a fact (the web words it in French).
        public var why: UnbilledReason

        init(client: String, site: String, category: String?, why: UnbilledReason, amountTTC: Money) {
            self.client = client; self.site = site; self.category = category; self.reason = why.text;
            self.amountTTC = amountTTC; self.why = why
        }
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

    /// Each item's words replaced by `words` of its facts (a reader's language: the web's French); the facts stay.
    public mutating func reword(_ words: (Item) -> String) {
        items = items.map {
            var i = $0; i.reason = words(i); return i
        }
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

/// What evaluating every contract over a period left unbilled, kept per input: the period, the issue date, the
/// register file version of each site-day read and the order revisions read. A file version's tickets and an
/// order revision never change once imported, so a kept evaluation is the one the same inputs give again: it
/// cannot go stale, and any import that changes a site-day or an order changes the key. One per workspace
/// version (the contracts' text is the workspace's; `serve` reads it once, at start). Holds the last few.
public final class UnbilledEvaluations: Sendable {
    struct Key: Hashable {
        var period: Period
        var issueDate: Day
        /// The clients whose contract was evaluated (a lenient engine leaves out those with errors).
        var clients: [String]
        var files: [SiteDayKey: Int64]
        var orderRevisions: [Int64?]
    }
    /// Items and failures in the order they were found.
    enum Found: Sendable { case item(UnbilledReport.Item), failure(BillingFailure) }

    private let kept = Mutex<[(key: Key, found: [Found])]>([])
    /// The periods with late revenue, kept per `LedgerDatabase.lateRevenueVersion` and the clients whose bill counts open days.
    struct LateKey: Hashable {
        var version: [Int64]
        var openDayClients: [String: [String]]
        /// The periods asked about: those overlapping this one (nil: every period).
        var overlapping: Period?
    }
    typealias Late = [(client: String, period: Period, siteDays: [SiteDayKey])]
    private let late = Mutex<(key: LateKey, found: Late)?>(nil)

    func late(_ key: LateKey) -> Late? { late.withLock { $0?.key == key ? $0?.found : nil } }
    func keepLate(_ found: Late, for key: LateKey) { late.withLock { $0 = (key, found) } }
    static let size = 6

    public init() {}

    /// How many evaluations are kept.
    public var count: Int { kept.withLock { $0.count } }

    func found(_ key: Key) -> [Found]? { kept.withLock { kept in kept.first { $0.key == key }?.found } }

    func keep(_ found: [Found], for key: Key) {
        kept.withLock { kept in
            kept.removeAll { $0.key == key }
            kept.append((key, found))
            if kept.count > Self.size { kept.removeFirst(kept.count - Self.size) }
        }
    }
}

extension Engine {
    /// Evaluates every contract over `period` without writing anything and
    /// collects the revenue no term bills. With `evaluations`, the contracts'
    /// evaluation over the revenue (the costly part: every ticket line of the
    /// period) is taken from there when its inputs are the same (see `UnbilledEvaluations`).
    public func unbilled(period: Period, issueDate: Day, evaluations: UnbilledEvaluations? = nil) throws
        -> UnbilledReport
    {
        var report = UnbilledReport(period: period)
        for f in try contractsUnbilled(period: period, issueDate: issueDate, evaluations: evaluations) {
            switch f {
            case .item(let item): report.add(item)
            case .failure(let failure): report.failures.append(failure)
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
                    let order = ContractLanguage.EventOrder(snapshot), period.contains(order.deliveredOn)
                {
                    let why = UnbilledReason.orderWithoutContract(order: order.id, delivered: order.deliveredOn),
                        reason = why.text
                    do {
                        var lines: [(Money, VATRate)] = []
                        for (position, l) in order.lines.enumerated() {
                            do throws(MoneyOverflow) { lines.append((try l.unitPrice.times(l.quantity), l.vat)) } catch
                            {
                                throw EvaluationError.orderOverflow(
                                    order: order.id, revision: order.revision, line: position + 1, error)
                            }
                        }
                        report.add(
                            Item(
                                client: snapshot.revision.client, site: order.site, category: nil, why: why,
                                amountTTC: try InvoiceTotals(lines: lines).totalTTC))
                    } catch {
                        report.failures.append(
                            BillingFailure(client: snapshot.revision.client, message: "\(reason): \(error)"))
                    }
                }
                continue
            }
            guard period.contains(s.order.deliveredOn) else { continue }
            let why: UnbilledReason
            if s.issued.isEmpty {
                if s.order.cancelled { continue }
                if s.events.grouping == .monthly {
                    // With its month's invoice while a proforma of the month carries it or the month is not over.
                    guard let home = s.home, !s.inContractProforma, home.end < issueDate else { continue }
                    why = .orderNotInvoiced(
                        order: s.order.id, delivered: s.order.deliveredOn,
                        why: s.carrier.map { .arrivedAfter(carrier: $0.number) } ?? .noInvoiceOf(home))
                } else {
                    why = .orderNotInvoiced(order: s.order.id, delivered: s.order.deliveredOn, why: .daily)
                }
            } else {
                if s.unchangedSinceSettled || s.billed.sameAmounts(as: s.ordered) { continue }
                why = .orderChanged(order: s.order.id, revision: s.order.revision)
            }
            let reason = why.text
            do {
                let ttc = try InvoiceTotals(lines: s.ordered.lines.map { ($0.net, $0.vat) }).totalTTC
                    .subtracting(InvoiceTotals(lines: s.billed.lines.map { ($0.net, $0.vat) }).totalTTC)
                report.add(Item(client: s.contract.client, site: s.order.site, category: nil, why: why, amountTTC: ttc))
            } catch {
                report.failures.append(BillingFailure(client: s.contract.client, message: "\(reason): \(error)"))
            }
        }
        report.lateRevenue = try periodsWithLateRevenue(evaluations, overlapping: period)
            .filter { $0.period.intersection(period) != nil }
            .map { ($0.client, $0.period, $0.siteDays.count) }
        return report
    }
}

extension Engine {
    /// What the contracts leave unbilled over `period` and the revenue of clients no settings know, read from
    /// the current register file of each site-day and the orders of the window, or kept in `evaluations` for them.
    func contractsUnbilled(period: Period, issueDate: Day, evaluations: UnbilledEvaluations?) throws
        -> [UnbilledEvaluations.Found]
    {
        let plan = contracts.sorted { $0.key < $1.key }.map { ($0.value, period) }
        let window = window(plan) ?? period
        let files = try ledger.currentFiles(period: window)
        let orders = try ledger.deliveredOrders(period: window, onlyForPeriodicBilling: true)
        let key = UnbilledEvaluations.Key(
            period: period, issueDate: issueDate, clients: plan.map { $0.0.contract.client }, files: files,
            orderRevisions: orders.map(\.revision.id))
        if let found = evaluations?.found(key) { return found }
        var found: [UnbilledEvaluations.Found] = []
        let revenue = try RevenueLoader(ledger: ledger).load(
            files: files, orders: orders, contracts: contracts.mapValues(\.contract),
            knownClients: Set(settings.clients.map(\.code)))
        for (compiled, p) in plan {
            let client = compiled.contract.client
            do {
                let e = try compiled.evaluate(
                    period: p, issueDate: issueDate, revenue: revenue.byClient[client] ?? ClientRevenue())
                for u in e.unbilled {
                    found.append(
                        .item(
                            Item(
                                client: client, site: u.site, category: u.category, why: .contract(u.why),
                                amountTTC: u.amountTTC)))
                }
            } catch {
                found.append(.failure(BillingFailure(client: client, message: "\(error)")))
            }
        }
        for (code, u) in revenue.unknownClients.sorted(by: { $0.key < $1.key }) {
            let why = UnbilledReason.unknownClient(covers: u.covers), reason = why.text
            do {
                found.append(
                    .item(
                        Item(
                            client: code, site: u.sites.sorted().joined(separator: ","), category: nil, why: why,
                            amountTTC: try u.employerShare.adding(u.guests))))
            } catch {
                found.append(.failure(BillingFailure(client: code, message: "\(reason): \(error)")))
            }
        }
        evaluations?.keep(found, for: key)
        return found
    }
}

extension Engine {
    /// The ledger's periods with late revenue overlapping `window`, or those kept in `evaluations` for the same
    /// version of what they read (a count that grows with every document issued, file imported or late revenue
    /// checked: an older one never returns).
    func periodsWithLateRevenue(_ evaluations: UnbilledEvaluations?, overlapping window: Period) throws
        -> UnbilledEvaluations.Late
    {
        guard let evaluations else {
            return try ledger.periodsWithLateRevenue(openDayClients: openDayClients, overlapping: window)
        }
        let key = UnbilledEvaluations.LateKey(
            version: try ledger.lateRevenueVersion(), openDayClients: openDayClients, overlapping: window)
        if let kept = evaluations.late(key) { return kept }
        let found = try ledger.periodsWithLateRevenue(openDayClients: key.openDayClients, overlapping: window)
        evaluations.keepLate(found, for: key)
        return found
    }
}

private typealias Item = UnbilledReport.Item
