import BillingModel
import Foundation
import Ledger

extension Activity {
    /// The position in `allCases` (the slot of its sums; fees, with no daily revenue, keep theirs at zero).
    var index: Int {
        switch self {
        case .selfService: 0
        case .cafeteria: 1
        case .brasserie: 2
        case .events: 3
        case .fees: 4
        }
    }
}

/// Whose revenue a dashboard shows: every client (anonymous sales included),
/// or the clients of a set (a user's permitted clients).
public enum ClientScope: Sendable, Hashable {
    case all
    case clients(Set<String>)

    public func contains(_ client: String) -> Bool {
        switch self {
        case .all: true
        case .clients(let set): set.contains(client)
        }
    }

    /// The ledger's form of the scope: nil for every client.
    public var clients: Set<String>? {
        switch self {
        case .all: nil
        case .clients(let set): set
        }
    }
}

/// What a dashboard looks at: the clients of a scope, optionally narrowed to
/// one site or one client (a client outside the scope shows nothing).
public struct Selection: Sendable, Hashable {
    public var scope: ClientScope
    public var site: String?
    public var client: String?

    public init(scope: ClientScope = .all, site: String? = nil, client: String? = nil) {
        self.scope = scope; self.site = site; self.client = client
    }

    /// Every client of the scope.
    public static func scope(_ scope: ClientScope) -> Selection { Selection(scope: scope) }
}

/// Figures of one day, week or whole period, per activity.
public struct RevenueFigures: Sendable, Hashable {
    /// Revenue per activity: TTC for register activities, HT at order prices for events.
    public var amounts: [Activity: Money] = [:]
    public var covers: [Activity: Int] = [:]
    public var lines: [Activity: Int] = [:]
    public var employerShare: [Activity: Money] = [:]

    public init() {}

    public func amount(_ a: Activity) -> Money { amounts[a] ?? .zero }
    /// All activities together.
    public var total: Money { Activity.withDailyRevenue.reduce(Money.zero) { $0 + amount($1) } }
    public var totalCovers: Int { covers.values.reduce(0, +) }
    public var totalLines: Int { lines.values.reduce(0, +) }
    public var totalEmployerShare: Money { employerShare.values.reduce(Money.zero, +) }

    mutating func add(_ a: Activity, covers c: Int, lines l: Int, amount: Money, share: Money) {
        amounts[a, default: .zero] += amount
        covers[a, default: 0] += c
        lines[a, default: 0] += l
        employerShare[a, default: .zero] += share
    }

    mutating func add(_ other: RevenueFigures) {
        for a in Activity.withDailyRevenue {
            add(
                a, covers: other.covers[a] ?? 0, lines: other.lines[a] ?? 0, amount: other.amount(a),
                share: other.employerShare[a] ?? .zero)
        }
    }
}

/// A day's figures (days without revenue are listed, with no figures).
public struct DayFigures: Sendable, Hashable {
    public var day: Day
    public var figures: RevenueFigures
    public init(day: Day, figures: RevenueFigures) { self.day = day; self.figures = figures }
}

/// An ISO week's figures, over the days of the week inside the period asked.
public struct WeekFigures: Sendable, Hashable {
    public var year: Int
    public var week: Int
    /// The days of the week inside the period.
    public var days: Period
    public var figures: RevenueFigures
    public init(year: Int, week: Int, days: Period, figures: RevenueFigures) {
        self.year = year; self.week = week; self.days = days; self.figures = figures
    }
}

/// Revenue split by whether an issued document billed it.
public struct InvoicingSplit: Sendable, Hashable {
    /// Revenue of client-site-days an issued document recorded (`invoice_site_day`), and event orders an issued document bills.
    public var invoiced: [Activity: Money] = [:]
    /// Client revenue no issued document bills yet.
    public var notInvoiced: [Activity: Money] = [:]
    /// Sales to no client (anonymous register sales): never invoiced.
    public var anonymous: [Activity: Money] = [:]

    public init() {}

    public var invoicedTotal: Money { invoiced.values.reduce(Money.zero, +) }
    public var notInvoicedTotal: Money { notInvoiced.values.reduce(Money.zero, +) }
    public var anonymousTotal: Money { anonymous.values.reduce(Money.zero, +) }
}

public enum DashboardError: Error, CustomStringConvertible {
    case unknownActivity(String)
    public var description: String {
        switch self {
        case .unknownActivity(let a): "unknown activity `\(a)` in daily_revenue"
        }
    }
}

/// The dashboards' queries, over the ledger's daily aggregate (`daily_revenue`).
public struct Dashboard: Sendable {
    public let ledger: LedgerDatabase

    public init(ledger: LedgerDatabase) { self.ledger = ledger }

    /// The ledger's filter of a selection: its scope and its site and client, applied in the query.
    static func filter(_ s: Selection) -> RevenueFilter {
        RevenueFilter(clients: s.scope.clients, site: s.site, client: s.client)
    }

    /// Figures per day of `period`, every day listed.
    public func byDay(period: Period, selection: Selection) throws -> [DayFigures] {
        let sums = try ledger.readRevenue { reader in
            try reader.dailyRevenueSums(period: period, filter: Self.filter(selection)).sums
        }
        return try Self.accumulate(sums, period: period).days
    }

    /// The ledger's sums (per day, activity and invoicing state) added up per (day, activity) in flat arrays
    /// (index `day × activities + activity`), and per bucket (anonymous, invoiced, not invoiced) × activity for
    /// the register activities: every day of `period`, and the register split.
    static func accumulate(_ sums: [DailyRevenueSum], period: Period) throws -> (
        days: [DayFigures], split: InvoicingSplit
    ) {
        let dayCount = max(0, period.dayCount)
        let activities = Activity.allCases.count
        var covers = [Int](repeating: 0, count: dayCount * activities), lines = covers
        var amounts = [Int64](repeating: 0, count: dayCount * activities), shares = amounts
        var buckets = [[Int64]](repeating: [Int64](repeating: 0, count: activities), count: 3)
        func add(_ total: inout Int64, _ v: Int64, _ day: Int) throws {
            let (sum, overflow) = total.addingReportingOverflow(v)
            if overflow { throw MoneyOverflow("revenue of \(Day(ordinal: day)): \(total) + \(v)") }
            total = sum
        }
        for s in sums {
            let d = s.day - period.start.ordinal
            guard d >= 0, d < dayCount else { continue }
            let a = try activity(s.activity)
            let i = d * activities + a.index
            covers[i] += s.covers
            lines[i] += s.lines
            try add(&amounts[i], s.amount, s.day)
            try add(&shares[i], s.employerShare, s.day)
            if a != .events {
                try add(&buckets[s.anonymous ? 0 : (s.invoiced ? 1 : 2)][a.index], s.amount, s.day)
            }
        }
        return (
            days(period, covers: covers, lines: lines, amounts: amounts, shares: shares), registerSplit(buckets)
        )
    }

    /// Every day of `period` from sums per (day, activity) in flat arrays (index `day × activities + activity`).
    static func days(_ period: Period, covers: [Int], lines: [Int], amounts: [Int64], shares: [Int64]) -> [DayFigures] {
        let activities = Activity.allCases.count
        return period.days.enumerated().map { d, day in
            var f = RevenueFigures()
            for a in Activity.withDailyRevenue {
                let i = d * activities + a.index
                if lines[i] != 0 || amounts[i] != 0 || covers[i] != 0 || shares[i] != 0 {
                    f.add(
                        a, covers: covers[i], lines: lines[i], amount: Money(cents: amounts[i]),
                        share: Money(cents: shares[i]))
                }
            }
            return DayFigures(day: day, figures: f)
        }
    }

    /// The activity of a sum, from its code.
    static func activity(_ code: String) throws -> Activity {
        var code = code
        return try code.withUTF8 { try activity($0) }
    }

    /// The activity of a row, from its bytes.
    static func activity(_ p: UnsafeBufferPointer<UInt8>) throws -> Activity {
        guard p.count >= 4 else { throw DashboardError.unknownActivity("") }
        switch (p[0], p.count) {
        case (UInt8(ascii: "S"), 4): return .selfService
        case (UInt8(ascii: "C"), 5): return .cafeteria
        case (UInt8(ascii: "B"), 5): return .brasserie
        case (UInt8(ascii: "E"), 5): return .events
        default: throw DashboardError.unknownActivity(String(decoding: p, as: UTF8.self))
        }
    }

    /// Figures per ISO week (Monday to Sunday) over the days of `period`.
    public func byWeek(period: Period, selection: Selection) throws -> [WeekFigures] {
        Self.weeks(try byDay(period: period, selection: selection))
    }

    /// Days grouped by ISO week, in order.
    public static func weeks(_ days: [DayFigures]) -> [WeekFigures] {
        var result: [WeekFigures] = []
        for d in days {
            let (year, week) = Period.isoWeekNumber(of: d.day)
            if let last = result.last, last.year == year, last.week == week {
                result[result.count - 1].days.end = d.day
                result[result.count - 1].figures.add(d.figures)
            } else {
                result.append(
                    WeekFigures(year: year, week: week, days: Period(start: d.day, end: d.day), figures: d.figures))
            }
        }
        return result
    }

    /// Running totals: each day's figures are the period's from its first day through that day.
    public func cumulative(period: Period, selection: Selection) throws -> [DayFigures] {
        Self.cumulative(try byDay(period: period, selection: selection))
    }

    public static func cumulative(_ days: [DayFigures]) -> [DayFigures] {
        var running = RevenueFigures()
        return days.map { d in
            running.add(d.figures)
            return DayFigures(day: d.day, figures: running)
        }
    }

    /// The whole period's figures.
    public func total(period: Period, selection: Selection) throws -> RevenueFigures {
        var total = RevenueFigures()
        for d in try byDay(period: period, selection: selection) { total.add(d.figures) }
        return total
    }

    /// Revenue of `period` invoiced (an issued document recorded the client's
    /// site-day, or bills the event order) and not yet invoiced.
    public func invoicing(period: Period, selection: Selection) throws -> InvoicingSplit {
        try ledger.readRevenue { reader in
            // `invoiced` is kept on the aggregate's rows by the ledger (set when a document is issued).
            let sums = try reader.dailyRevenueSums(period: period, filter: Self.filter(selection)).sums
            var split = try Self.accumulate(sums, period: period).split
            try Self.addEvents(to: &split, period: period, selection: selection, reader)
            return split
        }
    }

    /// The split of the register activities from sums per bucket (anonymous, invoiced, not invoiced) × activity.
    static func registerSplit(_ sums: [[Int64]]) -> InvoicingSplit {
        var split = InvoicingSplit()
        for a in Activity.withDailyRevenue where a != .events {
            if sums[0][a.index] != 0 { split.anonymous[a] = Money(cents: sums[0][a.index]) }
            if sums[1][a.index] != 0 { split.invoiced[a] = Money(cents: sums[1][a.index]) }
            if sums[2][a.index] != 0 { split.notInvoiced[a] = Money(cents: sums[2][a.index]) }
        }
        return split
    }

    /// Events: the orders behind the aggregate's EVENT rows, each billed or not.
    static func addEvents(to split: inout InvoicingSplit, period: Period, selection: Selection, _ reader: RevenueReader)
        throws
    {
        let events = try reader.deliveredEventOrders(period: period, filter: Self.filter(selection))
        if let invoiced = events.invoiced { split.invoiced[.events, default: .zero] += invoiced }
        if let notInvoiced = events.notInvoiced { split.notInvoiced[.events, default: .zero] += notInvoiced }
    }

    /// The sites and clients that have revenue in `period` (for choosers).
    public func sitesAndClients(period: Period, scope: ClientScope) throws -> (sites: [String], clients: [String]) {
        try ledger.revenueSitesAndClients(period: period, clients: scope.clients)
    }
}
